/** The server's instructions: who the session is, and the team's working loop, briefly. */
import assert from "node:assert/strict";
import { TestAgent } from "./support/test_agent.ts";
import { tempTable } from "./support/temp_table.ts";

Deno.test("instructions name the agent a connection binds, else ask for register; both give the loop", async () => {
  using t = tempTable();
  const bound = await TestAgent.inProcess(t.table, { agent: "cody", channel: true });
  const open = await TestAgent.inProcess(t.table);
  try {
    const mine = bound.client.getInstructions() ?? "";
    assert.match(mine, /You are cody \(this connection binds you: no register needed/);
    assert.doesNotMatch(mine, /Call register first/);
    assert.match(mine, /<channel source="team-table">/);
    const theirs = open.client.getInstructions() ?? "";
    assert.match(theirs, /Call register first/);
    assert.doesNotMatch(theirs, /channel/);
    for (const text of [mine, theirs]) {
      assert.match(text, /next_task \(claim: true\) takes a task and leases its paths/);
      assert.match(text, /awaiting_review hands it over and\s+frees the paths/);
      assert.ok(text.length < 1_000, `brief: ${text.length} characters`);
    }
  } finally {
    await Promise.all([bound.close(), open.close()]);
  }
});
