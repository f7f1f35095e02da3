import assert from "node:assert/strict";
import { startServe, TEST_TOKEN } from "./support/serve_process.ts";
import { tempHandler } from "./support/temp_handler.ts";
import { tempDb, TestAgent } from "./support/test_agent.ts";
import { waitFor } from "./support/wait_for.ts";

const TOKEN = "legacy-idle-token-0123456789";
const BASE = "http://127.0.0.1:8741";

async function health(url: string): Promise<{ connections: { sse_sessions: number } }> {
  const response = await fetch(`${url}/health`, {
    headers: { authorization: `Bearer ${TEST_TOKEN}` },
  });
  return await response.json();
}

Deno.test("serve: a legacy /sse session that makes no call for the idle time ends and gives back its name", async () => {
  const db = await tempDb();
  // Idle after 1 s. The sweep follows the idle time (every 0.25 s here), not the heartbeat (30 s
  // by default): the session ends about a second after carol's last call.
  const server = await startServe(db.path, { env: { TEAM_TABLE_SESSION_IDLE: "1" } });
  const carol = await TestAgent.sse(server.url, server.token);
  try {
    await carol.ok("register", { name: "carol" });
    const rival = await TestAgent.http(server.url, server.token);
    const held = await rival.call("register", { name: "carol" });
    assert.equal(held.isError, true, `the open session holds the name: ${held.text}`);
    await rival.close();
    // carol's stream stays open, but carol calls nothing.
    await waitFor(async () => (await health(server.url)).connections.sse_sessions === 0, {
      what: "the idle legacy session to end",
    });
    assert.match(server.stderr(), /sse session [\w-]+ expired after 1 s without a request/);
    const next = await TestAgent.http(server.url, server.token);
    try {
      await next.ok("register", { name: "carol" });
    } finally {
      await next.close();
    }
  } finally {
    await carol.close();
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("a legacy /sse session is idle when it posts nothing: its pings do not count, its calls do", async () => {
  await using s = tempHandler({ token: TOKEN, idleMs: 60_000 });
  const opened = await s.handler.fetch(new Request(`${BASE}/sse?token=${TOKEN}`));
  assert.equal(opened.status, 200);
  const reader = opened.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/sessionId=\S+\n/.test(text)) text += (await reader.read()).value ?? "";
  const endpoint = text.match(/\/messages\?sessionId=[\w-]+/)?.[0];
  const post = async () => {
    const response = await s.handler.fetch(
      new Request(`${BASE}${endpoint}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
      }),
    );
    await response.body?.cancel();
    return response.status;
  };

  s.advance(50_000);
  assert.equal(await post(), 202);
  s.advance(50_000);
  s.handler.sseSessions.pingAll();
  assert.equal(await s.handler.sseSessions.sweepIdle(), 0, "it called 50 s ago");
  assert.equal(s.handler.sseSessions.size, 1);
  s.advance(10_001);
  assert.equal(await s.handler.sseSessions.sweepIdle(), 1, "60 s with only pings: idle");
  assert.equal(s.handler.sseSessions.size, 0);
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
  }
  assert.equal(await post(), 404, "its endpoint is gone");
});
