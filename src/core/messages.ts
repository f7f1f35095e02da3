/**
 * Direct messages and broadcasts. A message row holds what was said; each recipient gets a
 * delivery row with its own read and archived state, so one agent reading, archiving or
 * clearing a broadcast changes it for that agent only. `messages.archived_at` is set when the
 * sender (or an admin/lead) deletes the message for everyone.
 */
import type { AuditLog } from "./audit_log.ts";
import type { EventOutbox } from "./event_outbox.ts";
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import type { MemberStore } from "./members.ts";
import { checkMessageRate } from "./rate_limit.ts";
import { int, intOrNull, text, textOrNull } from "./rows.ts";
import type { Statements } from "../db/statements.ts";
import type { StoreDeps } from "./store_deps.ts";
import type { TaskStore } from "./tasks.ts";
import type { TriggerSink } from "./rules/trigger_sink.ts";
import type { Transactor } from "../db/transaction.ts";

export interface Message {
  id: number;
  sender: string;
  /** The recipient of a direct message; null for a broadcast. */
  recipient: string | null;
  broadcast: boolean;
  content: string;
  task_id: number | null;
  created_at: string;
}

/** A message as one recipient sees it in its inbox. */
export interface InboxMessage extends Message {
  /** True when the message had not been read before this fetch. */
  unread: boolean;
  archived: boolean;
}

export interface UnreadSummary {
  count: number;
  preview: { id: number; sender: string; broadcast: boolean; excerpt: string }[];
}

export interface RemoveResult {
  message_id: number;
  /** "inbox": only the acting agent's copy; "everyone": retracted for all recipients. */
  scope: "inbox" | "everyone";
  already: boolean;
}

const _PREVIEW_COUNT = 3;
const _EXCERPT_CHARS = 80;

export class MessageStore {
  readonly #tx: Transactor;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #audit: AuditLog;
  readonly #members: MemberStore;
  readonly #events: EventOutbox;
  readonly #tasks: TaskStore;
  readonly #triggers: TriggerSink;
  readonly #rateLimit: number | undefined;

  constructor(deps: StoreDeps & { tasks: TaskStore; rateLimit?: number | undefined }) {
    this.#rateLimit = deps.rateLimit;
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#audit = deps.audit;
    this.#members = deps.members;
    this.#events = deps.events;
    this.#tasks = deps.tasks;
    this.#triggers = deps.triggers;
  }

