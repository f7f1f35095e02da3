/**
 * Tails the event outbox and hands each new event to the notification backend. This process's
 * own events come straight from the outbox once their transaction commits (no read back) when
 * they follow the last one relayed; otherwise, and for writes by other processes on the same
 * file (noticed when `PRAGMA data_version` changes, polled every `pollMs`), it reads the outbox.
 */
import type { TableEvent } from "../core/event_outbox.ts";
import { isEventFor } from "../core/event_outbox.ts";
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import type { NotificationBackend, PushEvent } from "./notification_backend.ts";

/** What a client receives for an outbox event: its id, time, type and payload fields. */
export function toPushEvent(event: TableEvent): PushEvent {
  return {
    id: event.id,
    type: event.type,
    data: { id: event.id, at: event.at, type: event.type, ...event.payload },
  };
}

export class OutboxRelay {
  readonly #table: Table;
  readonly #backend: () => NotificationBackend;
  readonly #pollMs: number;
  readonly #logger: Logger;
  #lastId = 0;
  #dataVersion = -1;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | undefined;
  #scheduled = false;
  /** This process's events committed since the last relay, oldest first. */
  #handedOver: TableEvent[] = [];

  constructor(
    deps: { table: Table; backend: () => NotificationBackend; pollMs?: number; logger: Logger },
  ) {
    this.#table = deps.table;
    this.#backend = deps.backend;
    this.#pollMs = deps.pollMs ?? 50;
    this.#logger = deps.logger;
  }

  /** Starts from the newest event: what came before is for replays (Last-Event-ID). */
  start(): void {
    this.#lastId = this.#table.events.latestId();
    this.#dataVersion = this.#readDataVersion();
    this.#unsubscribe = this.#table.events.onCommitted((event) => {
      this.#handedOver.push(event);
      this.#schedule();
    });
    this.#timer = setInterval(() => {
      const version = this.#readDataVersion();
      if (version !== this.#dataVersion) {
        this.#dataVersion = version;
        this.drain();
      }
    }, this.#pollMs);
  }

  /** The id of the last event delivered. */
  get deliveredId(): number {
    return this.#lastId;
  }

  stop(): void {
    this.#unsubscribe?.();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Delivers every event not yet relayed. `onlyOwn`: this process committed, and its events
   * need no read back when they follow the last one relayed.
   */
  drain(onlyOwn = false): void {
    this.#scheduled = false;
    const handedOver = this.#handedOver;
    this.#handedOver = [];
    try {
      const follows = handedOver.every((event, i) => event.id === this.#lastId + 1 + i);
      if (follows) {
        for (const event of handedOver) {
          this.#dispatch(event);
          this.#lastId = event.id;
        }
        if (onlyOwn) return;
      }
      for (;;) {
        const batch = this.#table.events.after(this.#lastId, 500);
        if (batch.length === 0) return;
        for (const event of batch) {
          this.#dispatch(event);
          this.#lastId = event.id;
        }
      }
    } catch (error) {
      this.#logger.warn(`event relay: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #dispatch(event: TableEvent): void {
    const backend = this.#backend();
    const push = toPushEvent(event);
    backend.observe?.(push);
    if (event.recipient !== "*") {
      backend.notify(event.recipient, push);
      return;
    }
    for (const agent of backend.connectedAgents()) {
      if (isEventFor(event, agent)) backend.notify(agent, push);
    }
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.drain(true));
  }

  #readDataVersion(): number {
    return this.#table.events.dataVersion();
  }
}
