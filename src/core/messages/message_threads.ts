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
import { mayReadMessage, messageReaderOf } from "../permissions/permissions.ts";
import type { Principals } from "../permissions/principal.ts";
import { enforce } from "../permissions/refusal.ts";
import type { RoleCatalog } from "../role_catalog.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import {
  type Acknowledgement,
  excerptOf,
  type PendingAck,
  type Thread,
  type ThreadMessage,
  toMessage,
} from "./message.ts";
import type { LinkedTasks } from "./message_store.ts";

/** Messages a reader may see: null reads every message; an agent, what it sent or received. */
const _VISIBLE = `m.archived_at IS NULL AND (:reader IS NULL OR m.sender = :reader
  OR EXISTS (SELECT 1 FROM deliveries v WHERE v.message_id = m.id AND v.agent = :reader))`;

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
   * may see, with who read each and, where asked, who acknowledged it.
   */
  thread(input: { by: Actor; messageId: number; limit?: number | undefined }): Thread {
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
          "SELECT 1 AS yes FROM deliveries WHERE agent = ? AND message_id = ?",
        ).get(who.agent, start.id) !== undefined;
    enforce(mayReadMessage(who, start, received), {
      who,
      what: `read the thread of message ${start.id}`,
      field: "message_id",
    }, this.#roles);
    const reader = messageReaderOf(who);
    const limit = Math.min(input.limit ?? LIMITS.listLimitDefault, LIMITS.listLimitMax);
    const params = { thread: start.thread_id, reader, limit };
    const messages = this.#sql.get(
      `SELECT m.* FROM messages m WHERE m.thread_id = :thread AND ${_VISIBLE}
       ORDER BY m.id DESC LIMIT :limit`,
    ).all(params).map(toMessage).reverse();
    const total = int(
      this.#sql.get(
        `SELECT count(*) AS n FROM messages m WHERE m.thread_id = :thread AND ${_VISIBLE}`,
      ).get({ thread: start.thread_id, reader }) ?? { n: 0 },
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
      more: Math.max(0, total - messages.length),
      tasks: taskIds.map((id) => {
        const task = this.#tasks.get(id);
        return { id: task.id, title: task.title, status: task.status, assignee: task.assignee };
      }),
    };
  }

  /**
   * Acknowledgements still owed: by the reader (messages to it that ask for one), and to the
   * reader (its messages, per recipient), oldest first, with their age.
   */
  pendingAcks(
    input: { by: Actor; limit?: number | undefined },
  ): { owed_by_me: PendingAck[]; owed_to_me: PendingAck[] } {
    const who = this.#principals.resolve(input.by);
    const limit = Math.min(input.limit ?? LIMITS.listLimitDefault, LIMITS.listLimitMax);
    const now = this.#clock.now();
    const select = `SELECT m.*, d.agent AS d_agent, d.ack_requested_at AS d_requested
      FROM deliveries d JOIN messages m ON m.id = d.message_id
      WHERE d.ack_requested_at IS NOT NULL AND d.acked_at IS NULL AND m.archived_at IS NULL`;
    const toPending = (row: Record<string, unknown>): PendingAck => {
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
        overdue: now - requested >= LIMITS.ackOverdueDefaultMs,
      };
    };
    const owedByMe = who.agent === null ? [] : this.#sql.get(
      `${select} AND d.agent = ? ORDER BY d.ack_requested_at, m.id LIMIT ?`,
    ).all(who.agent, limit).map(toPending);
    const owedToMe = this.#sql.get(
      `${select} AND m.sender = ? AND m.ack_required = 1
       ORDER BY d.ack_requested_at, m.id, d.agent LIMIT ?`,
    ).all(who.label, limit).map(toPending);
    return { owed_by_me: owedByMe, owed_to_me: owedToMe };
  }

  #deliveries(ids: readonly number[]) {
    const byMessage = new Map<
      number,
      { agent: string; readAt: number | null; ackedAt: number | null; note: string | null }[]
    >();
    if (ids.length === 0) return byMessage;
    const rows = this.#sql.get(
      `SELECT message_id, agent, read_at, acked_at, ack_note FROM deliveries
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
      });
      byMessage.set(id, list);
    }
    return byMessage;
  }
}
