import { testSession } from "./support/temp_table.ts";
import assert from "node:assert/strict";
import { VERSION } from "../src/version.ts";
import { humanActor } from "../src/core/actor.ts";
import { MAX_BODY_BYTES } from "../src/http/json_body.ts";
import { tempHandler } from "./support/temp_handler.ts";
import { INITIALIZE, mcpHeaders as mcpHeadersFor } from "./support/mcp_requests.ts";

const TOKEN = "handler-test-token-0123456789";
const BASE = "http://127.0.0.1:8741";

function setup(options: { allowOrigins?: string[]; idleMs?: number } = {}) {
  return tempHandler({ token: TOKEN, ...options });
}

const auth = { authorization: `Bearer ${TOKEN}` };
const initialize = INITIALIZE;
const mcpHeaders = mcpHeadersFor(TOKEN);

Deno.test("401 without or with a wrong token on every protected endpoint; audited, coalesced", async () => {
  await using s = setup();
  s.t.table.members.register({ session: testSession("bob"), name: "bob" });
  const endpoints: [string, string][] = [
    ["POST", "/mcp"],
    ["GET", "/sse"],
    ["POST", "/messages"],
    ["GET", "/events/bob"],
  ];
  for (const [method, path] of endpoints) {
    for (const headers of [{}, { authorization: "Bearer wrong-token" }]) {
      const response = await s.handler.fetch(new Request(`${BASE}${path}`, { method, headers }));
      assert.equal(response.status, 401, `${method} ${path}`);
      assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="team-table"');
      assert.equal((await response.json()).error, "unauthorized");
    }
  }
  const refusals = s.t.table.audit.query({ action: "auth.refused" });
  assert.equal(refusals.length, 1, "the first refusal of an address is written at once");
  assert.equal(refusals[0]?.target, "/mcp");
  assert.equal(refusals[0]?.details["count"], 1);
  s.advance(60_000);
  await s.handler.fetch(new Request(`${BASE}/mcp`, { method: "POST" }));
  const latest = s.t.table.audit.query({ action: "auth.refused", limit: 1 })[0];
  assert.equal(latest?.details["count"], 8, "the rest of the minute in one row");
  assert.equal(latest?.details["address"], "unknown");
  assert.deepEqual(latest?.details["sample_paths"], ["/mcp", "/sse", "/messages"]);
  assert.equal(latest?.details["reason"], "no token, wrong token");
});

Deno.test("the right token passes; ?token= only where EventSource needs it", async () => {
  await using s = setup();
  const ok = await s.handler.fetch(new Request(`${BASE}/mcp`, { method: "GET", headers: auth }));
  assert.equal(ok.status, 400, "past auth: GET without a session is a bad request");
  const viaQuery = await s.handler.fetch(
    new Request(`${BASE}/mcp?token=${TOKEN}`, { method: "GET" }),
  );
  assert.equal(viaQuery.status, 401, "/mcp takes the header only");
  const events = await s.handler.fetch(new Request(`${BASE}/events/nobody?token=${TOKEN}`));
  assert.equal(events.status, 403, "past auth: unknown agent");
});

Deno.test("DNS-rebinding protection: foreign Host or Origin gets 403", async () => {
  await using s = setup({ allowOrigins: ["https://team.example.com"] });
  const cases: [Record<string, string>, number][] = [
    [{ host: "evil.example" }, 403],
    [{ host: "127.0.0.1:8741", origin: "http://evil.example" }, 403],
    [{ host: "127.0.0.1:8741", origin: "null" }, 403],
    [{ host: "localhost:8741", origin: "http://localhost:3000" }, 200],
    [{ host: "[::1]:8741" }, 200],
    [{ host: "team.example.com" }, 200],
    [{ host: "127.0.0.1", origin: "https://team.example.com" }, 200],
  ];
  for (const [headers, status] of cases) {
    const response = await s.handler.fetch(new Request(`${BASE}/health`, { headers }));
    assert.equal(response.status, status, JSON.stringify(headers));
    if (status === 403) assert.match((await response.json()).message, /--allow-origin|opaque/);
    else await response.body?.cancel();
  }
});

Deno.test("request bodies over 1 MiB are refused with 413 before parsing", async () => {
  await using s = setup();
  const big = "x".repeat(MAX_BODY_BYTES + 1);
  const declared = await s.handler.fetch(
    new Request(`${BASE}/mcp`, { method: "POST", headers: mcpHeaders, body: big }),
  );
  assert.equal(declared.status, 413);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 17; i++) controller.enqueue(new Uint8Array(64 * 1024));
      controller.close();
    },
  });
  const chunked = await s.handler.fetch(
    new Request(`${BASE}/mcp`, { method: "POST", headers: mcpHeaders, body: stream }),
  );
  assert.equal(chunked.status, 413);
  assert.match((await chunked.json()).error.message, /limit is 1048576 bytes/);
  const garbage = await s.handler.fetch(
    new Request(`${BASE}/mcp`, { method: "POST", headers: mcpHeaders, body: "{nope" }),
  );
  assert.equal(garbage.status, 400);
  assert.equal((await garbage.json()).error.code, -32700);
});

