/**
 * Direct messages and broadcasts. A message row holds what was said; each recipient gets a
 * delivery row with its own read and archived state, so one agent reading, archiving or
 * clearing a broadcast changes it for that agent only. `messages.archived_at` is set when the
 * sender (or an agent with delete_any_message) retracts the message for everyone.
 */
import type { StoreContext } from "../store_context.ts";
import { checkContent } from "../input_rules/text_rules.ts";
import type { Actor } from "../actor.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { mayRetractMessage, mayUsePrivilege } from "../permissions/permissions.ts";
import type { Principal } from "../permissions/principal.ts";
import { enforce } from "../permissions/refusal.ts";
import { checkMessageRate } from "../rate_limit.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import type { Task } from "../tasks/task_model.ts";
import {
  type InboxMessage,
  type Message,
  type RemoveResult,
  toMessage,
  type UnreadSummary,
} from "./message.ts";

/** What messages need of the task board: a linked task exists, and is touched. */
export interface LinkedTasks {
  get(id: number): Task;
  touch(id: number): void;
}

export interface MessageStoreDeps extends StoreContext {
  tasks: LinkedTasks;
  /** Messages per agent per window (default LIMITS.messagesPerWindow; 0: no limit). */
  rateLimit?: number | undefined;
}

const _PREVIEW_COUNT = 3;
const _EXCERPT_CHARS = 80;

export class MessageStore {
  readonly #ctx: StoreContext;
  readonly #tasks: LinkedTasks;
  readonly #rateLimit: number | undefined;

  constructor(deps: MessageStoreDeps) {
    this.#ctx = deps;
    this.#tasks = deps.tasks;
    this.#rateLimit = deps.rateLimit;
  }

