/**
 * The HTTP application of `team-table serve` as one `(Request) => Promise<Response>` function:
 * routing, host/origin checks, the access token, and the MCP, SSE and health endpoints.
 * Deno.serve lives in src/runtime/run_serve.ts; tests call this handler directly.
 */
import type { Table } from "../core/table.ts";
import { countTable } from "../core/table_counts.ts";
import type { Logger } from "../log.ts";
import type { SSENotificationBackend } from "../notify/sse_notification_backend.ts";
import { VERSION } from "../version.ts";
import { requestToken, tokensMatch } from "./access_token.ts";
import { openEventStream } from "./event_stream_endpoint.ts";
import { allowedHostNames, checkHost } from "./host_guard.ts";
import { LegacySseSessions } from "./legacy_sse_sessions.ts";
import { jsonError, jsonResponse } from "./responses.ts";
import { apiRoute, pageRoute, webAuthorized } from "./web_routes.ts";
import { StreamableHttpSessions } from "./streamable_http_sessions.ts";

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
  now?: () => number;
}

export interface RequestInfo {
  remoteAddr?: { hostname?: string } | Deno.Addr;
}

export interface TeamTableHandler {
  fetch(req: Request, info?: RequestInfo): Promise<Response>;
  readonly mcpSessions: StreamableHttpSessions;
  readonly sseSessions: LegacySseSessions;
  /** Ends every stream and session (shutdown). */
  close(): Promise<void>;
}

const _AUTH_AUDIT_EVERY_MS = 60_000;

export function createHandler(deps: HandlerDeps): TeamTableHandler {
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const allowed = allowedHostNames(deps.bindHost, deps.allowOrigins);
  const mcpSessions = new StreamableHttpSessions({
    table: deps.table,
    logger: deps.logger,
    idleMs: deps.sessionIdleMs,
    now,
  });
  const sseSessions = new LegacySseSessions({ table: deps.table, logger: deps.logger });
  const refusals = new Map<string, { loggedAt: number; since: number }>();
  const web = {
    table: deps.table,
    backend: deps.backend,
    token: deps.token,
    operator: deps.operator ?? "human",
  };

  function unauthorized(req: Request, url: URL, info: RequestInfo | undefined): Response {
    const address = info?.remoteAddr && "hostname" in info.remoteAddr
      ? String(info.remoteAddr.hostname)
      : "unknown";
    const key = `${address} ${url.pathname}`;
    const seen = refusals.get(key);
    const at = now();
    if (!seen || at - seen.loggedAt >= _AUTH_AUDIT_EVERY_MS) {
      deps.table.tx.run(() =>
        deps.table.audit.record({
          agent: null,
          action: "auth.refused",
          target: url.pathname,
          details: {
            address,
            method: req.method,
            reason: req.headers.has("authorization") || url.searchParams.has("token")
              ? "wrong token"
              : "no token",
            refused_since_last_entry: (seen?.since ?? 0) + 1,
          },
        })
      );
      refusals.set(key, { loggedAt: at, since: 0 });
    } else {
      seen.since++;
    }
    return jsonError(
      401,
      "unauthorized",
      "Missing or wrong access token: send 'Authorization: Bearer <token>' (the serve banner " +
        "shows it, and it is stored in the token file beside the database).",
      { "www-authenticate": 'Bearer realm="team-table"' },
    );
  }

  function health(): Response {
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

  async function route(req: Request, url: URL, info: RequestInfo | undefined): Promise<Response> {
    const path = url.pathname;
    if (path.startsWith("/.well-known/")) {
      return jsonError(
        404,
        "not_found",
        `Nothing at ${path}: team-table uses a bearer token, not OAuth.`,
      );
    }
    if (path === "/health") {
      return req.method === "GET" || req.method === "HEAD"
        ? health()
        : _methodNotAllowed(path, "GET, HEAD");
    }
    if (path === "/" || path === "/login" || path === "/logout") {
      return req.method === "GET" ? pageRoute(req, url, web) : _methodNotAllowed(path, "GET");
    }
    if (path === "/observe" || path.startsWith("/api/")) {
      if (!webAuthorized(req, deps.token)) return unauthorized(req, url, info);
      return await apiRoute(req, url, web);
    }
    const route = _protectedRoute(path);
    if (!route) {
      return jsonError(
        404,
        "not_found",
        `Nothing at ${path}. Endpoints: /mcp, /sse, /messages, /events/{agent}, /health, / (web view).`,
      );
    }
    if (!route.methods.includes(req.method)) {
      return _methodNotAllowed(path, route.methods.join(", "));
    }
    if (deps.token !== undefined) {
      const given = requestToken(req, url, route.queryToken);
      if (given === undefined || !tokensMatch(given, deps.token)) {
        return unauthorized(req, url, info);
      }
    }
    switch (route.name) {
      case "mcp":
        return await mcpSessions.handle(req);
      case "sse":
        return await sseSessions.open();
      case "messages":
        return await sseSessions.post(req, url);
      case "events":
        return openEventStream(deps, route.agent ?? "", req, url);
    }
  }

  return {
    mcpSessions,
    sseSessions,
    async fetch(req, info) {
      const url = new URL(req.url);
      const refused = checkHost(req, allowed);
      if (refused) return refused;
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
    async close() {
      deps.backend.closeAll();
      await sseSessions.closeAll();
      await mcpSessions.closeAll();
    },
  };
}

interface _Route {
  name: "mcp" | "sse" | "messages" | "events";
  methods: string[];
  /** Whether `?token=` is accepted (EventSource clients cannot set headers). */
  queryToken: boolean;
  agent?: string;
}

function _protectedRoute(path: string): _Route | undefined {
  if (path === "/mcp") {
    return { name: "mcp", methods: ["GET", "POST", "DELETE"], queryToken: false };
  }
  if (path === "/sse") return { name: "sse", methods: ["GET"], queryToken: true };
  if (path === "/messages") return { name: "messages", methods: ["POST"], queryToken: true };
  const events = path.match(/^\/events\/([^/]+)$/);
  if (events?.[1]) {
    return { name: "events", methods: ["GET"], queryToken: true, agent: events[1] };
  }
  return undefined;
}

function _methodNotAllowed(path: string, allow: string): Response {
  return jsonError(405, "method_not_allowed", `${path} accepts ${allow}.`, { allow });
}
