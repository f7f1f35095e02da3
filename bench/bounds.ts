/**
 * The measured bounds of `serve` (docs/security.md): what refused requests, MCP sessions, a
 * legacy /sse client that never reads and stalled sockets cost. Runs a real serve on a free
 * loopback port with a temporary database.
 *
 *   deno run -A bench/bounds.ts
 */
import { PERMISSION_FLAGS } from "../scripts/permissions.ts";
import { INITIALIZE, mcpHeaders } from "../tests/support/mcp_requests.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const TOKEN = "bounds-token-0123456789abcdef";
const dir = await Deno.makeTempDir();
const db = `${dir}/t.db`;

const child = new Deno.Command(Deno.execPath(), {
  args: ["run", ...PERMISSION_FLAGS, MAIN, "serve", "--port", "0", "--db", db],
  env: { TEAM_TABLE_TOKEN: TOKEN, TEAM_TABLE_MAX_SESSIONS: "100000" },
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

// 1. Refused requests: 3,000 with distinct 8 KB paths, no token.
{
  const rss0 = await rssMb();
  const db0 = dbBytes();
  for (let i = 0; i < 3_000; i++) {
    const r = await fetch(`${base}/events/${i}${"a".repeat(8_000)}`);
    await r.body?.cancel();
  }
  out["refused 3,000 (8 KB paths): database growth"] = `${
    ((dbBytes() - db0) / 1024).toFixed(0)
  } KB`;
  out["refused 3,000: RSS growth"] = `${(await rssMb() - rss0).toFixed(1)} MB`;
  const rss1 = await rssMb();
  for (let i = 0; i < 3_000; i++) {
    const r = await fetch(`${base}/events/${i}${"b".repeat(8_000)}`);
    await r.body?.cancel();
  }
  out["refused 3,000 more: RSS growth"] = `${(await rssMb() - rss1).toFixed(1)} MB`;
  out["refused 6,000: database growth"] = `${((dbBytes() - db0) / 1024).toFixed(0)} KB`;
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

// 3. Stalled sockets: 500 connections with half-sent headers.
{
  const rss0 = await rssMb();
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < 500; i++) {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    await c.write(new TextEncoder().encode("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    conns.push(c);
  }
  await new Promise((r) => setTimeout(r, 500));
  out["500 half-sent headers: RSS growth"] = `${(await rssMb() - rss0).toFixed(1)} MB`;
  const ok = await fetch(`${base}/health`);
  out["500 half-sent headers: /health still answers"] = String(ok.status);
  await ok.body?.cancel();
  for (const c of conns) c.close();
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
