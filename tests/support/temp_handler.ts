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
  /** Moves the table's clock, which the handler reads too (session idle times, audit windows). */
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
    // On by default, as in serve.
    metrics: new ServeMetrics(),
    ...(options.operator === undefined ? {} : { operator: options.operator }),
    ...options.deps,
  });
  return {
    t,
    handler,
    backend,
    advance: (ms) => t.clock.advance(ms),
    async [Symbol.asyncDispose]() {
      await handler.close();
      t[Symbol.dispose]();
    },
  };
}
