/**
 * The HTTP application of `team-table serve` as one `(Request) => Promise<Response>` function:
 * the route table, host/origin checks, the access token, and the MCP, SSE and health endpoints.
 * Deno.serve lives in src/runtime/run_serve.ts; tests call this handler directly.
 */
import type { Table } from "../core/table.ts";
import { countTable } from "../core/table_counts.ts";
import type { Logger } from "../log.ts";
import type { SSENotificationBackend } from "../notify/sse_notification_backend.ts";
import { VERSION } from "../version.ts";
import { SYSTEM_ACTOR } from "../core/actor.ts";
import { requestToken } from "./access_token.ts";
import { type Caller, credentialCheck, identifyCaller } from "./caller.ts";
import { openEventStream } from "./event_stream_endpoint.ts";
import { allowedHostNames, checkHost } from "./host_guard.ts";
import { LegacySseSessions } from "./legacy_sse_sessions.ts";
import { RefusalAudit, type RefusalAuditOptions } from "./refusal_audit.ts";
import { DEFAULT_SESSION_CAPS, type SessionCaps, SessionQuota } from "./session_quota.ts";
import { withBodyDeadline } from "./body_deadline.ts";
import { jsonError, jsonResponse } from "./responses.ts";
import { methodNotAllowed, type RouteAuth, RouteTable } from "./route_table.ts";
import { SignInLimiter } from "./sign_in_limiter.ts";
import { auditPendingSignInFailures, signInRoute } from "./sign_in_routes.ts";
import { WebAuth } from "./web_access.ts";
import { webRoutes } from "./web_routes.ts";
import { WebSessions } from "./web_sessions.ts";
import { StreamableHttpSessions } from "./streamable_http_sessions.ts";
import { metricsRoute } from "./metrics_route.ts";
import type { ServeMetrics } from "./serve_metrics.ts";

export interface HandlerDeps {
  table: Table;
  logger: Logger;
  backend: SSENotificationBackend;
  /** The token every protected request must carry; undefined runs without auth (--no-auth). */
  token: string | undefined;
  bindHost: string;
  allowOrigins: readonly string[];
  sessionIdleMs: number;
  dbPath: string;
  /** The name humans post under in the web view (as human:NAME). */
  operator?: string;
  /** The join token, when serve accepts one (new agents register new, unprivileged names). */
  joinToken?: string | undefined;
  /** MCP sessions open at once, in all and per credential (both transports together). */
  sessionCaps?: SessionCaps;
  /** How long a request body may take to arrive after the headers (default 30 s). */
  bodyTimeoutMs?: number;
  /** How far behind a legacy /sse reader may fall before it is dropped (bytes). */
  legacyQueueBytes?: number;
  /** The bounds of the audit of refused requests (tests shrink them). */
  refusalAudit?: Partial<RefusalAuditOptions>;
  /** Counts for /metrics (operator credential); undefined: no /metrics (--no-metrics). */
  metrics?: ServeMetrics | undefined;
}

/** How long a request body may take to arrive after its headers, by default. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

export interface RequestInfo {
  remoteAddr?: { hostname?: string } | Deno.Addr;
}

export interface TeamTableHandler {
  fetch(req: Request, info?: RequestInfo): Promise<Response>;
  readonly mcpSessions: StreamableHttpSessions;
  readonly sseSessions: LegacySseSessions;
  /** The audit of refused requests; `flush()` it periodically. */
  readonly refusals: RefusalAudit;
  /** The route table's paths, in order (`/events/:agent`, `/api/*`...). */
  readonly paths: readonly string[];
  /** A new one-time code for a sign-in link (`/login?code=`); undefined without auth. */
  issueSignInCode(): string | undefined;
  /** Audits failed sign-ins not yet written (serve calls it every minute). */
  auditSignInFailures(): void;
  /** Ends every stream and session (shutdown). */
  close(): Promise<void>;
}

