import assert from "node:assert/strict";
import { humanActor } from "../src/core/actor.ts";
import { tempHandler } from "./support/temp_handler.ts";
import { INITIALIZE, mcpHeaders } from "./support/mcp_requests.ts";

const TOKEN = "caps-test-token-0123456789";
const BASE = "http://127.0.0.1:8741";
const initialize = INITIALIZE;
const headers = mcpHeaders;

async function begin(
  s: { handler: { fetch(req: Request): Promise<Response> } },
  token = TOKEN,
): Promise<Response> {
  const response = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: headers(token),
      body: JSON.stringify(initialize),
    }),
  );
  return response;
}

async function toolsList(
  s: { handler: { fetch(req: Request): Promise<Response> } },
  id: string,
): Promise<number> {
  const response = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: { ...headers(TOKEN), "mcp-session-id": id },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    }),
  );
  await response.body?.cancel();
  return response.status;
}

Deno.test("per credential: a new session past the cap ends that credential's least recently used one", async () => {
  await using s = tempHandler({
    token: TOKEN,
    deps: { sessionCaps: { total: 10, perCredential: 2 } },
  });
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const started = await begin(s);
    assert.equal(started.status, 200);
    ids.push(started.headers.get("mcp-session-id") ?? "");
    await started.body?.cancel();
    s.advance(1_000);
  }
  assert.equal(await toolsList(s, ids[0]!), 200, "the first is used again: the second is older");
  s.advance(1_000);
  const third = await begin(s);
  assert.equal(third.status, 200);
  await third.body?.cancel();
  assert.equal(s.handler.mcpSessions.size, 2);
  assert.equal(await toolsList(s, ids[1]!), 404, "the least recently used one ended");
  assert.equal(await toolsList(s, ids[0]!), 200);
});

Deno.test("in all: the session past the total cap gets 503 with Retry-After; others are untouched", async () => {
  await using s = tempHandler({
    token: TOKEN,
    idleMs: 600_000,
    deps: { sessionCaps: { total: 3, perCredential: 3 } },
  });
  const { credential: secret } = s.t.table.members.issueCredential({
    name: "bob",
    by: humanActor("op"),
  });
  for (let i = 0; i < 3; i++) {
    const started = await begin(s);
    assert.equal(started.status, 200);
    await started.body?.cancel();
  }
  s.advance(100_000);
  const refused = await begin(s, secret);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get("retry-after"), "500", "when the oldest idle session expires");
  const body = await refused.json();
  assert.match(body.error.message, /Too many MCP sessions: the server holds the most it may \(3\)/);
  const sse = await s.handler.fetch(new Request(`${BASE}/sse?token=${secret}`));
  assert.equal(sse.status, 503, "legacy /sse counts toward the same cap");
  await sse.body?.cancel();
  assert.equal(s.handler.mcpSessions.size, 3);
});

Deno.test("legacy /sse sessions keep to the per-credential cap too", async () => {
  await using s = tempHandler({
    token: TOKEN,
    deps: { sessionCaps: { total: 10, perCredential: 2 } },
  });
  const streams: ReadableStream<Uint8Array>[] = [];
  for (let i = 0; i < 3; i++) {
    const opened = await s.handler.fetch(new Request(`${BASE}/sse?token=${TOKEN}`));
    assert.equal(opened.status, 200);
    if (opened.body) streams.push(opened.body);
    s.advance(1_000);
  }
  assert.equal(s.handler.sseSessions.size, 2);
  const first = await new Response(streams[0]).text();
  assert.match(first, /event: endpoint/, "the oldest stream ended cleanly");
  for (const stream of streams.slice(1)) await stream.cancel();
});

Deno.test("per credential: a session that never took a name goes first (health checks never end theirs)", async () => {
  await using s = tempHandler({
    token: TOKEN,
    deps: { sessionCaps: { total: 10, perCredential: 2 } },
  });
  const working = await begin(s);
  const workingId = working.headers.get("mcp-session-id") ?? "";
  await working.body?.cancel();
  const registered = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: { ...headers(TOKEN), "mcp-session-id": workingId },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "register", arguments: { name: "worker" } },
      }),
    }),
  );
  assert.equal(registered.status, 200);
  await registered.body?.cancel();
  s.advance(60_000);
  const check = await begin(s); // a health check: initialize, tools/list, never ended
  const checkId = check.headers.get("mcp-session-id") ?? "";
  await check.body?.cancel();
  assert.equal(await toolsList(s, checkId), 200);
  s.advance(1_000);
  const next = await begin(s);
  assert.equal(next.status, 200);
  await next.body?.cancel();
  assert.equal(await toolsList(s, checkId), 404, "the session that never took a name ended");
  assert.equal(await toolsList(s, workingId), 200, "the older working session is kept");
});
