/**
 * Run with `--v8-flags=--expose-gc`: refuses `N` requests with distinct 8 KB paths through the
 * HTTP app (in process) and prints the heap in use after a full GC, once after the first
 * thousand and once at the end, as JSON (MB). What grows between the two is kept, not garbage.
 */
import { createHandler } from "../../src/http/create_handler.ts";
import { createLogger } from "../../src/log.ts";
import { SSENotificationBackend } from "../../src/notify/sse_notification_backend.ts";
import { tempTable } from "./temp_table.ts";

const total = Number(Deno.args[0] ?? 8_000);
const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
function heapMb(): number {
  gc!();
  gc!();
  return Deno.memoryUsage().heapUsed / 1e6;
}

using t = tempTable();
const handler = createHandler({
  table: t.table,
  logger: createLogger("error"),
  backend: new SSENotificationBackend(),
  token: "refusal-flood-token-0123456789",
  bindHost: "127.0.0.1",
  allowOrigins: [],
  sessionIdleMs: 60_000,
  dbPath: t.path,
});
let warm = 0;
for (let i = 1; i <= total; i++) {
  const response = await handler.fetch(
    new Request(`http://127.0.0.1:8741/events/${i}${"a".repeat(8_000)}`),
    { remoteAddr: { hostname: `10.0.${i % 200}.${i % 250}` } },
  );
  await response.body?.cancel();
  if (i === 1_000) warm = heapMb();
}
console.log(JSON.stringify({ warm, end: heapMb(), addresses: handler.refusals.size }));
await handler.close();
