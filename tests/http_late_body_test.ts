/**
 * A call whose body is still arriving when its session ends (DELETE, idle expiry) gets 404 and
 * runs nothing, on Streamable HTTP (/mcp) and on the legacy transport (/messages).
 */
import assert from "node:assert/strict";
import { INITIALIZE, mcpHeaders } from "./support/mcp_requests.ts";
import { type TempHandler, tempHandler } from "./support/temp_handler.ts";

const TOKEN = "late-body-token-0123456789";
const BASE = "http://127.0.0.1:8741";

const REGISTER_LATE = new TextEncoder().encode(JSON.stringify({
  jsonrpc: "2.0",
  id: 3,
  method: "tools/call",
  params: { name: "register", arguments: { name: "late" } },
}));

/**
 * POSTs `REGISTER_LATE` to `url` in two parts, running `between` after the first; returns the
 * response.
 */
async function postInTwoParts(
  s: TempHandler,
  url: string,
  headers: Record<string, string>,
  between: () => Promise<void>,
): Promise<Response> {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const answer = s.handler.fetch(
    new Request(url, { method: "POST", headers, body: readable }),
  );
  await writer.write(REGISTER_LATE.slice(0, 10));
  await between();
  await writer.write(REGISTER_LATE.slice(10));
  await writer.close();
  return await answer;
}

function members(s: TempHandler): string[] {
  return s.t.table.members.list({ includeInactive: true }).map((m) => m.name);
}

Deno.test("/mcp: a call whose body arrives after its session ended (DELETE) gets 404 and runs nothing", async () => {
  await using s = tempHandler({ token: TOKEN });
  const opened = await s.handler.fetch(
    new Request(`${BASE}/mcp`, {
      method: "POST",
      headers: mcpHeaders(TOKEN),
      body: JSON.stringify(INITIALIZE),
    }),
  );
  assert.equal(opened.status, 200);
  await opened.body?.cancel();
  const headers = {
    ...mcpHeaders(TOKEN),
    "mcp-session-id": opened.headers.get("mcp-session-id") ?? "",
    "mcp-protocol-version": "2025-06-18",
  };
  const answer = await postInTwoParts(s, `${BASE}/mcp`, headers, async () => {
    const ended = await s.handler.fetch(new Request(`${BASE}/mcp`, { method: "DELETE", headers }));
    assert.equal(ended.status, 200);
    await ended.body?.cancel();
  });
  assert.equal(answer.status, 404);
  assert.match((await answer.json()).error.message, /Session not found: it ended or expired/);
  assert.deepEqual(members(s), [], "register did not run");
});

Deno.test("/messages: a call whose body arrives after its session expired gets 404 and runs nothing", async () => {
  await using s = tempHandler({ token: TOKEN, idleMs: 60_000 });
  const opened = await s.handler.fetch(new Request(`${BASE}/sse?token=${TOKEN}`));
  assert.equal(opened.status, 200);
  const reader = opened.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/sessionId=\S+\n/.test(text)) text += (await reader.read()).value ?? "";
  const endpoint = text.match(/\/messages\?sessionId=[\w-]+/)?.[0];
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  const answer = await postInTwoParts(s, `${BASE}${endpoint}`, headers, async () => {
    s.advance(60_001);
    assert.equal(await s.handler.sseSessions.sweepIdle(), 1, "the session expired");
  });
  assert.equal(answer.status, 404);
  await answer.body?.cancel();
  await reader.cancel();
  assert.deepEqual(members(s), [], "register did not run");
});
