/**
 * The legacy HTTP+SSE MCP transport (protocol 2024-11-05) for clients that only speak it:
 * `GET /sse` opens an event stream whose first event names the POST endpoint
 * (`/messages?sessionId=…`); each POSTed JSON-RPC message is answered on the stream.
 * The SDK's SSEServerTransport needs Node's http objects, so this is a small Transport of
 * our own over a ReadableStream.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import type { Session } from "../mcp/session.ts";
import { type Caller, callerKey } from "./caller.ts";
import { releaseName, serverForCaller } from "./session_names.ts";
import { readJsonBody } from "./json_body.ts";
import { jsonError, jsonRpcError } from "./responses.ts";

const _encoder = new TextEncoder();

export class LegacySseTransport implements Transport {
  readonly sessionId: string;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly stream: ReadableStream<Uint8Array>;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #closed = false;
  readonly #endpoint: string;

  constructor(sessionId: string, endpoint: string) {
    this.sessionId = sessionId;
    this.#endpoint = endpoint;
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => {
        void this.close();
      },
    });
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
    try {
      this.#controller?.close();
    } catch {
      // the client already went away
    }
    this.onclose?.();
    return Promise.resolve();
  }

  #write(text: string): void {
    if (this.#closed) return;
    try {
      this.#controller?.enqueue(_encoder.encode(text));
    } catch {
      void this.close();
    }
  }
}

interface _Session {
  transport: LegacySseTransport;
  server: McpServer;
  session: Session;
  /** Who opened it (callerKey): posts must come from the same caller. */
  owner: string;
}

export class LegacySseSessions {
  readonly #sessions = new Map<string, _Session>();
  readonly #table: Table;
  readonly #logger: Logger;

  constructor(deps: { table: Table; logger: Logger }) {
    this.#table = deps.table;
    this.#logger = deps.logger;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** The ids of the MCP sessions (they hold their agents' names while open). */
  sessionIds(): string[] {
    return [...this.#sessions.values()].map((s) => s.session.id);
  }

  /** GET /sse: a new session and its event stream; an agent token binds it at once. */
  async open(caller: Caller, where: string): Promise<Response> {
    const id = crypto.randomUUID();
    const transport = new LegacySseTransport(id, `/messages?sessionId=${id}`);
    const made = serverForCaller({ table: this.#table, logger: this.#logger }, caller, where);
    if ("refused" in made) return made.refused;
    const { server, session } = made;
    transport.onclose = () => {
      this.#sessions.delete(id);
      void server.close().catch(() => {});
      releaseName(this.#table, session, this.#logger);
    };
    this.#sessions.set(id, { transport, server, session, owner: callerKey(caller) });
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
    if (!session) {
      return jsonError(
        404,
        "session_not_found",
        "No open SSE session with that sessionId: open GET /sse first and use the endpoint it sends.",
      );
    }
    if (session.owner !== callerKey(caller)) {
      return jsonError(
        403,
        "forbidden",
        "This session was opened with another credential; post with that one.",
      );
    }
    const body = await readJsonBody(req);
    if (!body.ok) return body.response;
    const parsed = JSONRPCMessageSchema.safeParse(body.value);
    if (!parsed.success) {
      return jsonRpcError(400, -32600, "Invalid request: the body is not a JSON-RPC message");
    }
    session.transport.receive(parsed.data);
    return new Response("Accepted", { status: 202 });
  }

  /** Keeps every open stream alive through proxies. */
  pingAll(): void {
    for (const session of this.#sessions.values()) session.transport.ping();
  }

  async closeAll(): Promise<void> {
    for (const session of [...this.#sessions.values()]) await session.transport.close();
  }
}
