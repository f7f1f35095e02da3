/**
 * MCP over Streamable HTTP at /mcp. Each `initialize` creates a session: its own transport,
 * McpServer and bound agent. Later requests find it by `mcp-session-id`; DELETE ends it; a
 * session idle for longer than `idleMs` is closed by `sweepIdle`. How many may be open is the
 * SessionQuota's to say (shared with the legacy transport).
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import { type Caller, callerKey } from "./caller.ts";
import { readJsonBody } from "./json_body.ts";
import { jsonRpcError } from "./responses.ts";
import { type OpenSession, OpenSessions } from "./open_sessions.ts";
import type { QuotaSlot, SessionQuota } from "./session_quota.ts";
import type { ToolCallObserver } from "../mcp/tool_call_observer.ts";

type _Session = OpenSession<WebStandardStreamableHTTPServerTransport>;

export class StreamableHttpSessions {
  readonly #sessions: OpenSessions<WebStandardStreamableHTTPServerTransport>;
  readonly #now: () => number;

  constructor(
    deps: {
      table: Table;
      logger: Logger;
      idleMs: number;
      quota: SessionQuota;
      now: () => number;
      toolCalls?: ToolCallObserver | undefined;
    },
  ) {
    this.#now = deps.now;
    this.#sessions = new OpenSessions({
      ...deps,
      label: "mcp",
      close: async (id, entry) => {
        await entry.server.close().catch(() => {});
        this.#sessions.ended(id, entry.session);
      },
    });
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Tells each session whose agent's role changed that its tool list did (OpenSessions). */
  announceToolLists(): void {
    this.#sessions.announceToolLists();
  }

  /**
   * Each MCP session with when it was last seen: now while its client keeps its GET stream open
   * (it is connected, however quiet: its agent stays present and keeps its leases), else when
   * it last made a request. A client gone without DELETE closes its stream, so its session
   * lets the name go after the presence timeout rather than holding it for the idle time.
   */
  sessionsSeen(): { id: string; at?: number }[] {
    return this.#sessions.entries().map(([, s]) =>
      s.openStreams ? { id: s.session.id } : { id: s.session.id, at: s.lastActive }
    );
  }

  async handle(req: Request, caller: Caller, where: string): Promise<Response> {
    const sessionId = req.headers.get("mcp-session-id");
    if (sessionId !== null) {
      const found = this.#sessions.find(sessionId, caller);
      if ("refused" in found) {
        return found.refused === "not_found" ? _sessionNotFound() : jsonRpcError(
          403,
          -32003,
          "This session was started with another credential; use that one, or initialize a new " +
            "session.",
        );
      }
      const { session } = found;
      session.lastActive = this.#now();
      if (req.method === "GET") {
        return _counted(session, await session.transport.handleRequest(req));
      }
      if (req.method !== "POST") return await session.transport.handleRequest(req);
      const body = await readJsonBody(req);
      if (!body.ok) return body.response;
      // It may have ended while its body arrived (DELETE, idle expiry): then nothing runs.
      if (this.#sessions.get(sessionId) !== session) return _sessionNotFound();
      return await session.transport.handleRequest(req, { parsedBody: body.value });
    }
    if (req.method !== "POST") {
      return jsonRpcError(400, -32000, "Bad request: an mcp-session-id header is required");
    }
    const body = await readJsonBody(req);
    if (!body.ok) return body.response;
    if (!isInitializeRequest(body.value)) {
      return jsonRpcError(
        400,
        -32000,
        "Bad request: no mcp-session-id header, and the body is not an initialize request",
      );
    }
    return await this.#sessions.admit(
      caller,
      where,
      (slot) => this.#open(req, body.value, caller, where, slot),
    );
  }

  /** Closes the sessions whose agent's name another session took (OpenSessions). */
  endReplaced(): Promise<number> {
    return this.#sessions.endReplaced();
  }

  /** Closes sessions that have been idle for longer than the idle limit (OpenSessions). */
  sweepIdle(): Promise<number> {
    return this.#sessions.sweepIdle();
  }

  closeAll(): Promise<void> {
    return this.#sessions.closeAll();
  }

  async #open(
    req: Request,
    initialize: unknown,
    caller: Caller,
    where: string,
    slot: QuotaSlot,
  ): Promise<Response> {
    const made = this.#sessions.server(caller, where);
    if ("refused" in made) return made.refused;
    const { server, session, toolList } = made;
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
      // A tool call is answered with one JSON body, not an SSE stream per POST; what is not a
      // reply (tools/list_changed) goes on the session's GET stream.
      enableJsonResponse: true,
      onsessioninitialized: (id: string) => {
        const entry: _Session = {
          transport,
          server,
          session,
          toolList,
          owner: callerKey(caller),
          lastActive: this.#now(),
        };
        this.#sessions.add(id, entry, slot);
      },
      onsessionclosed: (id: string) => this.#sessions.ended(id, session),
    });
    transport.onclose = () => this.#sessions.ended(transport.sessionId, session);
    await server.connect(transport);
    return await transport.handleRequest(req, { parsedBody: initialize });
  }
}

/** Counts an SSE stream in `session.openStreams` while it is open. */
function _counted(session: _Session, response: Response): Response {
  const body = response.body;
  if (!response.ok || body === null) return response;
  session.openStreams = (session.openStreams ?? 0) + 1;
  let open = true;
  const ended = () => {
    if (open) session.openStreams = Math.max(0, (session.openStreams ?? 1) - 1);
    open = false;
  };
  const reader = body.getReader();
  const counted = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          ended();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        ended();
        controller.error(error);
      }
    },
    cancel(reason) {
      ended();
      return reader.cancel(reason);
    },
  });
  return new Response(counted, { status: response.status, headers: response.headers });
}

function _sessionNotFound(): Response {
  return jsonRpcError(
    404,
    -32001,
    "Session not found: it ended or expired. Start a new session with initialize.",
  );
}
