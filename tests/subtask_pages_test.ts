/**
 * A parent's subtasks come in pages in get_task_detail, like any list: a default page, a
 * cursor while there are more, nothing lost or repeated when subtasks are added between pages,
 * and the counts of all of them on the task itself. Through real clients (in process).
 */
import assert from "node:assert/strict";
import { LIMITS } from "../src/core/limits.ts";
import { TestAgent } from "./support/test_agent.ts";
import { tempTable } from "./support/temp_table.ts";

type Row = Record<string, unknown>;

Deno.test("get_task_detail pages a parent's subtasks; the task counts them all", async () => {
  using db = tempTable();
  const alice = await TestAgent.inProcess(db.table);
  try {
    await alice.ok("register", { name: "alice" });
    const parent = Number(
      ((await alice.ok("create_task", { title: "Release" }))["task"] as Row)["id"],
    );
    const made: number[] = [];
    const add = async (title: string) => {
      const created = await alice.ok("create_task", { title, parent_id: parent });
      made.push(Number((created["task"] as Row)["id"]));
    };
    for (let i = 0; i < LIMITS.pages.subtasks.default + 25; i++) await add(`step ${i}`);
    await alice.ok("claim_task", { task_id: made[0] });
    await alice.ok("update_task", { task_id: made[0], status: "done", result: "shipped" });

    const first = await alice.ok("get_task_detail", { task_id: parent });
    const ids = (page: Row) => (page["subtasks"] as Row[]).map((s) => Number(s["id"]));
    assert.deepEqual(ids(first), made.slice(0, LIMITS.pages.subtasks.default), "oldest first");
    assert.deepEqual((first["task"] as Row)["subtasks"], { done: 1, total: made.length });
    assert.equal(typeof first["subtasks_next_cursor"], "string");
    assert.equal(first["next_cursor"], undefined, "the feed's cursor is its own");

    // Every page, a subtask added between two of them: none lost, none twice.
    const seen: number[] = [];
    let cursor: unknown;
    let pages = 0;
    do {
      const page = await alice.ok("get_task_detail", {
        task_id: parent,
        subtasks_limit: 10,
        ...(cursor === undefined ? {} : { subtasks_cursor: cursor }),
      });
      assert.ok(ids(page).length <= 10);
      seen.push(...ids(page));
      cursor = page["subtasks_next_cursor"];
      if (pages++ === 1) await add("added between pages");
    } while (cursor !== undefined && pages < 20);
    assert.deepEqual(seen, made, "each subtask once, in order, the one added too");

    const bad = await alice.call("get_task_detail", { task_id: parent, subtasks_cursor: "nope" });
    assert.equal(bad.isError, true);
    assert.match(bad.text, /cursor 'nope' is not a next_cursor from get_task_detail's subtasks/);
    const big = await alice.call("get_task_detail", {
      task_id: parent,
      subtasks_limit: LIMITS.pages.subtasks.max + 1,
    });
    assert.equal(big.isError, true);
    assert.match(big.text, /subtasks_limit/);
    assert.match(big.text, new RegExp(String(LIMITS.pages.subtasks.max)));
  } finally {
    await alice.close();
  }
});