  /**
   * Sends a direct message. The recipient must have registered at some time. Agents are rate
   * limited; rules and humans are not.
   */
  send(
    input: { by: Actor; recipient: string; content: string; taskId?: number | undefined },
  ): Message {
    checkContent(input.content);
    return this.#ctx.tx.run(() => {
      const now = this.#ctx.clock.now();
      const who = this.#sender(input.by, now);
      const recipient = this.#ctx.directory.require(input.recipient, "recipient").name;
      const taskId = this.#linkTask(input.taskId);
      const id = this.#insert({
        sender: who.label,
        recipient,
        content: input.content,
        taskId,
        now,
      });
      this.#ctx.sql.get("INSERT INTO deliveries (agent, message_id) VALUES (?, ?)").run(
        recipient,
        id,
      );
      const message = this.#find(id);
      this.#ctx.publisher.publish({ type: "message.sent", by: who.actor, message });
      return message;
    });
  }

  /** Sends one message to every registered member but the sender (active or not). */
  broadcast(
    input: { by: Actor; content: string; taskId?: number | undefined },
  ): { message: Message; recipients: number } {
    checkContent(input.content);
    return this.#ctx.tx.run(() => {
      const now = this.#ctx.clock.now();
      const who = this.#sender(input.by, now);
      const taskId = this.#linkTask(input.taskId);
      const id = this.#insert({
        sender: who.label,
        recipient: null,
        content: input.content,
        taskId,
        now,
      });
      const recipients = Number(
        this.#ctx.sql.get(
          "INSERT INTO deliveries (agent, message_id) SELECT name, ? FROM members WHERE name <> ?",
        ).run(id, who.label).changes,
      );
      const message = this.#find(id);
      this.#ctx.publisher.publish({
        type: "message.broadcast",
        by: who.actor,
        message,
        recipients,
      });
      return { message, recipients };
    });
  }

  /**
   * An agent's inbox, oldest first. Unread messages only by default (and those returned are
   * marked read); with `includeRead`, the newest `limit` messages. Archived ones only with
   * `includeArchived`.
   */
  inbox(input: {
    by: Actor;
    includeRead?: boolean | undefined;
    includeArchived?: boolean | undefined;
    limit?: number | undefined;
  }): { messages: InboxMessage[]; unread_remaining: number } {
    return this.#ctx.tx.run(() => {
      const who = this.#recipient(input.by);
      const agent = who.label;
      const limit = Math.min(input.limit ?? LIMITS.listLimitDefault, LIMITS.listLimitMax);
      const filters = ["d.agent = ?"];
      if (!input.includeRead) filters.push("d.read_at IS NULL");
      if (!input.includeArchived) filters.push("d.archived_at IS NULL AND m.archived_at IS NULL");
      const order = input.includeRead ? "DESC" : "ASC";
      const rows = this.#ctx.sql.get(
        `SELECT m.*, d.read_at AS d_read_at, d.archived_at AS d_archived_at
         FROM deliveries d JOIN messages m ON m.id = d.message_id
         WHERE ${filters.join(" AND ")} ORDER BY m.id ${order} LIMIT ?`,
      ).all(agent, limit);
      if (order === "DESC") rows.reverse();
      const messages = rows.map((row): InboxMessage => ({
        ...toMessage(row),
        unread: intOrNull(row, "d_read_at") === null,
        archived: intOrNull(row, "d_archived_at") !== null ||
          intOrNull(row, "archived_at") !== null,
      }));
      const newlyRead = messages.filter((m) => m.unread).map((m) => m.id);
      if (newlyRead.length) {
        const mark = this.#ctx.sql.get(
          "UPDATE deliveries SET read_at = ? WHERE agent = ? AND message_id = ? AND read_at IS NULL",
        );
        const now = this.#ctx.clock.now();
        for (const id of newlyRead) mark.run(now, agent, id);
        this.#ctx.publisher.publish({
          type: "messages.read",
          by: who.actor,
          agent,
          messageIds: newlyRead,
        });
      }
      return { messages, unread_remaining: this.#unreadCount(agent) };
    });
  }

  /** Soft-deletes a message: the recipient's copy, or for everyone when the sender deletes it. */
  delete(input: { messageId: number; by: Actor }): RemoveResult {
    return this.#remove({ ...input, archive: false });
  }

  /** Like delete, and also marks the acting agent's copy read. */
  archive(input: { messageId: number; by: Actor }): RemoveResult {
    return this.#remove({ ...input, archive: true });
  }

  /** Archives an agent's inbox in bulk; optional filters: created before a time, from a sender. */
  clearInbox(input: { by: Actor; before?: number | undefined; sender?: string | undefined }) {
    return this.#ctx.tx.run(() => {
      const who = this.#recipient(input.by);
      const sender = input.sender === undefined
        ? null
        : this.#ctx.directory.require(input.sender, "sender").name;
      const now = this.#ctx.clock.now();
      const before = input.before ?? null;
      const count = Number(
        this.#ctx.sql.get(
          `UPDATE deliveries SET archived_at = ?, read_at = coalesce(read_at, ?)
           WHERE agent = ? AND archived_at IS NULL AND message_id IN (
             SELECT id FROM messages WHERE (? IS NULL OR created_at < ?) AND (? IS NULL OR sender = ?))`,
        ).run(now, now, who.label, before, before, sender, sender).changes,
      );
      this.#ctx.publisher.publish({
        type: "inbox.cleared",
        by: who.actor,
        agent: who.label,
        count,
        before,
        sender,
      });
      return count;
    });
  }

  /** Hard-deletes every message created before `before` (purge_messages); audit rows stay. */
  purge(input: { by: Actor; before: number }): number {
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      enforce(
        mayUsePrivilege(who, "purge_messages"),
        { who, what: "purge messages" },
        this.#ctx.roles,
      );
      const count = Number(
        this.#ctx.sql.get("DELETE FROM messages WHERE created_at < ?").run(input.before).changes,
      );
      this.#ctx.publisher.publish({
        type: "messages.purged",
        by: who.actor,
        before: input.before,
        count,
      });
      return count;
    });
  }

  /**
   * The message stream for humans: direct messages and broadcasts, newest first; optionally
   * only those an agent sent or received (broadcasts included) and/or about a task.
   */
  stream(
    filter: { agent?: string | undefined; taskId?: number | undefined; limit?: number | undefined },
  ): Message[] {
    return this.#ctx.sql.get(
      `SELECT * FROM messages WHERE archived_at IS NULL
         AND (:agent IS NULL OR sender = :agent COLLATE NOCASE OR recipient = :agent COLLATE NOCASE
              OR recipient IS NULL)
         AND (:task IS NULL OR task_id = :task)
       ORDER BY id DESC LIMIT :limit`,
    ).all({
      agent: filter.agent ?? null,
      task: filter.taskId ?? null,
      limit: Math.min(filter.limit ?? LIMITS.listLimitDefault, LIMITS.listLimitMax),
    }).map(toMessage);
  }

  /**
   * A read-only look at an agent's inbox (nothing is marked read): unread messages first, then
   * the most recent read ones, at most `limit`.
   */
  peek(agent: string, limit = 20): InboxMessage[] {
    const name = this.#ctx.directory.require(agent, "agent").name;
    return this.#ctx.sql.get(
      `SELECT m.*, d.read_at AS d_read_at, d.archived_at AS d_archived_at
       FROM deliveries d JOIN messages m ON m.id = d.message_id
       WHERE d.agent = ? AND d.archived_at IS NULL AND m.archived_at IS NULL
       ORDER BY d.read_at IS NOT NULL, m.id DESC LIMIT ?`,
    ).all(name, limit).map((row) => ({
      ...toMessage(row),
      unread: intOrNull(row, "d_read_at") === null,
      archived: false,
    }));
  }

  /** How many unread, unarchived messages wait for `agent`, and a preview of the newest. */
  unreadSummary(agent: string): UnreadSummary {
    const count = this.#unreadCount(agent);
    if (count === 0) return { count, preview: [] };
    const preview = this.#ctx.sql.get(
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

  /** When the oldest unread, unarchived message for `agent` was sent (ms), if there is one. */
  oldestUnreadAt(agent: string): number | undefined {
    const row = this.#ctx.sql.get(
      `SELECT min(m.created_at) AS at FROM deliveries d JOIN messages m ON m.id = d.message_id
       WHERE d.agent = ? AND d.read_at IS NULL AND d.archived_at IS NULL AND m.archived_at IS NULL`,
    ).get(agent);
    return row ? intOrNull(row, "at") ?? undefined : undefined;
  }

  #unreadCount(agent: string): number {
    const row = this.#ctx.sql.get(
      `SELECT count(*) AS n FROM deliveries d JOIN messages m ON m.id = d.message_id
       WHERE d.agent = ? AND d.read_at IS NULL AND d.archived_at IS NULL AND m.archived_at IS NULL`,
    ).get(agent);
    return row ? int(row, "n") : 0;
  }

  #remove(input: { messageId: number; by: Actor; archive: boolean }): RemoveResult {
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      const message = this.#find(input.messageId);
      const delivery = this.#ctx.sql.get(
        "SELECT archived_at FROM deliveries WHERE agent = ? AND message_id = ?",
      ).get(who.label, message.id);
      const now = this.#ctx.clock.now();
      let result: RemoveResult;
      if (delivery) {
        const already = intOrNull(delivery, "archived_at") !== null;
        this.#ctx.sql.get(
          `UPDATE deliveries SET archived_at = coalesce(archived_at, ?),
             read_at = CASE WHEN ? THEN coalesce(read_at, ?) ELSE read_at END
           WHERE agent = ? AND message_id = ?`,
        ).run(now, input.archive ? 1 : 0, now, who.label, message.id);
        result = { message_id: message.id, scope: "inbox", already };
      } else {
        enforce(mayRetractMessage(who, message), {
          who,
          what: `${input.archive ? "archive" : "delete"} message ${message.id}`,
          field: "message_id",
        }, this.#ctx.roles);
        const already = this.#ctx.sql.get("SELECT archived_at FROM messages WHERE id = ?")
          .get(message.id)?.["archived_at"] != null;
        this.#ctx.sql.get("UPDATE messages SET archived_at = coalesce(archived_at, ?) WHERE id = ?")
          .run(now, message.id);
        result = { message_id: message.id, scope: "everyone", already };
      }
      this.#ctx.publisher.publish({
        type: "message.removed",
        by: who.actor,
        messageId: message.id,
        scope: result.scope,
        archived: input.archive,
      });
      return result;
    });
  }

  /** The sender, checked: an agent must be a member and within its rate limit. */
  #sender(by: Actor, now: number): Principal {
    const who = this.#ctx.principals.resolve(by, "sender");
    if (who.agent !== null) {
      checkMessageRate(this.#ctx.sql, { sender: who.agent, now, max: this.#rateLimit });
    }
    return who;
  }

  /** The agent whose inbox this is (only agents have one). */
  #recipient(by: Actor): Principal {
    const who = this.#ctx.principals.resolve(by);
    if (who.agent === null) {
      throw new ValidationError(`agent_name: ${who.label} has no inbox; only agents do.`);
    }
    return who;
  }

  #insert(input: {
    sender: string;
    recipient: string | null;
    content: string;
    taskId: number | null;
    now: number;
  }): number {
    const result = this.#ctx.sql.get(
      `INSERT INTO messages (sender, recipient, content, task_id, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(input.sender, input.recipient, input.content, input.taskId, input.now);
    return Number(result.lastInsertRowid);
  }

  /** Checks a linked task exists and marks it touched (its updated_at moves). */
  #linkTask(taskId: number | undefined): number | null {
    if (taskId === undefined) return null;
    const task = this.#tasks.get(taskId);
    this.#tasks.touch(task.id);
    return task.id;
  }

  #find(id: number): Message {
    const row = this.#ctx.sql.get("SELECT * FROM messages WHERE id = ?").get(id);
    if (!row) {
      throw new NotFoundError(
        `message_id: no message with id ${id} (it may have been purged). Call get_messages.`,
      );
    }
    return toMessage(row);
  }
}
