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
import { type Caller, callerKey, joinedCaller } from "./caller.ts";
import { releaseName, serverForCaller } from "./session_names.ts";
import { readJsonBody } from "./json_body.ts";
import { jsonRpcError } from "./responses.ts";
import { type OpenSession, OpenSessions } from "./open_sessions.ts";
import type { QuotaSlot, SessionQuota } from "./session_quota.ts";
import type { ToolCallObserver } from "../mcp/tool_call_observer.ts";

type _Session = OpenSession<WebStandardStreamableHTTPServerTransport>;

export class StreamableHttpSessions {
  readonly #sessions = new OpenSessions<WebStandardStreamableHTTPServerTransport>();
  readonly #table: Table;
  readonly #logger: Logger;
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #quota: SessionQuota;
  readonly #toolCalls: ToolCallObserver | undefined;

  constructor(
    deps: {
      table: Table;
      logger: Logger;
      idleMs: number;
      quota: SessionQuota;
      now?: () => number;
      toolCalls?: ToolCallObserver | undefined;
    },
  ) {
    this.#toolCalls = deps.toolCalls;
    this.#table = deps.table;
    this.#logger = deps.logger;
    this.#idleMs = deps.idleMs;
    this.#quota = deps.quota;
    this.#now = deps.now ?? Date.now;
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
      const session = this.#sessions.get(sessionId);
      if (!session) return _sessionNotFound();
      if (session.owner !== callerKey(caller)) {
        return jsonRpcError(
          403,
          -32003,
          "This session was started with another credential; use that one, or initialize a new " +
            "session.",
        );
      }
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
    return await this.#start(req, body.value, caller, where);
  }

  /** Closes the sessions whose agent's name another session took (OpenSessions). */
  async endReplaced(): Promise<number> {
    const lost = this.#sessions.lostTheirNames(this.#table.members);
    for (const [id, session] of lost) {
      this.#logger.info(`mcp session ${id} ended: '${session.session.agent}' was taken over`);
      await this.#close(id, session);
    }
    return lost.length;
  }

  /** Closes sessions that have been idle for longer than the idle limit. */
  async sweepIdle(): Promise<number> {
    const idle = this.#sessions.idleSince(this.#now() - this.#idleMs);
    for (const [id, session] of idle) {
      this.#logger.info(`mcp session ${id} expired after ${this.#idleMs / 1000} s idle`);
      await this.#close(id, session);
    }
    return idle.length;
  }

  async closeAll(): Promise<void> {
    for (const [id, session] of this.#sessions.entries()) await this.#close(id, session);
  }

  async #start(
    req: Request,
    initialize: unknown,
    caller: Caller,
    where: string,
  ): Promise<Response> {
    const admitted = await this.#quota.admit(
      callerKey(caller),
      joinedCaller(caller) ? where : undefined,
    );
    if ("refused" in admitted) return admitted.refused;
    try {
      return await this.#open(req, initialize, caller, where, admitted.slot);
    } finally {
      admitted.slot.release(); // no-op once the session attached to it
    }
  }

  async #open(
    req: Request,
    initialize: unknown,
    caller: Caller,
    where: string,
    slot: QuotaSlot,
  ): Promise<Response> {
    const made = serverForCaller(
      { table: this.#table, logger: this.#logger, toolCalls: this.#toolCalls },
      caller,
      where,
    );
    if ("refused" in made) return made.refused;
    const { server, session, toolList } = made;
    const ended = (id: string | undefined) => {
      if (id !== undefined) {
        this.#sessions.delete(id);
        this.#quota.release(id);
      }
      releaseName(this.#table, session, this.#logger);
    };
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
        this.#sessions.set(id, entry);
        slot.attach(id, {
          lastActive: () => entry.lastActive,
          bound: () => session.agent !== undefined,
          close: () => this.#close(id, entry),
        });
      },
      onsessionclosed: ended,
    });
    transport.onclose = () => ended(transport.sessionId);
    await server.connect(transport);
    return await transport.handleRequest(req, { parsedBody: initialize });
  }

  async #close(id: string, session: _Session): Promise<void> {
    this.#sessions.delete(id);
    this.#quota.release(id);
    await session.server.close().catch(() => {});
    releaseName(this.#table, session.session, this.#logger);
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