export function createHandler(deps: HandlerDeps): TeamTableHandler {
  // One clock for the table and its transports: tests move the table's.
  const now = () => deps.table.clock.now();
  const startedAt = now();
  const allowed = allowedHostNames(deps.bindHost, deps.allowOrigins);
  const quota = new SessionQuota(deps.sessionCaps ?? DEFAULT_SESSION_CAPS, {
    idleMs: deps.sessionIdleMs,
    logger: deps.logger,
    now,
  });
  const mcpSessions = new StreamableHttpSessions({
    table: deps.table,
    logger: deps.logger,
    idleMs: deps.sessionIdleMs,
    quota,
    now,
    toolCalls: deps.metrics?.toolCall,
  });
  const sseSessions = new LegacySseSessions({
    table: deps.table,
    logger: deps.logger,
    quota,
    idleMs: deps.sessionIdleMs,
    now,
    toolCalls: deps.metrics?.toolCall,
    ...(deps.legacyQueueBytes === undefined ? {} : { queueBytes: deps.legacyQueueBytes }),
  });
  const bodyTimeoutMs = deps.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const refusals = new RefusalAudit({
    write: ({ path, details }) =>
      deps.table.tx.run(() =>
        deps.table.publisher.publish({ type: "auth.refused", by: SYSTEM_ACTOR, path, details })
      ),
    logger: deps.logger,
    now,
    ...(deps.refusalAudit === undefined ? {} : { options: deps.refusalAudit }),
  });
  const operator = deps.operator ?? "human";
  const tokens = { operator: deps.token, join: deps.joinToken };
  const auth = new WebAuth({
    token: deps.token,
    sessions: deps.token === undefined
      ? undefined
      : new WebSessions({ table: deps.table, operatorToken: deps.token }),
  });
  const web = { table: deps.table, backend: deps.backend, auth, operator };
  const signIn = { table: deps.table, operator, auth, limiter: new SignInLimiter(), now };

  function unauthorized(
    req: Request,
    url: URL,
    info: RequestInfo | undefined,
    auth: RouteAuth,
  ): Response {
    const keyed = auth === "sse_key" && url.searchParams.has("key");
    const given = req.headers.has("authorization") || url.searchParams.has("token") || keyed;
    deps.metrics?.refused(given ? "wrong_token" : "no_token");
    refusals.refuse({
      address: _address(info),
      method: req.method,
      path: url.pathname,
      reason: given ? "wrong token" : "no token",
    });
    const sse = auth !== "sse_key"
      ? ""
      : keyed
      ? " This URL's session key is wrong, its session ended (open GET /sse again), or the " +
        "token that opened the session no longer holds."
      : " A session opened with /sse?token= posts to the endpoint it announced, which holds a " +
        "session key.";
    return jsonError(
      401,
      "unauthorized",
      "Missing or wrong access token: send 'Authorization: Bearer <token>' (the serve banner " +
        `shows it, and it is stored in the token file beside the database).${sse}`,
      { "www-authenticate": 'Bearer realm="team-table"' },
    );
  }

  /**
   * Up and the version for anyone (a load balancer's probe); the rest (database path, counts,
   * connections) only with the operator's credential (bearer token or signed-in web session).
   */
  function health({ req, url }: { req: Request; url: URL }): Response {
    if (auth.access(req, url) === undefined) {
      return jsonResponse(200, { status: "ok", version: VERSION });
    }
    return jsonResponse(200, {
      status: "ok",
      version: VERSION,
      uptime_s: Math.round((now() - startedAt) / 1000),
      database: deps.dbPath,
      counts: countTable(deps.table),
      connections: {
        mcp_sessions: mcpSessions.size,
        sse_sessions: sseSessions.size,
        event_streams: deps.backend.size,
      },
    });
  }

  const routes = new RouteTable([
    {
      path: "/.well-known/*",
      auth: "none",
      handle: ({ url }) =>
        jsonError(
          404,
          "not_found",
          `Nothing at ${url.pathname}: team-table uses a bearer token, not OAuth.`,
        ),
    },
    { path: "/health", methods: ["GET", "HEAD"], auth: "none", handle: health },
    ...(deps.metrics === undefined ? [] : [metricsRoute(deps.metrics, {
      table: deps.table,
      dbPath: deps.dbPath,
      mcpSessions,
      sseSessions,
      backend: deps.backend,
    })]),
    {
      path: "/login",
      methods: ["GET", "POST"],
      auth: "none",
      handle: ({ req, url, address }) => signInRoute({ req, url, address }, signIn),
    },
    {
      path: "/logout",
      methods: ["POST"],
      auth: "none",
      handle: ({ req, url, address }) => signInRoute({ req, url, address }, signIn),
    },
    ...webRoutes(web),
    {
      path: "/mcp",
      methods: ["GET", "POST", "DELETE"],
      auth: "token",
      handle: ({ req, caller, where }) => mcpSessions.handle(req, _need(caller), where),
    },
    {
      path: "/sse",
      methods: ["GET"],
      auth: "token_or_query",
      handle: ({ req, url, caller, where }) =>
        sseSessions.open(
          _need(caller),
          where,
          requestToken(req, url, false) === undefined
            ? url.searchParams.get("token") ?? undefined
            : undefined,
        ),
    },
    {
      path: "/messages",
      methods: ["POST"],
      auth: "sse_key",
      handle: ({ req, url, caller }) => sseSessions.post(req, url, _need(caller)),
    },
    {
      path: "/events/:agent",
      methods: ["GET"],
      auth: "token_or_query",
      handle: ({ req, url, params, caller }) => {
        const opened = _need(caller);
        // Asked again before each event and heartbeat: the stream ends with its credential.
        const holds = credentialCheck(opened, requestToken(req, url, true), tokens, deps.table);
        return openEventStream(
          deps,
          { agent: params["agent"] ?? "", caller: opened, holds },
          req,
          url,
        );
      },
    },
  ]);

  /** The caller a request stands for (null: the route needs none; undefined: refused). */
  function callerFor(auth: RouteAuth, req: Request, url: URL): Caller | null | undefined {
    if (auth === "none") return null;
    if (auth === "web") return web.auth.access(req, url) ? { kind: "operator" } : undefined;
    const given = (auth === "sse_key" ? sseSessions.keyedToken(url) : undefined) ??
      requestToken(req, url, auth !== "token");
    return identifyCaller(given, tokens, deps.table);
  }

  async function route(req: Request, url: URL, info: RequestInfo | undefined): Promise<Response> {
    const path = url.pathname;
    const found = routes.match(path, req.method);
    if (!found) {
      const allowed = routes.allowed(path);
      if (allowed.length > 0) return methodNotAllowed(path, allowed);
      return jsonError(
        404,
        "not_found",
        `Nothing at ${path}. Endpoints: /mcp, /sse, /messages, /events/{agent}, /health, / (web ` +
          "view), /observe and /api/... (its JSON API, listed in the README).",
      );
    }
    const { route, params } = found;
    const caller = callerFor(route.auth, req, url);
    if (caller === undefined) return unauthorized(req, url, info, route.auth);
    const address = _address(info);
    return await route.handle({ req, url, params, caller, where: `http ${address}`, address });
  }

  return {
    mcpSessions,
    sseSessions,
    refusals,
    paths: routes.paths(),
    async fetch(received, info) {
      const url = new URL(received.url);
      const refused = checkHost(received, allowed);
      if (refused) {
        deps.metrics?.refused("forbidden_host");
        return refused;
      }
      const req = withBodyDeadline(received, bodyTimeoutMs);
      try {
        return await route(req, url, info);
      } catch (error) {
        deps.logger.error(
          `${req.method} ${url.pathname} failed: ${
            error instanceof Error ? error.stack ?? error.message : String(error)
          }`,
        );
        return jsonError(500, "internal_error", "Internal error; the server logged the details.");
      }
    },
    issueSignInCode: () => auth.sessions?.issueCode(),
    auditSignInFailures: () => auditPendingSignInFailures(signIn),
    async close() {
      refusals.flush(true);
      deps.backend.closeAll();
      await sseSessions.closeAll();
      await mcpSessions.closeAll();
    },
  };
}

/** Where a request comes from, as shown in name refusals and audit entries. */
function _address(info: RequestInfo | undefined): string {
  return info?.remoteAddr && "hostname" in info.remoteAddr
    ? String(info.remoteAddr.hostname)
    : "unknown";
}

/** The caller of a route that requires one (the route table checked it). */
function _need(caller: Caller | null): Caller {
  if (caller === null) throw new Error("this route needs an authenticated caller");
  return caller;
}