Deno.test("unknown paths 404, wrong methods 405, discovery probes 404, /health tells anyone only up and the version, the operator the rest", async () => {
  await using s = setup();
  const get = (path: string, init: RequestInit = {}) =>
    s.handler.fetch(new Request(`${BASE}${path}`, init));
  const missing = await get("/nope");
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).message, /Endpoints: \/mcp/);
  for (
    const probe of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-authorization-server/mcp",
    ]
  ) {
    const response = await get(probe);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  }
  const put = await get("/mcp", { method: "PUT", headers: auth });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get("allow"), "GET, POST, DELETE");
  await put.body?.cancel();
  const postEvents = await get("/events/bob", { method: "POST" });
  assert.equal(postEvents.status, 405);
  await postEvents.body?.cancel();
  s.t.table.members.register({ session: testSession("bob"), name: "bob" });
  const health = await get("/health");
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: "ok", version: VERSION }, "up, and the version");
  const { credential } = s.t.table.members.issueCredential({
    name: "bob",
    by: humanActor("op"),
  });
  for (const token of [credential, "wrong-token-0123456789"]) {
    const other = await get("/health", { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(Object.keys(await other.json()), ["status", "version"], "not the operator");
  }
  const operator = await get("/health", { headers: auth });
  const body = await operator.json();
  assert.equal(body.status, "ok");
  assert.equal(body.counts.members, 1);
  assert.equal(body.database, s.t.path);
  assert.equal(typeof body.uptime_s, "number");
});

Deno.test("Streamable HTTP sessions: unknown ids 404, idle sessions expire", async () => {
  await using s = setup({ idleMs: 60_000 });
  const started = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: mcpHeaders,
      body: JSON.stringify(initialize),
    }),
  );
  assert.equal(started.status, 200);
  const sessionId = started.headers.get("mcp-session-id");
  assert.ok(sessionId);
  await started.body?.cancel();
  assert.equal(s.handler.mcpSessions.size, 1);
  const notInit = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: mcpHeaders,
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
    }),
  );
  assert.equal(notInit.status, 400);
  await notInit.body?.cancel();
  s.advance(30_000);
  assert.equal(await s.handler.mcpSessions.sweepIdle(), 0);
  s.advance(61_000);
  assert.equal(await s.handler.mcpSessions.sweepIdle(), 1);
  const gone = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: { ...mcpHeaders, "mcp-session-id": sessionId },
      body: JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" }),
    }),
  );
  assert.equal(gone.status, 404);
  assert.match((await gone.json()).error.message, /Session not found/);
});

Deno.test("HTTP sessions do not advertise resources/subscribe (they send no resources/updated)", async () => {
  await using s = setup();
  const started = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: mcpHeaders,
      body: JSON.stringify(initialize),
    }),
  );
  const text = await started.text();
  const json = JSON.parse(text.match(/^data: (.*)$/m)?.[1] ?? text);
  assert.equal(json.result.capabilities.resources.subscribe, false);
  assert.equal(json.result.capabilities.resources.listChanged, true);
});

Deno.test("both MCP transports share one registry: one quota, the same idle rule", async () => {
  await using s = tempHandler({
    token: TOKEN,
    idleMs: 60_000,
    deps: { sessionCaps: { total: 2, perCredential: 5 } },
  });
  const sse = await s.handler.fetch(new Request(`${BASE}/sse`, { headers: auth }));
  assert.equal(sse.status, 200);
  const started = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: mcpHeaders,
      body: JSON.stringify(initialize),
    }),
  );
  assert.equal(started.status, 200);
  await started.body?.cancel();
  const full = await s.handler.fetch(new Request(`${BASE}/sse`, { headers: auth }));
  assert.equal(full.status, 503, "the /mcp session counts against the /sse one's quota");
  await full.body?.cancel();
  s.advance(30_000);
  assert.deepEqual(
    [await s.handler.mcpSessions.sweepIdle(), await s.handler.sseSessions.sweepIdle()],
    [0, 0],
  );
  s.advance(31_000);
  assert.deepEqual(
    [await s.handler.mcpSessions.sweepIdle(), await s.handler.sseSessions.sweepIdle()],
    [1, 1],
    "each ends after the idle time without a request",
  );
  assert.deepEqual([s.handler.mcpSessions.size, s.handler.sseSessions.size], [0, 0]);
  const again = await s.handler.fetch(new Request(`${BASE}/sse`, { headers: auth }));
  assert.equal(again.status, 200, "their places went back to the quota");
  await again.body?.cancel();
  await sse.body?.cancel();
});
