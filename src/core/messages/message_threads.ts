/**
 * Reading conversations: a whole thread as one reader may see it (who has read and
 * acknowledged each message, the tasks it concerns), and the acknowledgements a reader owes
 * or is owed. Read-only: nothing here marks a message read.
 */
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { toIso } from "../clock.ts";
import { NotFoundError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { cursorKey, cursorOf, pageOf, type PageRequest, pageSize } from "../pages.ts";
import { mayReadMessage, messageReaderFor } from "../permissions/permissions.ts";
import { readerParams, receivedSql, visibleMessageSql } from "./message_visibility.ts";
import type { Principals } from "../permissions/principal.ts";
import { enforce } from "../permissions/refusal.ts";
import type { RoleCatalog } from "../role_catalog.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import {
  type Acknowledgement,
  type AwaitedAck,
  excerptOf,
  type PendingAck,
  type Thread,
  type ThreadMessage,
  toMessage,
} from "./message.ts";
import type { LinkedTasks } from "./message_store.ts";

/** Messages a reader may see (message_visibility.ts), not retracted. */
const _VISIBLE = `m.archived_at IS NULL AND ${visibleMessageSql("m")}`;

export class MessageThreads {
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #roles: RoleCatalog;
  readonly #principals: Principals;
  readonly #tasks: Pick<LinkedTasks, "get">;

  constructor(deps: {
    sql: Statements;
    clock: Clock;
    roles: RoleCatalog;
    principals: Principals;
    tasks: Pick<LinkedTasks, "get">;
  }) {
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#roles = deps.roles;
    this.#principals = deps.principals;
    this.#tasks = deps.tasks;
  }

