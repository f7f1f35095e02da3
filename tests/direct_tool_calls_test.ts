/**
 * DirectToolCalls answers a valid call of a known tool itself, and hands everything else to the
 * SDK unchanged (so the SDK's errors read as before). Real clients exercise it in every MCP
 * test; this pins which messages it takes.
 */
import assert from "node:assert/strict";
import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { DirectToolCalls } from "../src/mcp/direct_tool_calls.ts";

function _connected(more: (calls: DirectToolCalls) => void = () => {}) {
  const sent: [JSONRPCMessage, TransportSendOptions | undefined][] = [];
  const toSdk: JSONRPCMessage[] = [];
  const transport: Transport = {
    start: () => Promise.resolve(),
    close: () => Promise.resolve(),
    send: (message: JSONRPCMessage, options?: TransportSendOptions) => {
      sent.push([message, options]);
      return Promise.resolve();
    },
  };
  // What the SDK's server sets when it connects.
  transport.onmessage = <T extends JSONRPCMessage>(message: T) => void toSdk.push(message);
  const calls = new DirectToolCalls();
  calls.add(
    "shout",
    z.strictObject({ text: z.string().max(5) }),
    (args) => ({
      content: [{ type: "text", text: (args as { text: string }).text.toUpperCase() }],
    }),
  );
  more(calls);
  calls.attach(transport);
  const deliver = (message: JSONRPCMessage) => transport.onmessage?.(message);
  return { sent, toSdk, deliver, transport };
}

Deno.test("a valid call of a known tool is answered directly, with its request id", () => {
  const { sent, toSdk, deliver } = _connected();
  deliver({
    jsonrpc: "2.0",
    id: 7,
    method: "tools/call",
    params: { name: "shout", arguments: { text: "hi" } },
  });
  assert.deepEqual(toSdk, []);
  assert.deepEqual(sent, [[
    { jsonrpc: "2.0", id: 7, result: { content: [{ type: "text", text: "HI" }] } },
    { relatedRequestId: 7 },
  ]]);
});

const _call = (id: unknown, params: Record<string, unknown>) =>
  ({ jsonrpc: "2.0", id, method: "tools/call", params }) as unknown as JSONRPCMessage;

Deno.test("a _meta the SDK takes does not change the way", () => {
  for (
    const meta of [
      {},
      { progressToken: "p-1" },
      { progressToken: 7, "io.modelcontextprotocol/related-task": { taskId: "t" }, other: [1] },
    ]
  ) {
    const { sent, toSdk, deliver } = _connected();
    deliver(_call(1, { name: "shout", arguments: { text: "hi" }, _meta: meta }));
    assert.deepEqual(toSdk, [], JSON.stringify(meta));
    assert.equal(sent.length, 1);
  }
});

Deno.test("anything else goes to the SDK unchanged", () => {
  const others: JSONRPCMessage[] = [
    _call(1, { name: "whisper", arguments: {} }),
    _call(2, { name: "shout", arguments: { text: "too long" } }),
    _call(3, { name: "shout", arguments: { text: "hi", x: 1 } }),
    _call(4, { name: "shout", arguments: { text: "hi" }, task: {} }),
    _call(5, { name: "shout", arguments: { text: "hi" }, _meta: { progressToken: null } }),
    _call(5, { name: "shout", arguments: { text: "hi" }, _meta: { progressToken: 1.5 } }),
    _call(5, { name: "shout", arguments: { text: "hi" }, _meta: 5 }),
    _call(5, {
      name: "shout",
      arguments: { text: "hi" },
      _meta: { "io.modelcontextprotocol/related-task": 5 },
    }),
    _call(6, { name: "shout", arguments: null }),
    _call(7, { name: "shout", arguments: ["hi"] }),
    _call(1e308, { name: "shout", arguments: { text: "hi" } }),
    _call(2 ** 53 + 2, { name: "shout", arguments: { text: "hi" } }),
    _call(1.5, { name: "shout", arguments: { text: "hi" } }),
    { jsonrpc: "2.0", id: 8, method: "tools/list" },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 9, result: {} },
  ];
  for (const message of others) {
    const { sent, toSdk, deliver } = _connected();
    deliver(message);
    assert.deepEqual(toSdk, [message], JSON.stringify(message));
    assert.deepEqual(sent, []);
  }
});

Deno.test("a call never overtakes a request the SDK has not answered yet", () => {
  const { sent, toSdk, deliver, transport } = _connected();
  const list: JSONRPCMessage = { jsonrpc: "2.0", id: 1, method: "tools/list" };
  const first = _call(2, { name: "shout", arguments: { text: "a" } });
  deliver(list);
  deliver(first);
  assert.deepEqual(toSdk, [list, first], "behind tools/list, the call goes to the SDK too");
  // The SDK answers both (through the transport, as its server does).
  void transport.send({ jsonrpc: "2.0", id: 1, result: { tools: [] } });
  void transport.send({ jsonrpc: "2.0", id: 2, result: { content: [] } });
  const next = _call(3, { name: "shout", arguments: { text: "b" } });
  deliver(next);
  assert.deepEqual(toSdk, [list, first], "nothing pending: answered directly");
  assert.deepEqual(sent.at(-1)?.[0], {
    jsonrpc: "2.0",
    id: 3,
    result: { content: [{ type: "text", text: "B" }] },
  });
});

Deno.test("a request the client cancelled no longer holds the calls after it", () => {
  const { sent, toSdk, deliver } = _connected();
  deliver({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  deliver({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } });
  deliver(_call(2, { name: "shout", arguments: { text: "c" } }));
  assert.equal(toSdk.length, 2, "the SDK got tools/list and the cancellation");
  assert.equal(sent.length, 1, "the call was answered directly");
});

Deno.test("a schema that can only be checked asynchronously is left to the SDK", () => {
  const { sent, toSdk, deliver } = _connected((calls) =>
    calls.add(
      "later",
      z.strictObject({ text: z.string().refine(async () => await Promise.resolve(true)) }),
      () => ({ content: [] }),
    )
  );
  const message: JSONRPCMessage = {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "later", arguments: { text: "x" } },
  };
  deliver(message);
  assert.deepEqual(toSdk, [message]);
  assert.deepEqual(sent, []);
});

Deno.test("attaching before the server is connected is a programming error", () => {
  const transport: Transport = {
    start: () => Promise.resolve(),
    close: () => Promise.resolve(),
    send: () => Promise.resolve(),
  };
  assert.throws(() => new DirectToolCalls().attach(transport), /connect the MCP server/);
});
