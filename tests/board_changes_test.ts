/**
 * Following the board by change: list_tasks gives a changes_cursor, and `since` it only the
 * tasks that changed after it, so watching costs in proportion to the changes.
 */
import assert from "node:assert/strict";
import { TestAgent } from "./support/test_agent.ts";
import { tempTable } from "./support/temp_table.ts";

Deno.test("list_tasks since a changes_cursor shows only what changed after it", async () => {
  using t = tempTable();
  const lead = await TestAgent.inProcess(t.table);
  const coder = await TestAgent.inProcess(t.table);
  try {
    await lead.ok("register", { name: "lead" });
    await coder.ok("register", { name: "cody", role: "coder" });
    const ids: number[] = [];
    for (const title of ["one", "two", "three"]) {
      ids.push(((await lead.ok("create_task", { title }))["task"] as { id: number }).id);
    }
    t.clock.advance(5);
    const board = await lead.ok("list_tasks");
    assert.equal(board["count"], 3);
    let cursor = String(board["changes_cursor"]);

    t.clock.advance(5);
    await coder.ok("claim_task", { task_id: ids[1] });
    t.clock.advance(5);
    const changed = await lead.ok("list_tasks", { since: cursor });
    assert.deepEqual(
      (changed["tasks"] as { id: number; status: string }[]).map((x) => [x.id, x.status]),
      [[ids[1], "in_progress"]],
    );
    cursor = String(changed["changes_cursor"]);

    t.clock.advance(5);
    const quiet = await lead.call("list_tasks", { since: cursor });
    assert.equal(JSON.parse(quiet.text)["count"], 0, "nothing changed: nothing shown");
    assert.ok(quiet.text.length < 120, `a quiet look is short: ${quiet.text}`);

    await coder.ok("update_task", { task_id: ids[1], status: "awaiting_review" });
    t.clock.advance(5);
    await coder.ok("task_comment", { task_id: ids[2], content: "looking at it" });
    t.clock.advance(5);
    const two = await lead.ok("list_tasks", { since: cursor, limit: 1 });
    assert.deepEqual((two["tasks"] as { id: number }[]).map((x) => x.id), [ids[1]]);
    const rest = await lead.ok("list_tasks", { since: cursor, cursor: two["next_cursor"] });
    assert.deepEqual((rest["tasks"] as { id: number }[]).map((x) => x.id), [ids[2]]);

    const bad = await lead.call("list_tasks", { since: "not a cursor" });
    assert.equal(bad.isError, true);
    assert.match(bad.text, /since/);
  } finally {
    await Promise.all([lead.close(), coder.close()]);
  }
});
