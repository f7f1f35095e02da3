/**
 * The event outbox: every change someone should hear about is written here in the same
 * transaction as the change. Push delivery (SSE), the poll daemon and replays after a
 * reconnect all read from it, so nothing is lost across restarts and processes.
 */
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import { int, intOrNull, text, textOrNull } from "./rows.ts";
import type { Statements } from "../db/statements.ts";
import type { Transactor } from "../db/transaction.ts";
import type { Lease, LeaseConflict, LeaseEnd } from "./leases/lease.ts";
import type { Message } from "./messages/message.ts";
import type { Task, TaskComment, TaskStatus } from "./tasks/task_model.ts";

/** A task's party is told what happened to it, and by whom. */
interface _TaskEvent {
  task: Task;
  by: string;
}

/**
 * What each outbox event carries: the one list of event types. A new type here makes the
 * compiler name each place that must say what it means (its description, its push, the web
 * view's list).
 */
export interface TableEventPayloads {
  message: { message: Message };
  broadcast: { message: Message };
  task_created: _TaskEvent;
  task_claimed: _TaskEvent & { review?: true };
  task_updated: _TaskEvent & { from: TaskStatus; to: TaskStatus; released?: string };
  task_reassigned: _TaskEvent & { from: string | null; to: string | null };
  task_comment: _TaskEvent & {
    comment: TaskComment;
    from: TaskStatus;
    to: TaskStatus;
    escalation?: true;
  };
  review_requested: _TaskEvent;
  context_updated: { ns: string; key: string; version: number; set_by: string; deleted: boolean };
  task_unblocked: _TaskEvent & { blocker: number };
  /** A task anyone may take is free to take now (why: created, unblocked, released...). */
  task_available: _TaskEvent & { why: string };
  message_acknowledged: {
    message_id: number;
    thread_id: Message["thread_id"];
    subject: Message["subject"];
    task_id: Message["task_id"];
    agent: string;
    note: string | null;
    by: string;
  };
  lease_granted: { agent: string; leases: Lease[]; by: string; summary: string };
  lease_refused: {
    agent: string;
    paths: string[];
    conflicts: LeaseConflict[];
    waiting: boolean;
    by: string;
    summary: string;
  };
  lease_released: { leases: Lease[]; cause: LeaseEnd; reason: string; by: string; summary: string };
  lease_freed: { paths: string[]; by: string; summary: string };
}
export type TableEventType = keyof TableEventPayloads;

/** Every event type, in the order the web view lists them. */
const _TYPES: Record<TableEventType, true> = {
  message: true,
  broadcast: true,
  task_created: true,
  task_claimed: true,
  task_updated: true,
  task_reassigned: true,
  task_comment: true,
  review_requested: true,
  context_updated: true,
  task_unblocked: true,
  task_available: true,
  message_acknowledged: true,
  lease_granted: true,
  lease_refused: true,
  lease_released: true,
  lease_freed: true,
};
export const TABLE_EVENT_TYPES = Object.keys(_TYPES) as readonly TableEventType[];

export function isTableEventType(type: string): type is TableEventType {
  return Object.hasOwn(_TYPES, type);
}

/** An event's type with the payload that type carries. */
export type TableEventBody = {
  [K in TableEventType]: { type: K; payload: TableEventPayloads[K] };
}[TableEventType];

export interface TableEvent {
  id: number;
  at: string;
  type: TableEventType;
  /** An agent name, "*" for everyone except `except`, or FOR_OBSERVERS. */
  recipient: string;
  except: string | null;
  /**
   * Read back from its stored JSON, so read defensively: an event written by an older version
   * (the outbox keeps them 7 days) may lack a field of TableEventPayloads.
   */
  payload: Record<string, unknown>;
}

/** An event to append: its body is checked against TableEventPayloads. */
export type NewEvent = TableEventBody & {
  recipient: string;
  except?: string | undefined;
};

/**
 * The recipient of an event no agent is told about but the web view's stream (which sees every
 * event) shows: no agent name can be written so.
 */
