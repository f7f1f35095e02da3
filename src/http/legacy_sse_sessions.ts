/**
 * The legacy HTTP+SSE MCP transport (protocol 2024-11-05) for clients that only speak it:
 * `GET /sse` opens an event stream whose first event names the POST endpoint
 * (`/messages?sessionId=…`); each POSTed JSON-RPC message is answered on the stream.
 * The SDK's SSEServerTransport needs Node's http objects, so this is a small Transport of
 * our own over a ReadableStream. A session that has posted nothing for `idleMs` is closed by
 * `sweepIdle` (the same idle time as Streamable HTTP sessions): the open stream and its pings
 * do not count as use, so a client that went away without closing its socket, or that never
 * calls, gives back its agent's name and its place under the session caps.
 *
 * A stream opened with the token in the URL (`/sse?token=…`: a client that cannot set headers)
 * is told an endpoint that also holds a key of its own (`&key=…`, 192 random bits): a POST that
 * carries it is taken as carrying the token that opened the stream, checked again at each POST,
 * so the token itself is never copied into another URL (docs/security.md).
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import { randomToken, tokensMatch } from "./access_token.ts";
import { type Caller, callerKey } from "./caller.ts";
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
  readonly #sessions: OpenSessions<LegacySseTransport>;
  readonly #queueBytes: number;
  readonly #now: () => number;
  /** Per session opened with `?token=`: its endpoint's key, and the token it stands for. */
  readonly #keys = new Map<string, { key: string; token: string }>();

  constructor(deps: {
    table: Table;
    logger: Logger;
    quota: SessionQuota;
    /** A session that has posted nothing for this long is closed by `sweepIdle`. */
    idleMs: number;
    /** How far behind a stream's reader may fall (default LEGACY_SSE_QUEUE_BYTES). */
    queueBytes?: number;
    now: () => number;
    /** Told of every tool call (serve's metrics). */
    toolCalls?: ToolCallObserver | undefined;
  }) {
    this.#queueBytes = deps.queueBytes ?? LEGACY_SSE_QUEUE_BYTES;
    this.#now = deps.now;
    // Closing the stream ends the session (the transport's onclose, set in #open).
    this.#sessions = new OpenSessions({
      ...deps,
      label: "sse",
      close: (_id, entry) => entry.transport.close(),
    });
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

  /**
   * GET /sse: a new session and its event stream; an agent token binds it at once.
   * `queryToken`: the token, when it came as `?token=` (the endpoint then holds a key for it).
   */
  open(caller: Caller, where: string, queryToken?: string): Promise<Response> {
    return this.#sessions.admit(
      caller,
      where,
      (slot) => this.#open(caller, where, slot, queryToken),
    );
  }

  /**
   * The token a POST's session key stands for: the one that opened the session `?sessionId=`
   * names, when `?key=` is that session's key; undefined otherwise (ended, wrong, none).
   */
  keyedToken(url: URL): string | undefined {
    const keyed = this.#keys.get(url.searchParams.get("sessionId") ?? "");
    const key = url.searchParams.get("key");
    return keyed && key !== null && tokensMatch(key, keyed.key) ? keyed.token : undefined;
  }

  async #open(
    caller: Caller,
    where: string,
    slot: QuotaSlot,
    queryToken: string | undefined,
  ): Promise<Response> {
    const id = crypto.randomUUID();
    let endpoint = `/messages?sessionId=${id}`;
    if (queryToken !== undefined) {
      const key = randomToken();
      this.#keys.set(id, { key, token: queryToken });
      endpoint += `&key=${key}`;
    }
    const transport = new LegacySseTransport(id, endpoint, this.#queueBytes);
    const made = this.#sessions.server(caller, where);
    if ("refused" in made) {
      this.#keys.delete(id);
      return made.refused;
    }
    const { server, session, toolList } = made;
    transport.onclose = () => {
      this.#keys.delete(id);
      this.#sessions.ended(id, session);
      void server.close().catch(() => {});
    };
    this.#sessions.add(id, {
      transport,
      server,
      session,
      toolList,
      owner: callerKey(caller),
      lastActive: this.#now(),
    }, slot);
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
    const found = this.#sessions.find(id, caller);
    if ("refused" in found) {
      return found.refused === "not_found" ? _sessionNotFound() : jsonError(
        403,
        "forbidden",
        "This session was opened with another credential; post with that one.",
      );
    }
    const { session } = found;
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
   * end; their names are released); returns how many (OpenSessions).
   */
  sweepIdle(): Promise<number> {
    return this.#sessions.sweepIdle();
  }

  /** Closes the sessions whose agent's name another session took (OpenSessions). */
  endReplaced(): Promise<number> {
    return this.#sessions.endReplaced();
  }

  closeAll(): Promise<void> {
    return this.#sessions.closeAll();
  }
}

function _sessionNotFound(): Response {
  return jsonError(
    404,
    "session_not_found",
    "No open SSE session with that sessionId: open GET /sse first and use the endpoint it sends.",
  );
}
