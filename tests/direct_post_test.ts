/**
 * A plain tools/call POST is answered without the SDK's transport (http/direct_post.ts); every
 * other request still gets the SDK's answer. Raw HTTP against a real `serve`, the way an odd
 * client would send it.
 */
import assert from "node:assert/strict";
import { INITIALIZE, mcpHeaders } from "./support/mcp_requests.ts";
import { startServe } from "./support/serve_process.ts";
import { tempDb } from "./support/test_agent.ts";

Deno.test("tools/call over raw HTTP: answered directly when plain, by the SDK otherwise", async () => {
  const db = await tempDb();
  const serve = await startServe(db.path);
  const base = mcpHeaders(serve.token);
  const post = (headers: Record<string, string>, body: unknown) =>
    fetch(`${serve.url}/mcp`, { method: "POST", headers, body: JSON.stringify(body) });
  try {
    const opened = await post(base, INITIALIZE);
    assert.equal(opened.status, 200);
    await opened.body?.cancel();
    const sessionId = opened.headers.get("mcp-session-id") ?? "";
    const inSession = {
      ...base,
      "mcp-session-id": sessionId,
      "mcp-protocol-version": "2025-06-18",
    };
    const call = (
      id: number | string,
      name: string,
      args: unknown,
      extra: Record<string, unknown> = {},
    ) => ({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name, arguments: args, ...extra },
    });

    const registered = await post(inSession, call(2, "register", { name: "alice" }));
    assert.equal(registered.status, 200);
    assert.equal(registered.headers.get("content-type"), "application/json");
    assert.equal(registered.headers.get("mcp-session-id"), sessionId);
    const raw = await registered.text();
    // The one outward sign of which path answered: the SDK writes `result` first.
    assert.ok(raw.startsWith('{"jsonrpc":"2.0","id":2,'), `answered directly: ${raw.slice(0, 40)}`);
    const answer = JSON.parse(raw);
    assert.equal(answer.jsonrpc, "2.0");
    assert.equal(answer.id, 2);
    assert.equal(answer.result.structuredContent.member.name, "alice");

    const sent = await post(
      inSession,
      call("s-3", "send_message", { recipient: "alice", content: "hi" }),
    );
    const sentAnswer = await sent.json();
    assert.equal(sentAnswer.id, "s-3", "a string id comes back as it was");
    assert.equal(sentAnswer.result.structuredContent.message.recipient, "alice");

    // What the SDK answers, unchanged.
    const badArgs = await (await post(inSession, call(4, "send_message", { recipient: "alice" })))
      .json();
    assert.equal(badArgs.result.isError, true);
    assert.equal(Object.keys(badArgs)[0], "result", "the SDK answered");
    assert.match(badArgs.result.content[0].text, /Input validation error/);
    const unknown = await (await post(inSession, call(5, "no_such_tool", {}))).json();
    assert.equal(unknown.result.isError, true);
    assert.match(unknown.result.content[0].text, /no_such_tool not found/);
    const narrowAccept = await post(
      { ...inSession, accept: "application/json" },
      call(6, "status", {}),
    );
    assert.equal(narrowAccept.status, 406);
    await narrowAccept.body?.cancel();
    const oldVersion = await post(
      { ...inSession, "mcp-protocol-version": "1999-01-01" },
      call(7, "status", {}),
    );
    assert.equal(oldVersion.status, 400);
    assert.match((await oldVersion.json()).error.message, /Unsupported protocol version/);
    const textBody = await post(
      { ...inSession, "content-type": "text/plain" },
      call(8, "status", {}),
    );
    assert.equal(textBody.status, 415);
    await textBody.body?.cancel();
    const batch = await post(inSession, [call(9, "list_members", {})]);
    assert.equal(batch.status, 200, "a batch is the SDK's to answer");
    await batch.body?.cancel();
    const withMeta =
      await (await post(inSession, call(10, "list_members", {}, { _meta: { progressToken: 1 } })))
        .json();
    assert.equal(withMeta.id, 10);
    assert.equal(withMeta.result.structuredContent.members.length, 1);
  } finally {
    await serve.stop();
    await db.cleanup();
  }
});

Deno.test("a call whose body arrives after its session ended does not run (404)", async () => {
  const db = await tempDb();
  const serve = await startServe(db.path);
  const base = mcpHeaders(serve.token);
  const open = async (name: string) => {
    const opened = await fetch(`${serve.url}/mcp`, {
      method: "POST",
      headers: base,
      body: JSON.stringify(INITIALIZE),
    });
    await opened.body?.cancel();
    const headers = {
      ...base,
      "mcp-session-id": opened.headers.get("mcp-session-id") ?? "",
      "mcp-protocol-version": "2025-06-18",
    };
    const call = {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "register", arguments: { name } },
    };
    const registered = await fetch(`${serve.url}/mcp`, {
      method: "POST",
      headers,
      body: JSON.stringify(call),
    });
    await registered.body?.cancel();
    return headers;
  };
  try {
    const zed = await open("zed");
    const watcher = await open("watcher");
    const body = new TextEncoder().encode(JSON.stringify({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "send_message", arguments: { recipient: "watcher", content: "late" } },
    }));
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const late = fetch(`${serve.url}/mcp`, { method: "POST", headers: zed, body: readable });
    await writer.write(body.slice(0, 10));
    const ended = await fetch(`${serve.url}/mcp`, { method: "DELETE", headers: zed });
    assert.equal(ended.status, 200);
    await ended.body?.cancel();
    await writer.write(body.slice(10));
    await writer.close();
    const answer = await late;
    assert.equal(answer.status, 404);
    assert.match((await answer.json()).error.message, /Session not found/);
    const inbox = await fetch(`${serve.url}/mcp`, {
      method: "POST",
      headers: watcher,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 4,
        method: "tools/call",
        params: { name: "get_messages", arguments: {} },
      }),
    });
    assert.deepEqual(
      (await inbox.json()).result.structuredContent.messages,
      [],
      "nothing was sent",
    );
  } finally {
    await serve.stop();
    await db.cleanup();
  }
});
