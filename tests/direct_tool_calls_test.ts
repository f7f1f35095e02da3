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
  return { sent, toSdk, deliver };
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

Deno.test("anything else goes to the SDK unchanged", () => {
  const { sent, toSdk, deliver } = _connected();
  const others: JSONRPCMessage[] = [
    { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whisper", arguments: {} } },
    {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "shout", arguments: { text: "too long" } },
    },
    {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "shout", arguments: { text: "hi", x: 1 } },
    },
    {
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "shout", arguments: { text: "hi" }, task: {} },
    },
    { jsonrpc: "2.0", id: 5, method: "tools/list" },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 6, result: {} },
  ];
  for (const message of others) deliver(message);
  assert.deepEqual(toSdk, others);
  assert.deepEqual(sent, []);
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
