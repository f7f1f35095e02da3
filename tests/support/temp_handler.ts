/** The HTTP app of `serve` over a temp table, called in-process, with a clock tests move. */
import { ServeMetrics } from "../../src/http/serve_metrics.ts";
import {
  createHandler,
  type HandlerDeps,
  type TeamTableHandler,
} from "../../src/http/create_handler.ts";
import { createLogger } from "../../src/log.ts";
import { SSENotificationBackend } from "../../src/notify/sse_notification_backend.ts";
import { type TempTable, tempTable } from "./temp_table.ts";

export interface TempHandler {
  t: TempTable;
  handler: TeamTableHandler;
  backend: SSENotificationBackend;
  /** Moves the handler's clock (session idle times, auth-audit windows). */
  advance(ms: number): void;
  [Symbol.asyncDispose](): Promise<void>;
}

export function tempHandler(
  options: {
    token: string;
    allowOrigins?: string[];
    idleMs?: number;
    operator?: string;
    /** Other handler options (caps, timeouts...). */
    deps?: Partial<HandlerDeps>;
  },
): TempHandler {
  const t = tempTable();
  let now = Date.parse("2026-01-01T00:00:00Z");
  const backend = new SSENotificationBackend();
  const handler = createHandler({
    table: t.table,
    logger: createLogger("error"),
    backend,
    token: options.token,
    bindHost: "127.0.0.1",
    allowOrigins: options.allowOrigins ?? [],
    sessionIdleMs: options.idleMs ?? 60_000,
    dbPath: t.path,
    now: () => now,
    // On by default, as in serve.
    metrics: new ServeMetrics(),
    ...(options.operator === undefined ? {} : { operator: options.operator }),
    ...options.deps,
  });
  return {
    t,
    handler,
    backend,
    advance: (ms) => {
      now += ms;
    },
    async [Symbol.asyncDispose]() {
      await handler.close();
      t[Symbol.dispose]();
    },
  };
}
