import assert from "node:assert/strict";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { startServe } from "./support/serve_process.ts";
import { waitFor } from "./support/wait_for.ts";
import { tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("serve: MCP over Streamable HTTP and legacy SSE, identity per session", async (t) => {
  const db = await tempDb();
  const server = await startServe(db.path);
  const alice = await TestAgent.http(server.url, server.token);
  const bob = await TestAgent.http(server.url, server.token);
  const carol = await TestAgent.sse(server.url, server.token);
  try {
    await t.step("every transport lists the same tools", async () => {
      const http = (await alice.tools()).map((tool) => tool.name);
      const sse = (await carol.tools()).map((tool) => tool.name);
      assert.equal(http.length, 36, "an unbound session lists the default role's tools");
      assert.deepEqual(sse, http);
    });

    await t.step("each session binds its own agent", async () => {
      await alice.ok("register", { name: "alice" });
      await bob.ok("register", { name: "bob" });
      await carol.ok("register", { name: "carol" });
      const spoof = await bob.call("send_message", {
        sender: "alice",
        recipient: "carol",
        content: "x",
      });
      assert.equal(spoof.isError, true);
      assert.match(
        spoof.text,
        /sender 'alice' does not match the agent registered in this session \('bob'\)/,
      );
    });

    await t.step("messages flow between HTTP and SSE sessions with the unread badge", async () => {
      await alice.ok("send_message", { recipient: "carol", content: "via http" });
      const beat = await carol.call("heartbeat");
      assert.match(beat.texts[1] ?? "", /^📬 New, now read: #\d+ from alice: "via http"\.$/);
      const inbox = await carol.ok("get_messages", { include_read: true });
      assert.deepEqual(
        (inbox["messages"] as { content: string }[]).map((m) => m.content),
        ["via http"],
      );
      const b = await carol.ok("broadcast", { content: "via sse" });
      assert.equal(b["recipients"], 2);
      assert.equal((await bob.ok("get_messages"))["count"], 1);
    });

    await t.step("errors keep their isError shape over HTTP", async () => {
      const bad = await alice.call("send_message", { recipient: "carol", content: "" });
      assert.equal(bad.isError, true);
      assert.match(bad.text, /content must not be empty/);
    });

    await t.step("DELETE ends a Streamable HTTP session", async () => {
      const temp = await TestAgent.http(server.url, server.token);
      await temp.ok("list_members");
      const anyone = await (await fetch(`${server.url}/health`)).json();
      assert.deepEqual(Object.keys(anyone), ["status", "version"], "no credential: up, version");
      const operator = { headers: { authorization: `Bearer ${server.token}` } };
      let health = await (await fetch(`${server.url}/health`, operator)).json();
      assert.equal(health.connections.mcp_sessions, 3);
      await temp.terminate();
      health = await (await fetch(`${server.url}/health`, operator)).json();
      assert.equal(health.connections.mcp_sessions, 2, "alice and bob remain");
    });
  } finally {
    await Promise.all([alice.close(), bob.close(), carol.close()]);
    assert.equal(await server.stop(), 0);
    await db.cleanup();
  }
});

Deno.test("serve: a tool call is answered with JSON, and a new tool list is announced on the session's stream", async () => {
  const db = await tempDb();
  const server = await startServe(db.path);
  const worker = await TestAgent.http(server.url, server.token);
  try {
    let changes = 0;
    worker.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changes++;
    });
    await worker.ok("register", { name: "bg", role: "async-worker" });
    await waitFor(() => changes === 1, { what: "tools/list_changed over HTTP" });
    assert.ok(!(await worker.tools()).some((tool) => tool.name === "broadcast"));

    const headers = {
      authorization: `Bearer ${server.token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    const init = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      }),
    });
    await init.body?.cancel();
    const session = init.headers.get("mcp-session-id") ?? "";
    const call = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: { ...headers, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "list_members", arguments: {} },
      }),
    });
    assert.equal(call.headers.get("content-type"), "application/json");
    const reply = await call.json();
    assert.equal(reply.id, 2);
    assert.ok(reply.result.structuredContent.members);
    await (await fetch(`${server.url}/mcp`, {
      method: "DELETE",
      headers: { ...headers, "mcp-session-id": session },
    })).body?.cancel();
  } finally {
    await worker.terminate();
    await server.stop();
    await db.cleanup();
  }
});
