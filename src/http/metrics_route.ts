/** `GET /metrics`: serve's metrics as Prometheus text, for the operator token only. */
import type { Table } from "../core/table.ts";
import type { SSENotificationBackend } from "../notify/sse_notification_backend.ts";
import { CONTENT_TYPE, exposition } from "./prometheus_text.ts";
import { jsonError } from "./responses.ts";
import type { Route } from "./route_table.ts";
import type { ServeMetrics } from "./serve_metrics.ts";

export function metricsRoute(
  metrics: ServeMetrics,
  deps: {
    table: Table;
    dbPath: string;
    mcpSessions: { readonly size: number };
    sseSessions: { readonly size: number };
    backend: SSENotificationBackend;
  },
): Route {
  return {
    path: "/metrics",
    methods: ["GET"],
    auth: "token",
    handle: ({ caller }) => {
      if (caller?.kind !== "operator") {
        return jsonError(403, "forbidden", "/metrics takes the operator token.");
      }
      const text = exposition(metrics.families({
        sessions: { streamable_http: deps.mcpSessions.size, legacy_sse: deps.sseSessions.size },
        subscribers: deps.backend.size,
        latestEventId: deps.table.events.latestId(),
        deliveredEventId: metrics.delivered(),
        databaseBytes: { database: _size(deps.dbPath), wal: _size(`${deps.dbPath}-wal`) },
      }));
      return new Response(text, { headers: { "content-type": CONTENT_TYPE } });
    },
  };
}

function _size(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}
