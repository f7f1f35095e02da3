/**
 * Requests written at once to a stdio server take effect in the order they were sent. Raw
 * JSON-RPC lines to a real process, as a client that pipelines would send them.
 */
import assert from "node:assert/strict";
import { LineReader } from "./support/line_reader.ts";
import { INITIALIZE } from "./support/mcp_requests.ts";
import { teamTableCommand, tempDb } from "./support/test_agent.ts";

Deno.test("pipelined requests on stdio take effect in the order sent", async () => {
  const db = await tempDb();
  const { command, args } = teamTableCommand();
  const child = new Deno.Command(command, {
    args,
    env: { TEAM_TABLE_DB: db.path },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  const lines = new LineReader(child.stdout);
  const write = (...messages: unknown[]) =>
    writer.write(new TextEncoder().encode(messages.map((m) => `${JSON.stringify(m)}\n`).join("")));
  const call = (id: number, name: string, args: unknown) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args },
  });
  try {
    await write(INITIALIZE, { jsonrpc: "2.0", method: "notifications/initialized" });
    assert.equal(JSON.parse(await lines.next()).id, 1);
    // The two calls after register must not run before it.
    await write(
      call(2, "register", { name: "alice" }),
      call(3, "send_message", { recipient: "alice", content: "to myself" }),
      call(4, "list_members", {}),
    );
    const answers = new Map<
      number,
      { result: { isError?: boolean; structuredContent?: unknown } }
    >();
    for (let i = 0; i < 3; i++) {
      const answer = JSON.parse(await lines.next());
      answers.set(answer.id, answer);
    }
    assert.equal(answers.get(2)?.result.isError, undefined);
    assert.equal(answers.get(3)?.result.isError, undefined, "sent as alice, after register");
    assert.match(JSON.stringify(answers.get(4)?.result.structuredContent), /"name":"alice"/);
  } finally {
    await writer.close();
    await child.status;
    await db.cleanup();
  }
});
