/**
 * Push over Server-Sent Events. Each open `GET /events/{agent}` is one EventConnection with a
 * bounded queue; an agent may have up to `streamsPerAgent` (LIMITS.eventStreamsPerAgentMax): a
 * new one past that closes the agent's oldest, after a `closed` frame saying why. A consumer
 * that falls `queueLimit` events behind is disconnected (never buffered without bound); either
 * resumes with Last-Event-ID. A stream opened with a credential check ends, with a `closed`
 * frame, at the first event or heartbeat after that credential stops holding.
 */
import { LIMITS } from "../core/limits.ts";
import type { Logger } from "../log.ts";
import { BoundedSseStream } from "./bounded_sse_stream.ts";
import type { NotificationBackend, PushEvent } from "./notification_backend.ts";

const _encoder = new TextEncoder();
/** Each event is serialized once, however many connections it goes to. */
const _frames = new WeakMap<PushEvent, Uint8Array>();

function _encode(event: PushEvent): Uint8Array {
  let frame = _frames.get(event);
  if (!frame) {
    frame = _encoder.encode(formatSseFrame(event));
    _frames.set(event, frame);
  }
  return frame;
}

/** Renders one SSE frame. Events without an id leave the client's Last-Event-ID alone. */
export function formatSseFrame(event: PushEvent): string {
  const id = event.id === undefined ? "" : `id: ${event.id}\n`;
  return `${id}event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export class EventConnection {
  readonly agent: string;
  /** Whether the credential that opened the stream still holds (always, when not given). */
  readonly holds: () => boolean;
  readonly #sse: BoundedSseStream;
  #lastSentId: number;

  constructor(
    agent: string,
    options: {
      queueLimit: number;
      lastEventId: number;
      onClose(c: EventConnection): void;
      holds?: (() => boolean) | undefined;
    },
  ) {
    this.agent = agent;
    this.holds = options.holds ?? (() => true);
    this.#lastSentId = options.lastEventId;
    this.#sse = new BoundedSseStream({
      limit: { frames: options.queueLimit },
      onClose: () => options.onClose(this),
    });
  }

  get stream(): ReadableStream<Uint8Array> {
    return this.#sse.stream;
  }

  get lastSentId(): number {
    return this.#lastSentId;
  }

  get closed(): boolean {
    return this.#sse.closed;
  }

  /**
   * Queues an event. Outbox events at or below the last id sent are skipped (a replay and the
   * live feed may overlap). Returns false when the connection is (now) closed: a client that
   * stopped reading is dropped rather than buffered without bound.
   */
  push(event: PushEvent): boolean {
    if (this.#sse.closed) return false;
    if (event.id !== undefined) {
      if (event.id <= this.#lastSentId) return true;
      this.#lastSentId = event.id;
    }
    return this.#sse.write(_encode(event));
  }

  /** Ends the stream cleanly (what is queued is still delivered). */
  close(): void {
    this.#sse.close();
  }

  /**
   * Ends the stream now with `event` as its last frame; what was queued and not yet handed to
   * the reader is let go (the client resumes from the last id it received).
   */
  closeWith(event: PushEvent): void {
    this.#sse.dropWith(_encoder.encode(formatSseFrame(event)));
  }
}

export interface SseBackendOptions {
  /** Events a connection may have queued before it is dropped. */
  queueLimit?: number;
  /** Milliseconds between heartbeat events on every open stream. */
  heartbeatMs?: number;
  /** Streams one agent may have open; a new one closes the oldest (default: LIMITS). */
  streamsPerAgent?: number;
  /** Told when a stream is closed for a newer one. */
  logger?: Logger;
  now?: () => number;
}

export class SSENotificationBackend implements NotificationBackend {
  readonly #connections = new Map<string, Set<EventConnection>>();
  readonly #observers = new Set<EventConnection>();
  readonly #queueLimit: number;
  readonly #heartbeatMs: number;
  readonly #streamsPerAgent: number;
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SseBackendOptions = {}) {
    this.#queueLimit = options.queueLimit ?? 1_000;
    this.#heartbeatMs = options.heartbeatMs ?? 30_000;
    this.#streamsPerAgent = Math.max(1, options.streamsPerAgent ?? LIMITS.eventStreamsPerAgentMax);
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Opens a stream for `agent`; the caller replays anything after `lastEventId` into it. When
   * the agent already has `streamsPerAgent` open, its oldest is closed first. `holds`: whether
   * the credential that opened it still holds, asked before each event and heartbeat is
   * written; once it does not, the stream ends with a `closed` frame saying so.
   */
  open(agent: string, lastEventId: number, holds?: () => boolean): EventConnection {
    const key = agent.toLowerCase();
    const open = this.#connections.get(key) ?? new Set<EventConnection>();
    for (const oldest of open) {
      if (open.size < this.#streamsPerAgent) break;
      this.#closeForNewer(oldest); // leaves the set (#remove), which may then be dropped
    }
    let set = this.#connections.get(key);
    if (!set) {
      set = new Set();
      this.#connections.set(key, set);
    }
    const connection = new EventConnection(agent, {
      queueLimit: this.#queueLimit,
      lastEventId,
      onClose: (c) => this.#remove(key, c),
      holds,
    });
    set.add(connection);
    this.#startHeartbeat();
    connection.push({
      type: "connected",
      data: { agent, last_event_id: lastEventId, at: new Date(this.#now()).toISOString() },
    });
    return connection;
  }

  /**
   * Opens a stream that sees every event (the web view); the caller replays anything after
   * `lastEventId` into it.
   */
  openObserver(lastEventId: number): EventConnection {
    const connection = new EventConnection("*observer*", {
      queueLimit: this.#queueLimit,
      lastEventId,
      onClose: (c) => {
        this.#observers.delete(c);
        if (this.size === 0) this.#stopHeartbeat();
      },
    });
    this.#observers.add(connection);
    this.#startHeartbeat();
    connection.push({
      type: "connected",
      data: { observer: true, last_event_id: lastEventId, at: new Date(this.#now()).toISOString() },
    });
    return connection;
  }

  observe(event: PushEvent): void {
    for (const connection of [...this.#observers]) connection.push(event);
  }

  notify(agentName: string, event: PushEvent): void {
    const set = this.#connections.get(agentName.toLowerCase());
    if (!set) return;
    for (const connection of [...set]) {
      if (this.#stillHolds(connection)) connection.push(event);
    }
  }

  connectedAgents(): string[] {
    return [...this.#connections.values()].flatMap((set) => {
      const first = set.values().next().value;
      return first ? [first.agent] : [];
    });
  }

  /** How many streams are open. */
  get size(): number {
    let total = this.#observers.size;
    for (const set of this.#connections.values()) total += set.size;
    return total;
  }

  /** Ends every stream (shutdown). */
  closeAll(): void {
    for (const set of [...this.#connections.values()]) {
      for (const connection of [...set]) connection.close();
    }
    for (const connection of [...this.#observers]) connection.close();
    this.#stopHeartbeat();
  }

  /** Closes an agent's oldest stream, which a new one replaces, saying why in a last frame. */
  #closeForNewer(oldest: EventConnection): void {
    const most = this.#streamsPerAgent;
    oldest.closeWith({
      type: "closed",
      data: {
        reason: "too_many_streams",
        limit: most,
        note: `'${oldest.agent}' opened another event stream; at most ${most} stay open per ` +
          "agent, so the oldest (this one) is closed. Close the streams you no longer read; " +
          "to resume here, reconnect with Last-Event-ID.",
      },
    });
    this.#logger?.info(
      `closed the oldest /events stream of '${oldest.agent}': it opened one more than ` +
        `${most}, the most one agent may have open`,
    );
  }

  /**
   * Whether the credential that opened `connection` still holds; when it does not (replaced,
   * its member removed, the operator token changed) or cannot be checked, the stream ends now
   * with a last frame saying why, and nothing more is written to it.
   */
  #stillHolds(connection: EventConnection): boolean {
    let holds: boolean;
    try {
      holds = connection.holds();
    } catch (error) {
      this.#logger?.warn(
        `could not check the credential of an /events stream of '${connection.agent}' ` +
          `(closing it): ${error instanceof Error ? error.message : String(error)}`,
      );
      holds = false;
    }
    if (holds) return true;
    connection.closeWith({
      type: "closed",
      data: {
        reason: "credential_changed",
        note: `The credential that opened this stream of '${connection.agent}' no longer holds ` +
          "(it was replaced, its member was removed, or the operator token changed), so the " +
          "stream is closed. Reconnect with the current credential (and Last-Event-ID to " +
          "resume).",
      },
    });
    this.#logger?.info(
      `closed an /events stream of '${connection.agent}': the credential that opened it no ` +
        "longer holds",
    );
    return false;
  }

  #remove(key: string, connection: EventConnection): void {
    const set = this.#connections.get(key);
    set?.delete(connection);
    if (set && set.size === 0) this.#connections.delete(key);
    if (this.size === 0) this.#stopHeartbeat();
  }

  #startHeartbeat(): void {
    if (this.#heartbeatTimer !== undefined) return;
    this.#heartbeatTimer = setInterval(() => {
      const at = new Date(this.#now()).toISOString();
      const beat = { type: "heartbeat", data: { at } };
      for (const set of [...this.#connections.values()]) {
        for (const connection of [...set]) {
          if (this.#stillHolds(connection)) connection.push(beat);
        }
      }
      for (const connection of [...this.#observers]) connection.push(beat);
    }, this.#heartbeatMs);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeatTimer === undefined) return;
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }
}
