/**
 * A task's activity: comments, blockers, resolutions and the status changes that the board
 * records by itself (created, claimed, moved, reassigned...). With the messages linked to the
 * task it makes the feed that get_task_detail renders, one line per entry:
 *   [status_change] claude-code claimed task — 19:00
 *   [comment] claude-code: Starting on the SSE endpoint — 19:05
 */
import type { Clock } from "../clock.ts";
import { toIso } from "../clock.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import { LIMITS } from "../limits.ts";
import { cursorKey, type Page, pageOf, type PageRequest, pageSize } from "../pages.ts";
import type { MessageReader } from "../permissions/permissions.ts";
import { readerParams, visibleMessageSql } from "../messages/message_visibility.ts";

export const COMMENT_TYPES = ["comment", "status_change", "blocker", "resolution"] as const;
export type CommentType = typeof COMMENT_TYPES[number];
/** The types an agent may write (status_change entries are the board's own). */
export const WRITABLE_COMMENT_TYPES = ["comment", "blocker", "resolution"] as const;

export interface FeedEntry {
  at: string;
  /** A comment type, or "message" for a message linked to the task. */
  type: CommentType | "message";
  agent: string;
  content: string;
  /** The message's recipient ("*" for a broadcast); null for activity entries. */
  recipient: string | null;
  message_id: number | null;
  /** The rendered line, as in the feed. */
  line: string;
}

const _LINE_CHARS = 200;

export class TaskActivityLog {
  readonly #sql: Statements;
  readonly #clock: Clock;

  constructor(sql: Statements, clock: Clock) {
    this.#sql = sql;
    this.#clock = clock;
  }

  /** Adds an entry. Call inside the transaction that makes the change. */
  record(
    taskId: number,
    entry: { agent: string; type: CommentType; content: string; at?: number | undefined },
  ): number {
    return Number(
      this.#sql.get(
        "INSERT INTO task_activity (task_id, at, agent, type, content) VALUES (?, ?, ?, ?, ?)",
      ).run(taskId, entry.at ?? this.#clock.now(), entry.agent, entry.type, entry.content)
        .lastInsertRowid,
    );
  }

  /**
   * Activity and the linked (not retracted) messages `reader` may see: the newest `limit`
   * entries before `cursor` (LIMITS.pages.feed), oldest first, and a cursor for the ones
   * before them.
   */
  feed(taskId: number, reader: MessageReader, page: PageRequest = {}): Page<FeedEntry> {
    const size = pageSize(page.limit, LIMITS.pages.feed);
    const after = page.cursor === undefined
      ? [Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER]
      : cursorKey(page.cursor, ["number", "number", "number"], "get_task_detail");
    const rows = this.#sql.get(
      `SELECT * FROM (
         SELECT at, type, agent, content, NULL AS recipient, NULL AS message_id, 0 AS kind, id
           FROM task_activity WHERE task_id = :task
         UNION ALL
         SELECT created_at, 'message', sender, content, coalesce(recipient, '*'), id, 1, id
           FROM messages m WHERE task_id = :task AND archived_at IS NULL
             AND ${visibleMessageSql("m")})
       WHERE (at, kind, id) < (:at, :kind, :id)
       ORDER BY at DESC, kind DESC, id DESC LIMIT :limit`,
    ).all({
      task: taskId,
      ...readerParams(reader),
      at: after[0]!,
      kind: after[1]!,
      id: after[2]!,
      limit: size + 1,
    });
    const newest = pageOf(rows, size, (row) => [int(row, "at"), int(row, "kind"), int(row, "id")]);
    const items = newest.items.reverse().map((row) => {
      const type = text(row, "type");
      const entry = {
        at: toIso(int(row, "at")),
        type: type === "message" ? "message" as const : _commentType(type),
        agent: text(row, "agent"),
        content: text(row, "content"),
        recipient: textOrNull(row, "recipient"),
        message_id: intOrNull(row, "message_id"),
      };
      return { ...entry, line: renderFeedLine(entry) };
    });
    return newest.next_cursor === undefined
      ? { items }
      : { items, next_cursor: newest.next_cursor };
  }

  /**
   * How many comments (of any kind but status changes) the task has, and how many linked
   * messages `reader` may see.
   */
  counts(taskId: number, reader: MessageReader): { comments: number; messages: number } {
    const row = this.#sql.get(
      `SELECT
         (SELECT count(*) FROM task_activity WHERE task_id = :task AND type <> 'status_change')
           AS comments,
         (SELECT count(*) FROM messages m WHERE task_id = :task AND archived_at IS NULL
            AND ${visibleMessageSql("m")}) AS messages`,
    ).get({ task: taskId, ...readerParams(reader) });
    return { comments: row ? int(row, "comments") : 0, messages: row ? int(row, "messages") : 0 };
  }
}

/**
 * One feed line in the roadmap's format; times are HH:MM in UTC. The content is cut to 200
 * characters unless `whole`.
 */
export function renderFeedLine(
  entry: { at: string; type: string; agent: string; content: string; recipient: string | null },
  whole = false,
): string {
  const time = entry.at.slice(11, 16);
  const content = _oneLine(entry.content, whole);
  if (entry.type === "status_change") return `[status_change] ${entry.agent} ${content} — ${time}`;
  if (entry.type === "message") {
    const to = entry.recipient === "*" ? "everyone" : entry.recipient;
    return `[message] ${entry.agent} → ${to}: ${content} — ${time}`;
  }
  return `[${entry.type}] ${entry.agent}: ${content} — ${time}`;
}

function _oneLine(text: string, whole: boolean): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return !whole && flat.length > _LINE_CHARS ? `${flat.slice(0, _LINE_CHARS - 1)}…` : flat;
}

function _commentType(value: string): CommentType {
  return COMMENT_TYPES.find((type) => type === value) ?? "comment";
}