export const FOR_OBSERVERS = "(observers)";

/** True when `event` is addressed to `agent` (names compare without regard to case). */
export function isEventFor(event: TableEvent, agent: string): boolean {
  const name = agent.toLowerCase();
  if (event.recipient === "*") return event.except?.toLowerCase() !== name;
  return event.recipient.toLowerCase() === name;
}

export class EventOutbox {
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #tx: Transactor;
  readonly #committed = new Set<(event: TableEvent) => void>();

  constructor(deps: { sql: Statements; clock: Clock; tx: Transactor }) {
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#tx = deps.tx;
  }

  /** Appends an event. Call inside the transaction that makes the change. */
  append(event: NewEvent): void {
    const at = this.#clock.now();
    const payload = JSON.stringify(event.payload);
    const id = Number(
      this.#sql.get(
        "INSERT INTO events (at, recipient, except_agent, type, payload) VALUES (?, ?, ?, ?, ?)",
      ).run(at, event.recipient, event.except ?? null, event.type, payload).lastInsertRowid,
    );
    if (this.#committed.size === 0) return;
    const stored: TableEvent = {
      id,
      at: toIso(at),
      type: event.type,
      recipient: event.recipient,
      except: event.except ?? null,
      payload: JSON.parse(payload),
    };
    this.#tx.afterCommit(() => {
      for (const listener of this.#committed) listener(stored);
    });
  }

  /**
   * Calls `listener` with each event this process appends, once its transaction commits, as it
   * would read back (the push relay takes its own events without reading them again). Returns
   * an unsubscribe.
   */
  onCommitted(listener: (event: TableEvent) => void): () => void {
    this.#committed.add(listener);
    return () => this.#committed.delete(listener);
  }

  /**
   * Events for `agent` with id above `afterId`, oldest first. Two index range scans in id
   * order (its own, and those for everyone) merged, so a page reads at most 2 × `limit` rows
   * and sorts nothing else.
   */
  forAgent(agent: string, afterId: number, limit = 1_000): TableEvent[] {
    return this.#sql.get(
      `SELECT * FROM (
         SELECT * FROM (SELECT * FROM events WHERE recipient = :agent AND id > :after
                        ORDER BY id LIMIT :limit)
         UNION ALL
         SELECT * FROM (SELECT * FROM events WHERE recipient = '*' AND id > :after
                          AND (except_agent IS NULL OR except_agent <> :agent)
                        ORDER BY id LIMIT :limit))
       ORDER BY id LIMIT :limit`,
    ).all({ agent, after: afterId, limit }).map(_toEvent);
  }

  /**
   * What a stream resuming after `afterId` replays: `agent`'s events after it, oldest first,
   * but at most `max` (the newest) and, with `maxBytes`, no more than fit in that many bytes of
   * SSE frames (`replayFrameBytes`, an upper bound of each frame); `skipped` counts the older
   * ones left out by either bound (counting stops at `countMax`, then `skippedMore`). Reads the
   * ids and sizes of at most 2 × `max` rows, the payloads of only the events replayed, and the
   * count.
   */
  replayFor(
    agent: string,
    afterId: number,
    max: number,
    countMax = 10_000,
    maxBytes = Infinity,
  ): { events: TableEvent[]; skipped: number; skippedMore: boolean } {
    const newest = this.#sql.get(
      `SELECT * FROM (
         SELECT * FROM (SELECT id, type, octet_length(payload) AS bytes FROM events
                        WHERE recipient = :agent AND id > :after ORDER BY id DESC LIMIT :max)
         UNION ALL
         SELECT * FROM (SELECT id, type, octet_length(payload) AS bytes FROM events
                        WHERE recipient = '*' AND id > :after
                          AND (except_agent IS NULL OR except_agent <> :agent)
                        ORDER BY id DESC LIMIT :max))
       ORDER BY id DESC LIMIT :max`,
    ).all({ agent, after: afterId, max });
    const kept: number[] = [];
    let bytes = 0;
    for (const row of newest) {
      bytes += replayFrameBytes(text(row, "type"), int(row, "bytes"));
      if (bytes > maxBytes) break;
      kept.push(int(row, "id"));
    }
    const events = kept.length === 0 ? [] : this.#sql.get(
      "SELECT * FROM events WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
    ).all(JSON.stringify(kept)).map(_toEvent);
    const dropped = newest.length - kept.length;
    const oldest = newest.at(-1);
    if (newest.length < max || oldest === undefined) {
      return { events, skipped: Math.min(dropped, countMax), skippedMore: dropped > countMax };
    }
    const row = this.#sql.get(
      `SELECT count(*) AS n FROM (
         SELECT 1 FROM (SELECT id FROM events WHERE recipient = :agent
                          AND id > :after AND id < :first LIMIT :cap)
         UNION ALL
         SELECT 1 FROM (SELECT id FROM events WHERE recipient = '*' AND id > :after
                          AND id < :first AND (except_agent IS NULL OR except_agent <> :agent)
                        LIMIT :cap)
         LIMIT :cap)`,
    ).get({ agent, after: afterId, first: int(oldest, "id"), cap: countMax + 1 });
    const counted = dropped + (row ? int(row, "n") : 0);
    return { events, skipped: Math.min(counted, countMax), skippedMore: counted > countMax };
  }

  /** Every event with id above `afterId`, oldest first (what a push backend fans out). */
  after(afterId: number, limit = 1_000): TableEvent[] {
    return this.#sql.get("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?")
      .all(afterId, limit).map(_toEvent);
  }

  /**
   * The cursor just before `agent`'s first event at or after `sinceMs` (the newest id when
   * there is none): reading on from it shows everything from that time.
   */
  cursorBefore(agent: string, sinceMs: number): number {
    const row = this.#sql.get(
      `SELECT min(id) AS id FROM events WHERE at >= ?
         AND (recipient = ? OR (recipient = '*' AND (except_agent IS NULL OR except_agent <> ?)))`,
    ).get(sinceMs, agent, agent);
    const first = row ? intOrNull(row, "id") : null;
    return first === null ? this.latestId() : first - 1;
  }

  /** The id of the newest event, 0 when there is none. */
  latestId(): number {
    const row = this.#sql.get("SELECT coalesce(max(id), 0) AS id FROM events").get();
    return row ? int(row, "id") : 0;
  }

  /**
   * A number that changes when another connection commits to the database (SQLite's
   * data_version): a relay polls it to learn that other processes wrote events.
   */
  dataVersion(): number {
    const value = this.#sql.get("PRAGMA data_version").get()?.["data_version"];
    return typeof value === "number" ? value : -1;
  }

  /** Removes events older than `beforeMs`; replays cannot reach further back than this. */
  prune(beforeMs: number): number {
    return Number(this.#sql.get("DELETE FROM events WHERE at < ?").run(beforeMs).changes);
  }
}

/**
 * The most bytes one event's SSE frame takes (`id:`, `event:` and `data:` lines, the data being
 * `{"id","at","type"}` and the payload's fields): `payloadBytes` of stored JSON, `type` twice,
 * and at most 128 bytes of the rest (ids up to 16 digits, an ISO time up to 27 characters).
 */
export function replayFrameBytes(type: string, payloadBytes: number): number {
  return 128 + 2 * new TextEncoder().encode(type).byteLength + payloadBytes;
}

function _toEvent(row: Record<string, unknown>): TableEvent {
  const type = text(row, "type");
  if (!isTableEventType(type)) {
    throw new TypeError(`event ${int(row, "id")} has the unknown type '${type}'`);
  }
  const payload: unknown = JSON.parse(text(row, "payload"));
  return {
    id: int(row, "id"),
    at: toIso(int(row, "at")),
    type,
    recipient: text(row, "recipient"),
    except: textOrNull(row, "except_agent"),
    payload: typeof payload === "object" && payload !== null && !Array.isArray(payload)
      ? Object.fromEntries(Object.entries(payload))
      : {},
  };
}