  /**
   * The thread of message `messageId`, oldest first: the newest `limit` messages the reader
   * may see (LIMITS.pages.thread; with `cursor`, those older than the page it came from), with
   * who read each and, where asked, who acknowledged it.
   */
  thread(input: { by: Actor; messageId: number } & PageRequest): Thread & { next_cursor?: string } {
    const who = this.#principals.resolve(input.by);
    const row = this.#sql.get("SELECT * FROM messages WHERE id = ?").get(input.messageId);
    if (!row) {
      throw new NotFoundError(
        `message_id: no message with id ${input.messageId} (it may have been purged). ` +
          `Call get_messages or search.`,
      );
    }
    const start = toMessage(row);
    const received = who.agent !== null && this.#sql.get(
          `SELECT 1 AS yes FROM messages m WHERE m.id = :id AND ${receivedSql("m", ":agent")}`,
        ).get({ id: start.id, agent: who.agent }) !== undefined;
    enforce(mayReadMessage(who, start, received), {
      who,
      what: `read the thread of message ${start.id}`,
      field: "message_id",
    }, this.#roles);
    const reader = readerParams(messageReaderFor(who));
    const size = pageSize(input.limit, LIMITS.pages.thread);
    const before = input.cursor === undefined
      ? null
      : Number(cursorKey(input.cursor, ["number"], "get_thread")[0]);
    const params = { thread: start.thread_id, ...reader, before, limit: size + 1 };
    const page = pageOf(
      this.#sql.get(
        `SELECT m.* FROM messages m WHERE m.thread_id = :thread AND ${_VISIBLE}
           AND (:before IS NULL OR m.id < :before)
         ORDER BY m.id DESC LIMIT :limit`,
      ).all(params).map(toMessage),
      size,
      (m) => [m.id],
    );
    const messages = page.items.reverse();
    const older = int(
      this.#sql.get(
        `SELECT count(*) AS n FROM messages m WHERE m.thread_id = :thread AND ${_VISIBLE}
           AND m.id < :oldest`,
      ).get({ thread: start.thread_id, ...reader, oldest: messages[0]?.id ?? 0 }) ?? { n: 0 },
      "n",
    );
    const deliveries = this.#deliveries(messages.map((m) => m.id));
    const taskIds = [...new Set(messages.flatMap((m) => m.task_id === null ? [] : [m.task_id]))];
    return {
      thread_id: start.thread_id,
      subject: messages.find((m) => m.subject !== null)?.subject ?? start.subject,
      messages: messages.map((m): ThreadMessage => {
        const copies = deliveries.get(m.id) ?? [];
        return {
          ...m,
          read_by: copies.filter((d) => d.readAt !== null).map((d) => d.agent),
          acks: m.ack_required
            ? {
              acknowledged: copies.flatMap((d): Acknowledgement[] =>
                d.ackedAt === null ? [] : [{ agent: d.agent, at: toIso(d.ackedAt), note: d.note }]
              ),
              pending: copies.filter((d) => d.ackedAt === null).map((d) => d.agent),
            }
            : null,
        };
      }),
      more: older,
      tasks: taskIds.map((id) => {
        const task = this.#tasks.get(id);
        return { id: task.id, title: task.title, status: task.status, assignee: task.assignee };
      }),
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
    };
  }

  /**
   * Acknowledgements still owed: by the reader (messages to it that ask for one), oldest first,
   * with their age; and to the reader: each of its messages still awaiting one, oldest first,
   * with who acknowledged and who has not.
   */
  pendingAcks(
    input: { by: Actor } & PageRequest,
  ): { owed_by_me: PendingAck[]; owed_to_me: AwaitedAck[]; next_cursor?: string } {
    const who = this.#principals.resolve(input.by);
    const size = pageSize(input.limit, LIMITS.pages.pendingAcks);
    // Where each list goes on: [requested, id] of owed_by_me, [sent, id] of owed_to_me; a time
    // of -1 marks a list that has ended.
    const at = input.cursor === undefined ? [0, 0, 0, 0] : cursorKey(
      input.cursor,
      ["number", "number", "number", "number"],
      "list_pending_acks",
    ).map(Number);
    const now = this.#clock.now();
    const overdue = (since: number) => now - since >= LIMITS.ackOverdueDefaultMs;
    const byMe = who.agent === null || at[0] === -1 ? [] : this.#sql.get(
      `SELECT m.*, d.agent AS d_agent, d.ack_requested_at AS d_requested
       FROM deliveries d JOIN messages m ON m.id = d.message_id
       WHERE d.ack_requested_at IS NOT NULL AND d.acked_at IS NULL AND m.archived_at IS NULL
         AND d.agent = ? AND (d.ack_requested_at, m.id) > (?, ?)
       ORDER BY d.ack_requested_at, m.id LIMIT ?`,
    ).all(who.agent, at[0]!, at[1]!, size + 1);
    const toMe = at[2] === -1 ? [] : this.#sql.get(
      `SELECT m.* FROM messages m
       WHERE m.sender = ? AND m.ack_required = 1 AND m.archived_at IS NULL
         AND EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = m.id
           AND d.ack_requested_at IS NOT NULL AND d.acked_at IS NULL)
         AND (m.created_at, m.id) > (?, ?)
       ORDER BY m.created_at, m.id LIMIT ?`,
    ).all(who.label, at[2]!, at[3]!, size + 1);
    const awaited = toMe.slice(0, size).map(toMessage);
    const copies = this.#deliveries(awaited.map((m) => m.id));
    const shown = LIMITS.ackNamesShown;
    const result = {
      owed_by_me: byMe.slice(0, size).map((row): PendingAck => {
        const m = toMessage(row);
        const requested = int(row, "d_requested");
        return {
          message_id: m.id,
          thread_id: m.thread_id,
          sender: m.sender,
          recipient: text(row, "d_agent"),
          subject: m.subject,
          excerpt: excerptOf(m.content),
          requested_at: toIso(requested),
          age_s: Math.floor((now - requested) / 1000),
          overdue: overdue(requested),
        };
      }),
      owed_to_me: awaited.map((m): AwaitedAck => {
        const asked = (copies.get(m.id) ?? []).filter((d) => d.requested);
        const acked = asked.filter((d) => d.ackedAt !== null).map((d) => d.agent);
        const pending = asked.filter((d) => d.ackedAt === null).map((d) => d.agent);
        const sent = Date.parse(m.created_at);
        return {
          message_id: m.id,
          thread_id: m.thread_id,
          recipient: m.recipient,
          subject: m.subject,
          excerpt: excerptOf(m.content),
          sent_at: m.created_at,
          age_s: Math.floor((now - sent) / 1000),
          overdue: overdue(sent),
          acknowledged: acked.slice(0, shown),
          pending: pending.slice(0, shown),
          acknowledged_count: acked.length,
          pending_count: pending.length,
        };
      }),
    };
    if (byMe.length <= size && toMe.length <= size) return result;
    const last = (rows: Record<string, unknown>[]) => rows[size - 1]!;
    const by = byMe.length > size
      ? [int(last(byMe), "d_requested"), int(last(byMe), "id")]
      : [-1, 0];
    const to = toMe.length > size
      ? [int(last(toMe), "created_at"), int(last(toMe), "id")]
      : [-1, 0];
    return { ...result, next_cursor: cursorOf([...by, ...to]) };
  }

  #deliveries(ids: readonly number[]) {
    const byMessage = new Map<
      number,
      {
        agent: string;
        readAt: number | null;
        ackedAt: number | null;
        note: string | null;
        requested: boolean;
      }[]
    >();
    if (ids.length === 0) return byMessage;
    const rows = this.#sql.get(
      `SELECT message_id, agent, read_at, acked_at, ack_note, ack_requested_at FROM deliveries
       WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, agent`,
    ).all(JSON.stringify(ids));
    for (const row of rows) {
      const id = int(row, "message_id");
      const list = byMessage.get(id) ?? [];
      list.push({
        agent: text(row, "agent"),
        readAt: intOrNull(row, "read_at"),
        ackedAt: intOrNull(row, "acked_at"),
        note: textOrNull(row, "ack_note"),
        requested: intOrNull(row, "ack_requested_at") !== null,
      });
      byMessage.set(id, list);
    }
    return byMessage;
  }
}
