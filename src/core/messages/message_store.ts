/**
 * Direct messages and broadcasts. A message row holds what was said; each recipient gets a
 * delivery row with its own read and archived state, so one agent reading, archiving or
 * clearing a broadcast changes it for that agent only. A broadcast that asks for no
 * acknowledgement is one row when sent: each member's delivery of it is written when that
 * member next changes its inbox (#deliverBroadcasts), and until then the unread counts add it
 * (_PENDING_BROADCASTS), so sending it costs the same however many members and deliveries. `messages.archived_at` is set when the
 * sender (or an agent with delete_any_message) retracts the message for everyone, and then
 * every delivery of it is archived too.
 */
import type { StoreContext } from "../store_context.ts";
import type { Actor } from "../actor.ts";
import { toIso } from "../clock.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { checkContent, checkSubject, checkText, TEXT_RULES } from "../input_rules/text_rules.ts";
import { LIMITS } from "../limits.ts";
import { cursorKey, pageOf, pageSize } from "../pages.ts";
import { mayReadMessage, mayRetractMessage, mayUsePrivilege } from "../permissions/permissions.ts";
import type { Principal } from "../permissions/principal.ts";
import { enforce } from "../permissions/refusal.ts";
import { checkMessageRate } from "../rate_limit.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import { receivedSql } from "./message_visibility.ts";
import type { Task } from "../tasks/task_model.ts";
import {
  type AckResult,
  EXCERPT_SOURCE_CHARS,
  excerptOf,
  type InboxMessage,
  type Message,
  type RemoveResult,
  toMessage,
  type UnreadSummary,
} from "./message.ts";

/** What a new message may say beyond its text: its thread, subject, and an ack request. */
export interface MessageOptions {
  taskId?: number | undefined;
  /** The message this one replies to (it joins that message's thread). */
  replyTo?: number | undefined;
  subject?: string | undefined;
  /** Each recipient must acknowledge it. */
  ackRequired?: boolean | undefined;
  /**
   * The id of the MCP session sending it: the rate limit counts per session too, over every
   * name the session used.
   */
  session?: string | undefined;
}

/** A thread in an inbox page: its subject and how many of the page's messages are in it. */
export interface InboxThread {
  thread_id: number;
  subject: string | null;
  count: number;
  unread: number;
}

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

/**
 * SQL: the broadcasts that asked for no acknowledgement, sent to member :agent since its
 * deliveries were last written (#deliverBroadcasts), retracted ones too (as message_id and
 * archived_at).
 */
const _PENDING_BROADCASTS_ANY = `
  SELECT b.id AS message_id, b.archived_at AS archived_at
  FROM members p JOIN messages b INDEXED BY messages_broadcasts
    ON b.recipient IS NULL AND b.id > p.broadcasts_upto
  WHERE p.name = :agent AND b.ack_required = 0 AND b.sender <> p.name COLLATE NOCASE`;

/** SQL: the same, not retracted: unread for :agent though no delivery row holds them yet. */
const _PENDING_BROADCASTS = `SELECT message_id FROM (${_PENDING_BROADCASTS_ANY})
  WHERE archived_at IS NULL`;

/**
 * SQL: the ids of :agent's newest `n` unread, unarchived messages of each kind (delivered, not
 * yet delivered), each read newest first from its index, so the badge costs the same at any
 * backlog; order the union and keep `n`.
 */
function _newestUnreadIds(n: number): string {
  return `
  SELECT message_id FROM (SELECT message_id FROM deliveries INDEXED BY deliveries_unread
    WHERE agent = :agent AND read_at IS NULL AND archived_at IS NULL
    ORDER BY message_id DESC LIMIT ${n})
  UNION ALL
  SELECT message_id FROM (${_PENDING_BROADCASTS} ORDER BY message_id DESC LIMIT ${n})`;
}

