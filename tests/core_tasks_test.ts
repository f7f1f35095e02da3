import assert from "node:assert/strict";
import { ConflictError, ForbiddenError } from "../src/core/errors.ts";
import { snapshot, tempTable } from "./support/temp_table.ts";

function team() {
  const t = tempTable();
  t.table.members.register({ name: "alice" });
  t.table.members.register({ name: "bob" });
  t.table.members.register({ name: "carol" });
  t.table.members.grant({ name: "boss", role: "lead", by: null });
  t.table.members.register({ name: "boss" });
  return t;
}

Deno.test("create_task defaults: pending, medium, no assignee; unknown assignee refused", () => {
  using t = team();
  const task = t.table.tasks.create({ title: "T", creator: "alice" });
  assert.deepEqual(
    [task.status, task.priority, task.assignee, task.creator, task.description],
    ["pending", "medium", null, "alice", ""],
  );
  assert.throws(
    () => t.table.tasks.create({ title: "T", creator: "alice", assignee: "bbo" }),
    /assignee: no agent named 'bbo'.*Did you mean 'bob'/,
  );
});

Deno.test("list_tasks orders by priority then age and filters", () => {
  using t = team();
  t.table.tasks.create({ title: "low", creator: "alice", priority: "low" });
  t.table.tasks.create({ title: "high", creator: "alice", priority: "high" });
  t.table.tasks.create({ title: "mid", creator: "alice", assignee: "bob" });
  assert.deepEqual(t.table.tasks.list().map((x) => x.title), ["high", "mid", "low"]);
  assert.deepEqual(t.table.tasks.list({ assignee: "bob" }).map((x) => x.title), ["mid"]);
  assert.deepEqual(t.table.tasks.list({ status: "done" }), []);
});

Deno.test("claiming: one winner; the loser is told who holds it", () => {
  using t = team();
  const task = t.table.tasks.create({ title: "T", creator: "alice" });
  const won = t.table.tasks.claim({ taskId: task.id, agent: "bob" });
  assert.deepEqual([won.status, won.assignee], ["in_progress", "bob"]);
  assert.ok(won.claimed_at);
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, agent: "carol" }),
    (e: unknown) =>
      e instanceof ConflictError &&
      e.message === `Task ${task.id} is already claimed by 'bob' (status in_progress).`,
  );
});

Deno.test("a task with a named assignee: only that agent or an admin/lead may claim", () => {
  using t = team();
  const task = t.table.tasks.create({ title: "T", creator: "alice", assignee: "bob" });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, agent: "carol" }),
    (e: unknown) => e instanceof ForbiddenError && /assigned to 'bob'/.test(e.message),
  );
  assert.equal(snapshot(t.db), before);
  assert.equal(t.table.tasks.claim({ taskId: task.id, agent: "boss" }).assignee, "boss");
  const other = t.table.tasks.create({ title: "U", creator: "alice", assignee: "bob" });
  assert.equal(t.table.tasks.claim({ taskId: other.id, agent: "bob" }).assignee, "bob");
});

Deno.test("update_task: creator, assignee or admin/lead only, never anyone else", () => {
  using t = team();
  const task = t.table.tasks.create({ title: "T", creator: "alice" });
  t.table.tasks.claim({ taskId: task.id, agent: "bob" });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.update({ taskId: task.id, agent: "carol", status: "done" }),
    /'carol' may not update task \d+: only its creator \('alice'\), its assignee \('bob'\)/,
  );
  assert.equal(snapshot(t.db), before);
  assert.equal(
    t.table.tasks.update({ taskId: task.id, agent: "alice", status: "blocked" }).status,
    "blocked",
  );
  const done = t.table.tasks.update({
    taskId: task.id,
    agent: "bob",
    status: "done",
    result: "ok",
  });
  assert.deepEqual([done.status, done.result], ["done", "ok"]);
  assert.ok(done.completed_at);
  const reopened = t.table.tasks.update({ taskId: task.id, agent: "boss", status: "pending" });
  assert.deepEqual([reopened.completed_at, reopened.result], [null, "ok"]);
  assert.throws(
    () => t.table.tasks.update({ taskId: 999, agent: "boss", status: "done" }),
    /task_id: no task with id 999/,
  );
});

Deno.test("moving an unassigned task to in_progress assigns it to the mover", () => {
  using t = team();
  const task = t.table.tasks.create({ title: "T", creator: "alice" });
  const moved = t.table.tasks.update({ taskId: task.id, agent: "alice", status: "in_progress" });
  assert.equal(moved.assignee, "alice");
});
