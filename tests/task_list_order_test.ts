/**
 * list_tasks reads a status's tasks by index (issue 31): every filter, walked page by page with
 * its cursor, gives the board order (mine first when asked, priority, then id) in full.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import type { Task } from "../src/core/tasks/task_model.ts";
import { tempTeam } from "./support/temp_table.ts";

const RANK = { high: 0, medium: 1, low: 2 } as const;

Deno.test("list_tasks: each filter's pages, cursor after cursor, are the board order in full", () => {
  using t = tempTeam(["alice", "bob"]);
  const tasks = t.table.tasks;
  const priorities = ["low", "high", "medium"] as const;
  const ids: number[] = [];
  for (let i = 0; i < 40; i++) {
    const task = tasks.create({
      by: agentActor(i % 2 ? "alice" : "bob"),
      title: `task ${i}`,
      priority: priorities[(i * 7) % 3],
      ...(i % 5 === 0 ? { type: "docs" } : {}),
      ...(i % 4 === 0 ? { assignee: "bob" } : {}),
    });
    ids.push(task.id);
    if (i % 3 === 0 && i % 4 !== 0) tasks.claim({ taskId: task.id, by: agentActor("alice") });
    if (i % 6 === 3) {
      tasks.update({ taskId: task.id, by: agentActor("alice"), status: "done", result: "ok" });
    }
  }
  const all = tasks.list({ limit: 1_000 });
  assert.equal(all.length, 40);
  const boardOrder = (a: Task, b: Task) => RANK[a.priority] - RANK[b.priority] || a.id - b.id;
  const walk = (filter: Parameters<typeof tasks.page>[0], limit: number) => {
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = tasks.page(filter, { limit, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((task) => task.id));
      cursor = page.next_cursor;
    } while (cursor !== undefined);
    return seen;
  };
  const cases: [Parameters<typeof tasks.page>[0], (task: Task) => boolean][] = [
    [{}, () => true],
    [{ status: "pending" }, (x) => x.status === "pending"],
    [{ status: "in_progress" }, (x) => x.status === "in_progress"],
    [{ status: "done" }, (x) => x.status === "done"],
    [{ assignee: "alice" }, (x) => x.assignee === "alice"],
    [{ status: "pending", assignee: "bob" }, (x) => x.status === "pending" && x.assignee === "bob"],
  ];
  for (const [filter, keep] of cases) {
    const expected = all.filter(keep).sort(boardOrder).map((x) => x.id);
    assert.ok(expected.length > 0, JSON.stringify(filter));
    for (const limit of [1, 3, 7, 50]) {
      assert.deepEqual(walk(filter, limit), expected, `${JSON.stringify(filter)} by ${limit}`);
    }
    assert.deepEqual(
      tasks.list({ ...filter, limit: 5, offset: 2 }).map((x) => x.id),
      expected.slice(2, 7),
    );
  }
  // mine_first: bob's role's pending tasks that he may take come first, then the board order.
  const mine = walk({ mineFirst: "bob" }, 4);
  assert.deepEqual(
    [...mine].sort((a, b) => a - b),
    [...all.map((x) => x.id)].sort((a, b) => a - b),
  );
  assert.deepEqual(
    walk({ mineFirst: "bob", status: "pending" }, 3),
    walk({ mineFirst: "bob", status: "pending" }, 50),
  );
});