  /** Sends a direct message. The recipient must have registered at some time. */
  send(input: { sender: string; recipient: string; content: string; taskId?: number | undefined }) {
    return this.#tx.run(() => {
      const now = this.#clock.now();
      const sender = this.#members.require(input.sender, "sender").name;
      checkMessageRate(this.#sql, { sender, now, max: this.#rateLimit });
      return this.#direct({ ...input, sender, now });
    });
  }

  /**
   * A message from the table itself (a rule: sender "rule:<name>"; a human: "human:<name>").
   * No rate limit and no member check for the sender; the recipient must be a member.
   */
  sendSystem(
    input: { sender: string; recipient: string; content: string; taskId?: number | undefined },
  ): Message {
    return this.#tx.run(() => this.#direct({ ...input, now: this.#clock.now() }));
  }

  /** Stores a direct message, its delivery, event and audit row, and announces it. */
  #direct(input: {
    sender: string;
    recipient: string;
    content: string;
    taskId?: number | undefined;
    now: number;
  }): Message {
    const recipient = this.#members.require(input.recipient, "recipient").name;
    const taskId = this.#requireTask(input.taskId);
    const id = this.#insert({ ...input, recipient, taskId });
    this.#sql.get("INSERT INTO deliveries (agent, message_id) VALUES (?, ?)").run(recipient, id);
    const message = this.#find(id);
    this.#events.append({ recipient, type: "message", payload: { message } });
    this.#audit.record({
      agent: input.sender,
      action: "message.sent",
      target: id,
      details: { recipient, task_id: taskId, length: input.content.length },
    });
    this.#announce(message);
    return message;
  }

  /**
   * Sends one message to every registered member but the sender (active or not). With
   * `system`, the sender is a label such as "human:ops" (no member check, no rate limit).
   */
  broadcast(
    input: {
      sender: string;
      content: string;
      taskId?: number | undefined;
      system?: boolean | undefined;
    },
  ) {
    return this.#tx.run(() => {
      const now = this.#clock.now();
      const sender = input.system
        ? input.sender
        : this.#members.require(input.sender, "sender").name;
      const taskId = this.#requireTask(input.taskId);
      if (!input.system) checkMessageRate(this.#sql, { sender, now, max: this.#rateLimit });
      const id = this.#insert({ sender, recipient: null, content: input.content, taskId, now });
      const delivered = this.#sql.get(
        "INSERT INTO deliveries (agent, message_id) SELECT name, ? FROM members WHERE name <> ?",
      ).run(id, sender).changes;
      const message = this.#find(id);
      this.#events.append({
        recipient: "*",
        except: sender,
        type: "broadcast",
        payload: { message },
      });
      this.#audit.record({
        agent: sender,
        action: "message.broadcast",
        target: id,
        details: { recipients: Number(delivered), length: input.content.length },
      });
      this.#announce(message);
      return { message, recipients: Number(delivered) };
    });
  }

  /**
   * An agent's inbox, oldest first. Unread messages only by default (and those returned are
   * marked read); with `includeRead`, the newest `limit` messages. Archived ones only with
   * `includeArchived`.
   */
  inbox(input: {
    agent: string;
    includeRead?: boolean | undefined;
    includeArchived?: boolean | undefined;
    limit?: number | undefined;
  }): { messages: InboxMessage[]; unread_remaining: number } {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const limit = Math.min(input.limit ?? LIMITS.listLimitDefault, LIMITS.listLimitMax);
      const filters = ["d.agent = ?"];
      if (!input.includeRead) filters.push("d.read_at IS NULL");
      if (!input.includeArchived) filters.push("d.archived_at IS NULL AND m.archived_at IS NULL");
      const order = input.includeRead ? "DESC" : "ASC";
      const rows = this.#sql.get(
        `SELECT m.*, d.read_at AS d_read_at, d.archived_at AS d_archived_at
         FROM deliveries d JOIN messages m ON m.id = d.message_id
         WHERE ${filters.join(" AND ")} ORDER BY m.id ${order} LIMIT ?`,
      ).all(agent, limit);
      if (order === "DESC") rows.reverse();
      const messages = rows.map((row): InboxMessage => ({
        ..._toMessage(row),
        unread: intOrNull(row, "d_read_at") === null,
        archived: intOrNull(row, "d_archived_at") !== null ||
          intOrNull(row, "archived_at") !== null,
      }));
      const newlyRead = messages.filter((m) => m.unread).map((m) => m.id);
      if (newlyRead.length) {
        const mark = this.#sql.get(
          "UPDATE deliveries SET read_at = ? WHERE agent = ? AND message_id = ? AND read_at IS NULL",
        );
        const now = this.#clock.now();
        for (const id of newlyRead) mark.run(now, agent, id);
        this.#audit.record({
          agent,
          action: "messages.read",
          target: agent,
          details: { message_ids: newlyRead },
        });
      }
      return { messages, unread_remaining: this.#unreadCount(agent) };
    });
  }

  /** Soft-deletes a message: the recipient's copy, or for everyone when the sender deletes it. */
  delete(input: { messageId: number; agent: string }): RemoveResult {
    return this.#remove({ ...input, markRead: false });
  }

  /** Like delete, and also marks the acting agent's copy read. */
  archive(input: { messageId: number; agent: string }): RemoveResult {
    return this.#remove({ ...input, markRead: true });
  }

  /** Archives an agent's inbox in bulk; optional filters: created before a time, from a sender. */
  clearInbox(input: { agent: string; before?: number | undefined; sender?: string | undefined }) {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const sender = input.sender === undefined
        ? null
        : this.#members.require(input.sender, "sender").name;
      const now = this.#clock.now();
      const cleared = this.#sql.get(
        `UPDATE deliveries SET archived_at = ?, read_at = coalesce(read_at, ?)
         WHERE agent = ? AND archived_at IS NULL AND message_id IN (
           SELECT id FROM messages WHERE (? IS NULL OR created_at < ?) AND (? IS NULL OR sender = ?))`,
      ).run(
        now,
        now,
        agent,
        input.before ?? null,
        input.before ?? null,
        sender,
        sender,
      ).changes;
      const count = Number(cleared);
      this.#audit.record({
        agent,
        action: "inbox.cleared",
        target: agent,
        details: {
          count,
          before_date: input.before === undefined ? null : toIso(input.before),
          sender,
        },
      });
      return count;
    });
  }

  /** Hard-deletes every message created before `before`. Admin/lead only; audit rows stay. */
  purge(input: { agent: string; before: number }): number {
    return this.#tx.run(() => {
      this.#members.requirePrivilege(input.agent, "purge_messages", "purge messages");
      const agent = this.#members.require(input.agent, "agent_name").name;
      const purged = Number(
        this.#sql.get("DELETE FROM messages WHERE created_at < ?").run(input.before).changes,
      );
      this.#audit.record({
        agent,
        action: "messages.purged",
        target: null,
        details: { before_date: toIso(input.before), count: purged },
      });
      return purged;
    });
  }

  /**
   * The message stream for humans: direct messages and broadcasts, newest first; optionally
   * only those an agent sent or received (broadcasts included) and/or about a task.
   */
  stream(
    filter: { agent?: string | undefined; taskId?: number | undefined; limit?: number | undefined },
  ): Message[] {
    return this.#sql.get(
      `SELECT * FROM messages WHERE archived_at IS NULL
         AND (:agent IS NULL OR sender = :agent COLLATE NOCASE OR recipient = :agent COLLATE NOCASE
              OR recipient IS NULL)
         AND (:task IS NULL OR task_id = :task)
       ORDER BY id DESC LIMIT :limit`,
    ).all({
      agent: filter.agent ?? null,
      task: filter.taskId ?? null,
      limit: Math.min(filter.limit ?? LIMITS.listLimitDefault, LIMITS.listLimitMax),
    }).map(_toMessage);
  }

  /**
   * A read-only look at an agent's inbox (nothing is marked read): unread messages first, then
   * the most recent read ones, at most `limit`.
   */
  peek(agent: string, limit = 20): InboxMessage[] {
    const name = this.#members.require(agent, "agent").name;
    return this.#sql.get(
      `SELECT m.*, d.read_at AS d_read_at, d.archived_at AS d_archived_at
       FROM deliveries d JOIN messages m ON m.id = d.message_id
       WHERE d.agent = ? AND d.archived_at IS NULL AND m.archived_at IS NULL
       ORDER BY d.read_at IS NOT NULL, m.id DESC LIMIT ?`,
    ).all(name, limit).map((row) => ({
      ..._toMessage(row),
      unread: intOrNull(row, "d_read_at") === null,
      archived: false,
    }));
  }

  /** How many unread, unarchived messages wait for `agent`, and a preview of the newest. */
  unreadSummary(agent: string): UnreadSummary {
    const count = this.#unreadCount(agent);
    if (count === 0) return { count, preview: [] };
    const preview = this.#sql.get(
      `SELECT m.id, m.sender, m.recipient, m.content FROM deliveries d
       JOIN messages m ON m.id = d.message_id
       WHERE d.agent = ? AND d.read_at IS NULL AND d.archived_at IS NULL AND m.archived_at IS NULL
       ORDER BY m.id DESC LIMIT ?`,
    ).all(agent, _PREVIEW_COUNT).map((row) => {
      const content = text(row, "content");
      return {
        id: int(row, "id"),
        sender: text(row, "sender"),
        broadcast: textOrNull(row, "recipient") === null,
        excerpt: content.length > _EXCERPT_CHARS
          ? `${content.slice(0, _EXCERPT_CHARS - 1)}…`
          : content,
      };
    });
    return { count, preview };
  }

  #unreadCount(agent: string): number {
    const row = this.#sql.get(
      `SELECT count(*) AS n FROM deliveries d JOIN messages m ON m.id = d.message_id
       WHERE d.agent = ? AND d.read_at IS NULL AND d.archived_at IS NULL AND m.archived_at IS NULL`,
    ).get(agent);
    return row ? int(row, "n") : 0;
  }

  #remove(input: { messageId: number; agent: string; markRead: boolean }): RemoveResult {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const message = this.#find(input.messageId);
      const action = input.markRead ? "message.archived" : "message.deleted";
      const delivery = this.#sql.get(
        "SELECT archived_at FROM deliveries WHERE agent = ? AND message_id = ?",
      ).get(agent, message.id);
      const now = this.#clock.now();
      let result: RemoveResult;
      if (delivery) {
        const already = intOrNull(delivery, "archived_at") !== null;
        this.#sql.get(
          `UPDATE deliveries SET archived_at = coalesce(archived_at, ?),
             read_at = CASE WHEN ? THEN coalesce(read_at, ?) ELSE read_at END
           WHERE agent = ? AND message_id = ?`,
        ).run(now, input.markRead ? 1 : 0, now, agent, message.id);
        result = { message_id: message.id, scope: "inbox", already };
      } else if (
        message.sender === agent || this.#members.hasPrivilege(agent, "delete_any_message")
      ) {
        const already = this.#sql.get("SELECT archived_at FROM messages WHERE id = ?")
          .get(message.id)?.["archived_at"] != null;
        this.#sql.get("UPDATE messages SET archived_at = coalesce(archived_at, ?) WHERE id = ?")
          .run(now, message.id);
        result = { message_id: message.id, scope: "everyone", already };
      } else {
        throw new ForbiddenError(
          `message_id: '${agent}' is neither the sender nor a recipient of message ` +
            `${message.id}; only they (or an admin/lead) may ${
              input.markRead ? "archive" : "delete"
            } it.`,
        );
      }
      this.#audit.record({ agent, action, target: message.id, details: { scope: result.scope } });
      return result;
    });
  }

  #announce(message: Message): void {
    this.#triggers.emit("message.sent", {
      "message.id": message.id,
      "message.sender": message.sender,
      "message.recipient": message.recipient ?? "*",
      "message.broadcast": message.broadcast,
      "message.task_id": message.task_id,
      "message.content": message.content,
    }, { taskId: message.task_id ?? undefined });
  }

  #insert(input: {
    sender: string;
    recipient: string | null;
    content: string;
    taskId: number | null;
    now: number;
  }): number {
    const result = this.#sql.get(
      `INSERT INTO messages (sender, recipient, content, task_id, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(input.sender, input.recipient, input.content, input.taskId, input.now);
    return Number(result.lastInsertRowid);
  }

  /** Checks a linked task exists and marks it touched (its updated_at moves). */
  #requireTask(taskId: number | undefined): number | null {
    if (taskId === undefined) return null;
    const task = this.#tasks.get(taskId);
    this.#tasks.touch(task.id);
    return task.id;
  }

  #find(id: number): Message {
    const row = this.#sql.get("SELECT * FROM messages WHERE id = ?").get(id);
    if (!row) {
      throw new NotFoundError(
        `message_id: no message with id ${id} (it may have been purged). Call get_messages.`,
      );
    }
    return _toMessage(row);
  }
}

function _toMessage(row: Record<string, unknown>): Message {
  const recipient = textOrNull(row, "recipient");
  return {
    id: int(row, "id"),
    sender: text(row, "sender"),
    recipient,
    broadcast: recipient === null,
    content: text(row, "content"),
    task_id: intOrNull(row, "task_id"),
    created_at: toIso(int(row, "created_at")),
  };
}
