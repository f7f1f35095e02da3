/**
 * The measured bounds of `serve` (docs/security.md): what refused requests, MCP sessions, a
 * legacy /sse client that never reads and stalled sockets cost. Runs a real serve on a free
 * loopback port with a temporary database.
 *
 *   deno run -A bench/bounds.ts [--flood N] [--heap-mb MB]
 *
 * --flood N: refused requests in the flood (default 20,000; RSS is printed every 2,000, to show
 * where it levels off). --heap-mb MB: run serve with V8's old space capped at MB
 * (--max-old-space-size): if the flood's growth were retained state, serve would run out of
 * heap; if it is garbage, RSS stays under the cap and serve keeps answering.
 */
import { PERMISSION_FLAGS } from "../scripts/permissions.ts";
import { INITIALIZE, mcpHeaders } from "../tests/support/mcp_requests.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const FLOOD = Number(_flag("--flood") ?? 20_000);
const HEAP_MB = _flag("--heap-mb");
/** Headers and bodies must arrive within this long (TEAM_TABLE_BODY_TIMEOUT, seconds). */
const BODY_TIMEOUT_S = 5;

function _flag(name: string): string | undefined {
  const at = Deno.args.indexOf(name);
  return at === -1 ? undefined : Deno.args[at + 1];
}
const TOKEN = "bounds-token-0123456789abcdef";
const dir = await Deno.makeTempDir();
const db = `${dir}/t.db`;

const child = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    ...PERMISSION_FLAGS,
    ...(HEAP_MB === undefined ? [] : [`--v8-flags=--max-old-space-size=${HEAP_MB}`]),
    MAIN,
    "serve",
    "--port",
    "0",
    "--db",
    db,
  ],
  env: {
    TEAM_TABLE_TOKEN: TOKEN,
    TEAM_TABLE_MAX_SESSIONS: "100000",
    TEAM_TABLE_BODY_TIMEOUT: String(BODY_TIMEOUT_S),
  },
  stdin: "null",
  stdout: "null",
  stderr: "piped",
}).spawn();
const reader = child.stderr.getReader();
let text = "";
while (!/listening on (http:\/\/\S+)/.test(text)) {
  const { done, value } = await reader.read();
  if (done) throw new Error(text);
  text += new TextDecoder().decode(value);
}
void (async () => {
  while (!(await reader.read()).done) { /* drain */ }
})();
const base = text.match(/listening on (http:\/\/\S+)/)![1]!;
const port = Number(new URL(base).port);

async function rssMb(): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(child.pid)] })
    .output();
  return Number(new TextDecoder().decode(out.stdout).trim()) / 1024;
}
function dbBytes(): number {
  let total = 0;
  for (const suffix of ["", "-wal"]) {
    try {
      total += Deno.statSync(db + suffix).size;
    } catch { /* absent */ }
  }
  return total;
}
const out: Record<string, string> = {};

// 1. Refused requests: FLOOD with distinct 8 KB paths, no token; RSS every 2,000.
{
  const rss0 = await rssMb();
  const db0 = dbBytes();
  const series: string[] = [];
  for (let i = 1; i <= FLOOD; i++) {
    const r = await fetch(`${base}/events/${i}${"a".repeat(8_000)}`);
    await r.body?.cancel();
    if (i === 3_000) {
      out["refused 3,000 (8 KB paths): database growth"] = `${
        ((dbBytes() - db0) / 1024).toFixed(0)
      } KB`;
    }
    if (i % 2_000 === 0) series.push(`${i / 1000}k +${(await rssMb() - rss0).toFixed(0)}`);
  }
  out[`refused ${FLOOD.toLocaleString("en")}: RSS growth (MB) by requests`] = series.join(", ");
  out[`refused ${FLOOD.toLocaleString("en")}: database growth`] = `${
    ((dbBytes() - db0) / 1024).toFixed(0)
  } KB`;
  const ok = await fetch(`${base}/health`);
  out["after the flood: /health"] = String(ok.status);
  await ok.body?.cancel();
}

// 2. Streamable HTTP sessions: 200 initialize + tools/list, kept open.
const init = INITIALIZE;
const headers = mcpHeaders(TOKEN);
{
  const rss0 = await rssMb();
  const n = 200;
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${base}/mcp`, { method: "POST", headers, body: JSON.stringify(init) });
    const id = r.headers.get("mcp-session-id") ?? "";
    await r.body?.cancel();
    const l = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: { ...headers, "mcp-session-id": id },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    });
    await l.body?.cancel();
  }
  out[`MCP sessions: RSS per session (${n})`] = `${
    ((await rssMb() - rss0) / n * 1024).toFixed(0)
  } KB`;
}

// 3. Stalled sockets: 500 connections with half-sent headers, until serve closes them.
{
  const rss0 = await rssMb();
  const started = Date.now();
  const giveUp = new Promise<number>((r) => setTimeout(() => r(Infinity), BODY_TIMEOUT_S * 3_000));
  const closed = (c: Deno.Conn) =>
    Promise.race([
      (async () => {
        const buffer = new Uint8Array(1_024);
        try {
          while (await c.read(buffer) !== null) { /* a 408 */ }
        } catch { /* reset, or closed below */ }
        return Date.now() - started;
      })(),
      giveUp,
    ]);
  const waits: Promise<number>[] = [];
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < 500; i++) {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    await c.write(new TextEncoder().encode("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    conns.push(c);
    waits.push(closed(c));
  }
  await new Promise((r) => setTimeout(r, 500));
  out["500 half-sent headers: RSS growth while held"] = `${(await rssMb() - rss0).toFixed(1)} MB`;
  const ok = await fetch(`${base}/health`);
  out["500 half-sent headers: /health still answers"] = String(ok.status);
  await ok.body?.cancel();
  const times = await Promise.all(waits);
  const open = times.filter((t) => t === Infinity).length;
  out[`500 half-sent headers: closed by serve (header timeout ${BODY_TIMEOUT_S} s)`] = open > 0
    ? `${open} still open after ${BODY_TIMEOUT_S * 3} s`
    : `all, after ${(Math.max(...times) / 1000).toFixed(1)} s`;
  out["500 half-sent headers: RSS growth after they closed"] = `${
    (await rssMb() - rss0).toFixed(1)
  } MB`;
  for (const c of conns) {
    try {
      c.close();
    } catch { /* closed */ }
  }
}

// 4. A legacy /sse client that never reads, sent 300 tools/list answers.
{
  const rss0 = await rssMb();
  const c = await Deno.connect({ hostname: "127.0.0.1", port });
  await c.write(
    new TextEncoder().encode(`GET /sse?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
  );
  const buf = new Uint8Array(4096);
  let head = "";
  while (!/sessionId=[\w-]+/.test(head)) {
    const n = await c.read(buf);
    if (n === null) break;
    head += new TextDecoder().decode(buf.subarray(0, n));
  }
  const endpoint = head.match(/\/messages\?sessionId=[\w-]+/)?.[0];
  let posts = 0;
  for (; posts < 300; posts++) {
    const r = await fetch(`${base}${endpoint}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: posts, method: "tools/list" }),
    });
    await r.body?.cancel();
    if (r.status === 404) break;
  }
  out["non-reading /sse: tools/list answers until dropped"] = String(posts);
  out["non-reading /sse: RSS growth"] = `${(await rssMb() - rss0).toFixed(1)} MB`;
  c.close();
}

child.kill("SIGTERM");
await child.status;
await Deno.remove(dir, { recursive: true });
for (const [k, v] of Object.entries(out)) console.log(`${k}: ${v}`);
