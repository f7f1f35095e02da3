/**
 * The legacy HTTP+SSE MCP transport (protocol 2024-11-05) for clients that only speak it:
 * `GET /sse` opens an event stream whose first event names the POST endpoint
 * (`/messages?sessionId=…`); each POSTed JSON-RPC message is answered on the stream.
 * The SDK's SSEServerTransport needs Node's http objects, so this is a small Transport of
 * our own over a ReadableStream. A session that has posted nothing for `idleMs` is closed by
 * `sweepIdle` (the same idle time as Streamable HTTP sessions): the open stream and its pings
 * do not count as use, so a client that went away without closing its socket, or that never
 * calls, gives back its agent's name and its place under the session caps.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import { type Caller, callerKey, joinedCaller } from "./caller.ts";
import { releaseName, serverForCaller } from "./session_names.ts";
import { BoundedSseStream } from "../notify/bounded_sse_stream.ts";
import { readJsonBody } from "./json_body.ts";
import { jsonError, jsonRpcError } from "./responses.ts";
import type { QuotaSlot, SessionQuota } from "./session_quota.ts";
import type { ToolCallObserver } from "../mcp/tool_call_observer.ts";
import { type OpenSession, OpenSessions } from "./open_sessions.ts";

const _encoder = new TextEncoder();

/** Bytes a legacy stream may have waiting for its reader before it is dropped. */
export const LEGACY_SSE_QUEUE_BYTES = 4 * 1024 * 1024;

export class LegacySseTransport implements Transport {
  readonly sessionId: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #sse: BoundedSseStream;
  readonly #endpoint: string;
  #closed = false;

  /** `queueBytes`: how far behind the reader may fall before it is dropped. */
  constructor(sessionId: string, endpoint: string, queueBytes = LEGACY_SSE_QUEUE_BYTES) {
    this.sessionId = sessionId;
    this.#endpoint = endpoint;
    this.#sse = new BoundedSseStream({
      limit: { bytes: queueBytes },
      onClose: () => void this.close(),
    });
  }

  /** The response body. */
  get stream(): ReadableStream<Uint8Array> {
    return this.#sse.stream;
  }

  /** Bytes waiting for the client to read them. */
  get queuedBytes(): number {
    return this.#sse.queuedBytes;
  }

  start(): Promise<void> {
    this.#write(`event: endpoint\ndata: ${this.#endpoint}\n\n`);
    return Promise.resolve();
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("SSE stream is closed"));
    this.#write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    return Promise.resolve();
  }

  /** Hands a POSTed message to the server. */
  receive(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }

  /** A comment line that keeps proxies from timing the stream out. */
  ping(): void {
    this.#write(": ping\n\n");
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#sse.close();
    this.onclose?.();
    return Promise.resolve();
  }

  /** Queues a frame; a client that stopped reading is dropped (the stream and session end). */
  #write(text: string): void {
    if (this.#closed) return;
    this.#sse.write(_encoder.encode(text));
  }
}

type _Session = OpenSession<LegacySseTransport>;

export class LegacySseSessions {
  readonly #sessions = new OpenSessions<LegacySseTransport>();
  readonly #table: Table;
  readonly #logger: Logger;
  readonly #quota: SessionQuota;
  readonly #queueBytes: number;
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #toolCalls: ToolCallObserver | undefined;

