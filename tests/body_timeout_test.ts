import assert from "node:assert/strict";
import { createLogger } from "../src/log.ts";
import { createHandler } from "../src/http/create_handler.ts";
import { SSENotificationBackend } from "../src/notify/sse_notification_backend.ts";
import { tempTable } from "./support/temp_table.ts";
import { tempHandler } from "./support/temp_handler.ts";
import { startServe } from "./support/serve_process.ts";
import { tempDb } from "./support/test_agent.ts";

const TOKEN = "timeout-test-token-0123456789";

Deno.test("a body that does not arrive in time gets 408 (in process)", async () => {
  await using s = tempHandler({ token: TOKEN, deps: { bodyTimeoutMs: 200 } });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"jsonrpc":'));
    },
  });
  const started = Date.now();
  const alive = setTimeout(() => {}, 5_000); // the deadline's timer does not hold the process
  const response = await s.handler.fetch(
    new Request("http://127.0.0.1:8741/mcp", {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body,
    }),
  );
  clearTimeout(alive);
  assert.equal(response.status, 408);
  assert.equal(response.headers.get("connection"), "close");
  assert.match((await response.json()).error.message, /did not arrive within 0.2 s/);
  assert.ok(Date.now() - started < 5_000);
});

Deno.test("serve: a stalled request body over a raw socket is answered 408 at the deadline", async () => {
  using t = tempTable();
  const handler = createHandler({
    table: t.table,
    logger: createLogger("error"),
    backend: new SSENotificationBackend(),
    token: TOKEN,
    bindHost: "127.0.0.1",
    allowOrigins: [],
    sessionIdleMs: 60_000,
    dbPath: t.path,
    bodyTimeoutMs: 200,
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req, info) => handler.fetch(req, info),
  );
  try {
    const socket = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
    const started = Date.now();
    await socket.write(
      new TextEncoder().encode(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
          `Authorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n` +
          "Accept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n" +
          '{"jsonrpc":"2.0",',
      ),
    );
    let text = "";
    const buffer = new Uint8Array(4_096);
    const deadline = setTimeout(() => socket.close(), 5_000);
    try {
      while (!text.includes("did not arrive")) {
        const n = await socket.read(buffer);
        if (n === null) break;
        text += new TextDecoder().decode(buffer.subarray(0, n));
      }
    } finally {
      clearTimeout(deadline);
    }
    const elapsed = Date.now() - started;
    assert.match(text, /^HTTP\/1.1 408/);
    assert.match(text, /connection: close/);
    assert.match(text, /did not arrive within 0.2 s/);
    assert.ok(elapsed < 2_000, `answered after ${elapsed} ms`);
    assert.equal(handler.mcpSessions.size, 0);
    socket.close();
  } finally {
    await handler.close();
    await server.shutdown();
  }
});

Deno.test("serve: a sign-in form that never completes gets 408 like /mcp, not 500", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { env: { TEAM_TABLE_BODY_TIMEOUT: "0.2" } });
  try {
    const { hostname, port } = new URL(server.url);
    const socket = await Deno.connect({ hostname, port: Number(port) });
    await socket.write(
      new TextEncoder().encode(
        `POST /login HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n" +
          "token=abc",
      ),
    );
    let text = "";
    const buffer = new Uint8Array(8_192);
    const deadline = setTimeout(() => socket.close(), 5_000);
    try {
      while (!text.includes("</html>")) {
        const n = await socket.read(buffer);
        if (n === null) break;
        text += new TextDecoder().decode(buffer.subarray(0, n));
      }
    } finally {
      clearTimeout(deadline);
    }
    socket.close();
    assert.match(text, /^HTTP\/1.1 408/);
    assert.match(text, /connection: close/i);
    assert.match(text, /The form did not arrive within 0.2 s; send it again./);
    assert.doesNotMatch(server.stderr(), /error|Error/, "nothing is logged as an error");
  } finally {
    assert.equal(await server.stop(), 0);
    await db.cleanup();
  }
});
