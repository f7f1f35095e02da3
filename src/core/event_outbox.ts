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

export const TABLE_EVENT_TYPES = [
  "message",
  "broadcast",
  "task_created",
  "task_claimed",
  "task_updated",
  "task_reassigned",
  "task_comment",
  "review_requested",
  "context_updated",
  "task_unblocked",
  "message_acknowledged",
  "lease_granted",
  "lease_refused",
  "lease_released",
  "lease_freed",
] as const;
export type TableEventType = typeof TABLE_EVENT_TYPES[number];

export interface TableEvent {
  id: number;
  at: string;
  type: TableEventType;
  /** An agent name, or "*" for everyone except `except`. */
  recipient: string;
  except: string | null;
  payload: Record<string, unknown>;
}

export interface NewEvent {
  recipient: string;
  except?: string | undefined;
  type: TableEventType;
  payload: Record<string, unknown>;
}

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

  /** Events for `agent` with id above `afterId`, oldest first. */
  forAgent(agent: string, afterId: number, limit = 1_000): TableEvent[] {
    return this.#sql.get(
      `SELECT * FROM events WHERE id > ?
         AND (recipient = ? OR (recipient = '*' AND (except_agent IS NULL OR except_agent <> ?)))
       ORDER BY id LIMIT ?`,
    ).all(afterId, agent, agent, limit).map(_toEvent);
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

  /** Removes events older than `beforeMs`; replays cannot reach further back than this. */
  prune(beforeMs: number): number {
    return Number(this.#sql.get("DELETE FROM events WHERE at < ?").run(beforeMs).changes);
  }
}

function _toEvent(row: Record<string, unknown>): TableEvent {
  const stored = text(row, "type");
  const type = TABLE_EVENT_TYPES.find((t) => t === stored);
  if (type === undefined) {
    throw new TypeError(`event ${int(row, "id")} has the unknown type '${stored}'`);
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
