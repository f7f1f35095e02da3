import assert from "node:assert/strict";
import { createLogger } from "../src/log.ts";
import { createHandler } from "../src/http/create_handler.ts";
import { LegacySseTransport } from "../src/http/legacy_sse_sessions.ts";
import { SSENotificationBackend } from "../src/notify/sse_notification_backend.ts";
import { tempTable } from "./support/temp_table.ts";

const TOKEN = "legacy-bounds-token-0123456789";

Deno.test("a legacy SSE transport whose client stops reading is dropped at its byte bound", async () => {
  const transport = new LegacySseTransport("s1", "/messages?sessionId=s1", 10_000);
  let closed = 0;
  transport.onclose = () => closed++;
  await transport.start();
  const big = { jsonrpc: "2.0" as const, id: 1, result: { text: "x".repeat(1_000) } };
  let sent = 0;
  for (; sent < 1_000; sent++) {
    try {
      await transport.send(big);
    } catch {
      break;
    }
  }
  assert.ok(sent < 20, `stopped queueing at the bound (${sent} sent)`);
  assert.equal(closed, 1, "the session ends once");
  assert.equal(transport.queuedBytes, 0, "what was queued is let go");
  const text = await new Response(transport.stream).text();
  assert.equal(text, "", "the stream ends cleanly, without what was let go");
});

Deno.test("a legacy SSE transport whose client reads is never dropped", async () => {
  const transport = new LegacySseTransport("s2", "/messages?sessionId=s2", 10_000);
  await transport.start();
  const reader = transport.stream.getReader();
  const big = { jsonrpc: "2.0" as const, id: 1, result: { text: "x".repeat(1_000) } };
  for (let i = 0; i < 200; i++) {
    await transport.send(big);
    await reader.read();
  }
  await reader.read();
  assert.equal(transport.queuedBytes, 0);
  await transport.close();
  await reader.cancel();
});

Deno.test("serve: a legacy /sse client that never reads is disconnected and its session ends", async () => {
  using t = tempTable();
  const backend = new SSENotificationBackend();
  const handler = createHandler({
    table: t.table,
    logger: createLogger("error"),
    backend,
    token: TOKEN,
    bindHost: "127.0.0.1",
    allowOrigins: [],
    sessionIdleMs: 60_000,
    dbPath: t.path,
    legacyQueueBytes: 256 * 1024,
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req, info) => handler.fetch(req, info),
  );
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const socket = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    await socket.write(
      new TextEncoder().encode(
        `GET /sse?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
      ),
    );
    let head = "";
    const buffer = new Uint8Array(4_096);
    while (!/sessionId=[\w-]+/.test(head)) {
      const n = await socket.read(buffer);
      if (n === null) throw new Error(`stream ended: ${head}`);
      head += new TextDecoder().decode(buffer.subarray(0, n));
    }
    const endpoint = head.match(/\/messages\?sessionId=[\w-]+/)?.[0];
    assert.equal(handler.sseSessions.size, 1);
    // From now on the client reads nothing; every tools/list answer (~100 KB) piles up.
    let posts = 0;
    for (; posts < 2_000; posts++) {
      const response = await fetch(`${base}${endpoint}`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: posts, method: "tools/list" }),
      });
      await response.body?.cancel();
      if (response.status === 404) break;
      assert.equal(response.status, 202);
    }
    assert.ok(posts < 2_000, "the session ended");
    assert.equal(handler.sseSessions.size, 0, "its session is gone");
    socket.close();
  } finally {
    await handler.close();
    await server.shutdown();
  }
});