/** SQL: the ids of :agent's unread, unarchived messages (delivered or not yet). */
const _UNREAD_IDS = `
  SELECT message_id FROM deliveries INDEXED BY deliveries_unread
  WHERE agent = :agent AND read_at IS NULL AND archived_at IS NULL
  UNION ALL ${_PENDING_BROADCASTS}`;

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
  send(input: MessageOptions & { by: Actor; recipient: string; content: string }): Message {
    checkContent(input.content);
    return this.#ctx.tx.run(() => {
      const now = this.#ctx.clock.now();
      const who = this.#sender(input.by, now, input.session);
      const recipient = this.#ctx.directory.requireSeat(input.recipient, "recipient").name;
      const message = this.#insert(who, { ...input, recipient, now });
      this.#ctx.sql.get(
        "INSERT INTO deliveries (agent, message_id, ack_requested_at) VALUES (?, ?, ?)",
      ).run(recipient, message.id, input.ackRequired ? now : null);
      this.#ctx.publisher.publish({ type: "message.sent", by: who.actor, message });
      return message;
    });
  }

  /** Sends one message to every registered member but the sender (active or not). */
  broadcast(
    input: MessageOptions & { by: Actor; content: string },
  ): { message: Message; recipients: number } {
    checkContent(input.content);
    return this.#ctx.tx.run(() => {
      const now = this.#ctx.clock.now();
      const who = this.#sender(input.by, now, input.session);
      const message = this.#insert(who, { ...input, recipient: null, now });
      // Acknowledgements are owed per member, so those broadcasts are delivered at once.
      const recipients = input.ackRequired
        ? Number(
          this.#ctx.sql.get(
            `INSERT INTO deliveries (agent, message_id, ack_requested_at)
             SELECT name, ?, ? FROM members WHERE name <> ?`,
          ).run(message.id, now, who.label).changes,
        )
        : int(
          this.#ctx.sql.get("SELECT count(*) AS n FROM members WHERE name <> ?").get(who.label) ??
            { n: 0 },
          "n",
        );
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
   * marked read: the next call gets the next ones); with `includeRead`, the newest `limit`
   * messages, and `next_cursor` for older ones. `limit`: LIMITS.pages.inbox; `cursor`: only
   * messages older than the page it came from. Archived ones only with `includeArchived`.
   */
  inbox(input: {
    by: Actor;
    includeRead?: boolean | undefined;
    includeArchived?: boolean | undefined;
    limit?: number | undefined;
    cursor?: string | undefined;
    /** Order the page by thread (threads by their newest message) and list the threads. */
    byThread?: boolean | undefined;
  }): {
    messages: InboxMessage[];
    unread_remaining: number;
    threads?: InboxThread[];
    next_cursor?: string;
  } {
    return this.#ctx.tx.run(() => {
      const who = this.#recipient(input.by);
      const agent = who.label;
      this.#deliverBroadcasts(agent);
      const size = pageSize(input.limit, LIMITS.pages.inbox);
      const before = input.cursor === undefined
        ? null
        : Number(cursorKey(input.cursor, ["number"], "get_messages")[0]);
      const filters = ["d.agent = ?"];
      if (!input.includeRead) filters.push("d.read_at IS NULL");
      if (!input.includeArchived) filters.push("d.archived_at IS NULL AND m.archived_at IS NULL");
      if (before !== null) filters.push("d.message_id < ?");
      const order = input.includeRead ? "DESC" : "ASC";
      // The usual page (unread, not archived) reads only the unread index, at any backlog.
      const unreadOnly = !input.includeRead && !input.includeArchived;
      const found = this.#ctx.sql.get(
        `SELECT m.*, d.read_at AS d_read_at, d.archived_at AS d_archived_at,
           d.acked_at AS d_acked_at
         FROM deliveries d ${unreadOnly ? "INDEXED BY deliveries_unread " : ""}
         JOIN messages m ON m.id = d.message_id
         WHERE ${filters.join(" AND ")} ORDER BY d.message_id ${order} LIMIT ?`,
      ).all(agent, ...(before === null ? [] : [before]), size + 1);
      const { items: rows, next_cursor } = pageOf(found, size, (row) => [int(row, "id")]);
      const more = input.includeRead && next_cursor !== undefined ? { next_cursor } : {};
      if (order === "DESC") rows.reverse();
      let messages = rows.map(_inboxMessage);
      const newlyRead = messages.filter((m) => m.unread).map((m) => m.id);
      if (newlyRead.length) this.#markRead(agent, newlyRead, who.actor);
      const unread_remaining = this.unreadCount(agent);
      if (!input.byThread) return { messages, unread_remaining, ...more };
      const threads = _threadsOf(messages);
      const rank = new Map(threads.map((t, i) => [t.thread_id, i]));
      messages = [...messages].sort((a, b) =>
        (rank.get(a.thread_id) ?? 0) - (rank.get(b.thread_id) ?? 0) || a.id - b.id
      );
      return { messages, unread_remaining, threads, ...more };
    });
  }

  /**
   * Acknowledges a message that asked for it (marking it read too). Reading is not
   * acknowledging; acknowledging twice changes nothing and says so.
   */
  acknowledge(input: { by: Actor; messageId: number; note?: string | undefined }): AckResult {
    return this.#ctx.tx.run(() => {
      const who = this.#recipient(input.by);
      const note = input.note === undefined
        ? null
        : checkText("note", input.note, TEXT_RULES.ackNote);
      const message = this.#find(input.messageId);
      this.#deliverBroadcasts(who.label);
      const delivery = this.#ctx.sql.get(
        "SELECT ack_requested_at, acked_at, ack_note FROM deliveries WHERE agent = ? AND message_id = ?",
      ).get(who.label, message.id);
      if (!delivery) {
        throw new ValidationError(
          `message_id: message ${message.id} was not sent to ${who.label}; only a recipient ` +
            `acknowledges. Call list_pending_acks to see what you owe.`,
        );
      }
      if (intOrNull(delivery, "ack_requested_at") === null) {
        throw new ValidationError(
          `message_id: message ${message.id} did not ask for an acknowledgement (nothing to ` +
            `acknowledge); reply with send_message(reply_to=${message.id}) instead.`,
        );
      }
      const acked = intOrNull(delivery, "acked_at");
      if (acked !== null) {
        return {
          message_id: message.id,
          acknowledged_at: toIso(acked),
          note: textOrNull(delivery, "ack_note"),
          already: true,
        };
      }
      const now = this.#ctx.clock.now();
      this.#ctx.sql.get(
        `UPDATE deliveries SET acked_at = ?, ack_note = ?, read_at = coalesce(read_at, ?)
         WHERE agent = ? AND message_id = ?`,
      ).run(now, note, now, who.label, message.id);
      this.#ctx.publisher.publish({
        type: "message.acknowledged",
        by: who.actor,
        message,
        agent: who.label,
        note,
      });
      return { message_id: message.id, acknowledged_at: toIso(now), note, already: false };
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
      this.#deliverBroadcasts(who.label);
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
      `SELECT m.*, d.d_read_at, d.d_archived_at, d.d_acked_at FROM (
         SELECT message_id, read_at AS d_read_at, archived_at AS d_archived_at,
           acked_at AS d_acked_at
         FROM deliveries WHERE agent = :agent AND archived_at IS NULL
         UNION ALL
         SELECT message_id, NULL, NULL, NULL FROM (${_PENDING_BROADCASTS})) d
       JOIN messages m ON m.id = d.message_id
       WHERE m.archived_at IS NULL
       ORDER BY d.d_read_at IS NOT NULL, m.id DESC LIMIT :limit`,
    ).all({ agent: name, limit }).map(_inboxMessage);
  }

  /**
   * How many unread, unarchived messages wait for `agent` (counted up to
   * LIMITS.unreadBadgeCount, so every tool result costs the same at any backlog), the newest
   * one's id, and a preview of the newest ones that came after `seen` (the newest the reader
   * was shown): none when nothing new arrived since.
   */
  unreadSummary(agent: string, seen?: number): UnreadSummary {
    const counted = this.#ctx.sql.get(
      `SELECT count(*) AS n, coalesce(max(message_id), 0) AS newest FROM (
         SELECT message_id FROM (${_newestUnreadIds(LIMITS.unreadBadgeCount)})
         ORDER BY message_id DESC LIMIT ${LIMITS.unreadBadgeCount})`,
    ).get({ agent });
    const count = counted ? int(counted, "n") : 0;
    const newest = counted ? int(counted, "newest") : 0;
    if (count === 0 || newest === seen) return { count, newest };
    // Only what the preview shows: what came since the last notice (`seen`), and only the head
    // of each content (a long message is not read whole to show 80 characters of it).
    const preview = this.#ctx.sql.get(
      `SELECT m.id, m.sender, m.recipient IS NULL AS broadcast, m.subject,
         coalesce(m.thread_id, m.id) AS thread_id, m.ack_required,
         substr(m.content, 1, ${EXCERPT_SOURCE_CHARS}) AS head,
         length(m.content) > ${EXCERPT_SOURCE_CHARS} AS cut,
         length(m.content) <= ${LIMITS.badgeWholeChars} AS whole
       FROM (${_newestUnreadIds(_PREVIEW_COUNT)}) u JOIN messages m ON m.id = u.message_id
       WHERE m.archived_at IS NULL AND u.message_id > :seen
       ORDER BY m.id DESC LIMIT ${_PREVIEW_COUNT}`,
    ).all({ agent, seen: seen ?? 0 }).map((row) => ({
      id: int(row, "id"),
      sender: text(row, "sender"),
      broadcast: int(row, "broadcast") === 1,
      subject: textOrNull(row, "subject"),
      thread_id: int(row, "thread_id"),
      ack_required: int(row, "ack_required") !== 0,
      excerpt: int(row, "whole") === 1
        ? excerptOf(text(row, "head"), LIMITS.badgeWholeChars)
        : excerptOf(text(row, "head"), undefined, int(row, "cut") === 1),
      whole: int(row, "whole") === 1,
    }));
    return preview.length === 0 ? { count, newest } : { count, newest, preview };
  }

  /**
   * The badge for `agent`'s next result (unreadSummary): the new messages it shows whole are
   * delivered by it, so they are marked read here, and `count` is what is still unread.
   */
  notice(agent: string, seen?: number): UnreadSummary {
    return this.#ctx.tx.run(() => {
      const summary = this.unreadSummary(agent, seen);
      const whole = (summary.preview ?? []).filter((p) => p.whole).map((p) => p.id);
      if (whole.length === 0) return summary;
      this.#deliverBroadcasts(agent);
      this.#markRead(agent, whole, { kind: "agent", name: agent });
      return { ...summary, count: Math.max(0, summary.count - whole.length) };
    });
  }

  /** When the oldest unread, unarchived message for `agent` was sent (ms), if there is one. */
  oldestUnreadAt(agent: string): number | undefined {
    const row = this.#ctx.sql.get(
      `SELECT min(m.created_at) AS at FROM (${_UNREAD_IDS}) u JOIN messages m ON m.id = u.message_id
       WHERE m.archived_at IS NULL`,
    ).get({ agent });
    return row ? intOrNull(row, "at") ?? undefined : undefined;
  }

  /** How many unread, unarchived messages wait for `agent`, all counted. */
  unreadCount(agent: string): number {
    const row = this.#ctx.sql.get(
      `SELECT count(*) AS n FROM (${_UNREAD_IDS})`,
    ).get({ agent });
    return row ? int(row, "n") : 0;
  }

  /** The messages `agent` has not acknowledged yet though asked to, oldest request first. */
  acksOwed(agent: string): { message_id: number; sender: string; content: string }[] {
    return this.#ctx.sql.get(
      `SELECT m.id, m.sender, m.content FROM deliveries d JOIN messages m ON m.id = d.message_id
       WHERE d.agent = ? AND d.ack_requested_at IS NOT NULL AND d.acked_at IS NULL
         AND d.archived_at IS NULL AND m.archived_at IS NULL
       ORDER BY d.ack_requested_at, m.id`,
    ).all(agent).map((row) => ({
      message_id: int(row, "id"),
      sender: text(row, "sender"),
      content: text(row, "content"),
    }));
  }

  /** How many messages the table holds (archived ones too). */
  count(): number {
    const row = this.#ctx.sql.get("SELECT count(*) AS n FROM messages").get();
    return row ? int(row, "n") : 0;
  }

  /**
   * Writes `agent`'s deliveries of the broadcasts sent since it last changed its inbox (those
   * that asked for no acknowledgement), so reading, archiving and clearing them work on rows.
   * Call inside the command's transaction.
   */
  #deliverBroadcasts(agent: string): void {
    const member = this.#ctx.sql.get(
      "SELECT name, broadcasts_upto FROM members WHERE name = ?",
    ).get(agent);
    if (!member) return;
    const upto = int(member, "broadcasts_upto");
    const latest = this.#ctx.sql.get(
      `SELECT coalesce(max(id), 0) AS id FROM messages INDEXED BY messages_broadcasts
       WHERE recipient IS NULL`,
    ).get();
    const newest = latest ? int(latest, "id") : 0;
    if (newest <= upto) return;
    const name = text(member, "name");
    this.#ctx.sql.get(
      `INSERT OR IGNORE INTO deliveries (agent, message_id, archived_at)
       SELECT :agent, message_id, archived_at FROM (${_PENDING_BROADCASTS_ANY})`,
    ).run({ agent: name });
    this.#ctx.sql.get("UPDATE members SET broadcasts_upto = ? WHERE name = ?").run(newest, name);
  }

  /** Marks `ids` read in `agent`'s inbox (delivered rows) and says so. Inside a transaction. */
  #markRead(agent: string, ids: number[], by: Actor): void {
    const mark = this.#ctx.sql.get(
      "UPDATE deliveries SET read_at = ? WHERE agent = ? AND message_id = ? AND read_at IS NULL",
    );
    const now = this.#ctx.clock.now();
    for (const id of ids) mark.run(now, agent, id);
    this.#ctx.publisher.publish({ type: "messages.read", by, agent, messageIds: ids });
  }

  #remove(input: { messageId: number; by: Actor; archive: boolean }): RemoveResult {
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      const message = this.#find(input.messageId);
      if (who.agent !== null) this.#deliverBroadcasts(who.agent);
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
        // Every copy is archived too, so counting unread mail reads deliveries alone.
        this.#ctx.sql.get(
          "UPDATE deliveries SET archived_at = coalesce(archived_at, ?) WHERE message_id = ?",
        ).run(now, message.id);
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

  /**
   * The sender, checked: an agent must be a member and within its rate limit (and its
   * session within the same limit, whichever names it used).
   */
  #sender(by: Actor, now: number, session: string | undefined): Principal {
    const who = this.#ctx.principals.resolve(by, "sender");
    if (who.agent !== null) {
      checkMessageRate(this.#ctx.sql, { sender: who.agent, session, now, max: this.#rateLimit });
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

  /**
   * Stores a new message: links its task, joins the thread of the message it replies to
   * (which the sender must have sent or received), and takes that thread's subject unless it
   * names its own.
   */
  #insert(
    who: Principal,
    input: MessageOptions & { recipient: string | null; content: string; now: number },
  ): Message {
    let subject = input.subject === undefined ? null : checkSubject(input.subject);
    let threadId: number | null = null;
    let replyTo: number | null = null;
    if (input.replyTo !== undefined) {
      const parent = this.#find(input.replyTo, "reply_to");
      const received = this.#ctx.sql.get(
        `SELECT 1 AS yes FROM messages m WHERE m.id = :id AND ${receivedSql("m", ":agent")}`,
      ).get({ id: parent.id, agent: who.label }) !== undefined;
      enforce(mayReadMessage(who, parent, received), {
        who,
        what: `reply to message ${parent.id}`,
        field: "reply_to",
        advice: "Reply to a message you sent or received (see get_messages).",
      }, this.#ctx.roles);
      threadId = parent.thread_id;
      replyTo = parent.id;
      subject ??= parent.subject;
    }
    const taskId = this.#linkTask(input.taskId);
    // The id is chosen here (the write lock is held) so a new thread's id is written with it;
    // message_ids keeps it above every id given before, even ones purged since.
    const next = this.#ctx.sql.get(
      `UPDATE message_ids SET last = max(last, (SELECT coalesce(max(id), 0) FROM messages)) + 1
       RETURNING last`,
    ).get();
    const row = {
      id: next ? int(next, "last") : 1,
      sender: who.label,
      recipient: input.recipient,
      content: input.content,
      task_id: taskId,
      created_at: input.now,
      thread_id: threadId,
      reply_to: replyTo,
      subject,
      ack_required: input.ackRequired ? 1 : 0,
    };
    row.thread_id ??= row.id;
    this.#ctx.sql.get(
      `INSERT INTO messages
         (id, sender, recipient, content, task_id, created_at, thread_id, reply_to, subject,
          ack_required, session_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      row.id,
      row.sender,
      row.recipient,
      row.content,
      row.task_id,
      row.created_at,
      row.thread_id,
      row.reply_to,
      row.subject,
      row.ack_required,
      input.session ?? null,
    );
    return toMessage(row);
  }

  /** Checks a linked task exists and marks it touched (its updated_at moves). */
  #linkTask(taskId: number | undefined): number | null {
    if (taskId === undefined) return null;
    const task = this.#tasks.get(taskId);
    this.#tasks.touch(task.id);
    return task.id;
  }

  #find(id: number, field = "message_id"): Message {
    const row = this.#ctx.sql.get("SELECT * FROM messages WHERE id = ?").get(id);
    if (!row) {
      throw new NotFoundError(
        `${field}: no message with id ${id} (it may have been purged). Call get_messages.`,
      );
    }
    return toMessage(row);
  }
}

function _inboxMessage(row: Record<string, unknown>): InboxMessage {
  const acked = intOrNull(row, "d_acked_at");
  return {
    ...toMessage(row),
    unread: intOrNull(row, "d_read_at") === null,
    archived: intOrNull(row, "d_archived_at") !== null || intOrNull(row, "archived_at") !== null,
    acknowledged_at: acked === null ? null : toIso(acked),
  };
}

/** The threads of an inbox page, the one with the newest message first. */
function _threadsOf(messages: readonly InboxMessage[]): InboxThread[] {
  const threads = new Map<number, InboxThread & { newest: number }>();
  for (const m of messages) {
    const thread = threads.get(m.thread_id) ??
      { thread_id: m.thread_id, subject: m.subject, count: 0, unread: 0, newest: 0 };
    thread.count++;
    if (m.unread) thread.unread++;
    thread.newest = Math.max(thread.newest, m.id);
    thread.subject ??= m.subject;
    threads.set(m.thread_id, thread);
  }
  return [...threads.values()].sort((a, b) => b.newest - a.newest)
    .map(({ newest: _newest, ...thread }) => thread);
}