  constructor(deps: {
    table: Table;
    logger: Logger;
    quota: SessionQuota;
    /** A session that has posted nothing for this long is closed by `sweepIdle`. */
    idleMs: number;
    /** How far behind a stream's reader may fall (default LEGACY_SSE_QUEUE_BYTES). */
    queueBytes?: number;
    now?: () => number;
    /** Told of every tool call (serve's metrics). */
    toolCalls?: ToolCallObserver | undefined;
  }) {
    this.#toolCalls = deps.toolCalls;
    this.#table = deps.table;
    this.#logger = deps.logger;
    this.#quota = deps.quota;
    this.#queueBytes = deps.queueBytes ?? LEGACY_SSE_QUEUE_BYTES;
    this.#idleMs = deps.idleMs;
    this.#now = deps.now ?? Date.now;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Tells each session whose agent's role changed that its tool list did (OpenSessions). */
  announceToolLists(): void {
    this.#sessions.announceToolLists();
  }

  /** The ids of the MCP sessions (they hold their agents' names while open). */
  sessionIds(): string[] {
    return this.#sessions.entries().map(([, s]) => s.session.id);
  }

  /** GET /sse: a new session and its event stream; an agent token binds it at once. */
  async open(caller: Caller, where: string): Promise<Response> {
    const owner = callerKey(caller);
    const admitted = await this.#quota.admit(owner, joinedCaller(caller) ? where : undefined);
    if ("refused" in admitted) return admitted.refused;
    try {
      return await this.#open(caller, where, admitted.slot);
    } finally {
      admitted.slot.release(); // no-op once the session attached to it
    }
  }

  async #open(caller: Caller, where: string, slot: QuotaSlot): Promise<Response> {
    const id = crypto.randomUUID();
    const transport = new LegacySseTransport(id, `/messages?sessionId=${id}`, this.#queueBytes);
    const made = serverForCaller(
      { table: this.#table, logger: this.#logger, toolCalls: this.#toolCalls },
      caller,
      where,
    );
    if ("refused" in made) return made.refused;
    const { server, session, toolList } = made;
    const entry: _Session = {
      transport,
      server,
      session,
      toolList,
      owner: callerKey(caller),
      lastActive: this.#now(),
    };
    transport.onclose = () => {
      this.#sessions.delete(id);
      this.#quota.release(id);
      void server.close().catch(() => {});
      releaseName(this.#table, session, this.#logger);
    };
    this.#sessions.set(id, entry);
    slot.attach(id, {
      lastActive: () => entry.lastActive,
      bound: () => session.agent !== undefined,
      close: () => transport.close(),
    });
    await server.connect(transport);
    return new Response(transport.stream, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      },
    });
  }

  /** POST /messages?sessionId=…: one JSON-RPC message for that session. */
  async post(req: Request, url: URL, caller: Caller): Promise<Response> {
    const id = url.searchParams.get("sessionId");
    const session = id === null ? undefined : this.#sessions.get(id);
    if (!session) return _sessionNotFound();
    if (session.owner !== callerKey(caller)) {
      return jsonError(
        403,
        "forbidden",
        "This session was opened with another credential; post with that one.",
      );
    }
    const body = await readJsonBody(req);
    if (!body.ok) return body.response;
    // It may have ended while the body arrived (its stream closed, idle expiry): nothing runs.
    if (this.#sessions.get(id ?? "") !== session) return _sessionNotFound();
    const parsed = JSONRPCMessageSchema.safeParse(body.value);
    if (!parsed.success) {
      return jsonRpcError(400, -32600, "Invalid request: the body is not a JSON-RPC message");
    }
    session.lastActive = this.#now();
    session.transport.receive(parsed.data);
    return new Response("Accepted", { status: 202 });
  }

  /** Keeps every open stream alive through proxies. */
  pingAll(): void {
    for (const [, session] of this.#sessions.entries()) session.transport.ping();
  }

  /**
   * Closes the sessions that have posted nothing for longer than the idle time (their streams
   * end; their names are released); returns how many.
   */
  async sweepIdle(): Promise<number> {
    const idle = this.#sessions.idleSince(this.#now() - this.#idleMs);
    for (const [id, session] of idle) {
      this.#logger.info(`sse session ${id} expired after ${this.#idleMs / 1000} s without a call`);
      await session.transport.close();
    }
    return idle.length;
  }

  /** Closes the sessions whose agent's name another session took (OpenSessions). */
  async endReplaced(): Promise<number> {
    const lost = this.#sessions.lostTheirNames(this.#table.members);
    for (const [id, session] of lost) {
      this.#logger.info(`sse session ${id} ended: '${session.session.agent}' was taken over`);
      await session.transport.close();
    }
    return lost.length;
  }

  async closeAll(): Promise<void> {
    for (const [, session] of this.#sessions.entries()) await session.transport.close();
  }
}

function _sessionNotFound(): Response {
  return jsonError(
    404,
    "session_not_found",
    "No open SSE session with that sessionId: open GET /sse first and use the endpoint it sends.",
  );
}
