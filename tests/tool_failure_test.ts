/**
 * When even reporting a failed call fails (the database is gone), the client still gets an
 * `isError` result without a stack trace, and the server logs the details.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Logger } from "../src/log.ts";
import { createMcpServer } from "../src/mcp/create_mcp_server.ts";
import { tempTable } from "./support/temp_table.ts";

Deno.test("a call on a closed database is an isError result, and the details are logged", async () => {
  const t = tempTable();
  const logged: string[] = [];
  const logger: Logger = {
    error: (message) => void logged.push(message),
    warn: (message) => void logged.push(message),
    info: () => {},
    debug: () => {},
  };
  const { server } = createMcpServer({ table: t.table, logger });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "t", version: "1" });
  await client.connect(clientSide);
  try {
    const registered = await client.callTool({ name: "register", arguments: { name: "alice" } });
    assert.equal(registered.isError, undefined);
    // The database goes away under the server (its file is still there; the connection is not).
    t.db.close();
    const failed = await client.callTool({ name: "list_members", arguments: {} });
    assert.equal(failed.isError, true);
    const text = JSON.stringify(failed.content);
    assert.match(text, /Internal error in list_members/);
    assert.doesNotMatch(text, /at .*\.ts:\d+/, "no stack trace");
    assert.ok(logged.some((line) => line.includes("list_members failed")), logged.join("\n"));
  } finally {
    await client.close();
    Deno.removeSync(t.path.slice(0, t.path.lastIndexOf("/")), { recursive: true });
  }
});
