import { agentActor, humanActor } from "../src/core/actor.ts";
import { LIMITS } from "../src/core/limits.ts";
import assert from "node:assert/strict";
import { ConflictError, ForbiddenError, ValidationError } from "../src/core/errors.ts";
import { snapshot, tempTeam } from "./support/temp_table.ts";

Deno.test("create_task defaults: pending, medium, no assignee; unknown assignee refused", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  assert.deepEqual(
    [task.status, task.priority, task.assignee, task.creator, task.description],
    ["pending", "medium", null, "alice", ""],
  );
  assert.throws(
    () => t.table.tasks.create({ title: "T", by: agentActor("alice"), assignee: "bbo" }),
    /assignee: no agent named 'bbo'.*Did you mean 'bob'/,
  );
});

Deno.test("list_tasks orders by priority then age and filters", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  t.table.tasks.create({ title: "low", by: agentActor("alice"), priority: "low" });
  t.table.tasks.create({ title: "high", by: agentActor("alice"), priority: "high" });
  t.table.tasks.create({ title: "mid", by: agentActor("alice"), assignee: "bob" });
  assert.deepEqual(t.table.tasks.list().map((x) => x.title), ["high", "mid", "low"]);
  assert.deepEqual(t.table.tasks.list({ assignee: "bob" }).map((x) => x.title), ["mid"]);
  assert.deepEqual(t.table.tasks.list({ status: "done" }), []);
});

Deno.test("claiming: one winner; the loser is told who holds it", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  const won = t.table.tasks.claim({ taskId: task.id, by: agentActor("bob") });
  assert.deepEqual([won.status, won.assignee], ["in_progress", "bob"]);
  assert.ok(won.claimed_at);
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, by: agentActor("carol") }),
    (e: unknown) =>
      e instanceof ConflictError &&
      e.message === `Task ${task.id} is already claimed by 'bob' (status in_progress).`,
  );
  // Done: nothing to claim (not "already claimed").
  t.table.tasks.update({ taskId: task.id, by: agentActor("boss"), status: "done" });
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, by: agentActor("carol") }),
    (e: unknown) =>
      e instanceof ConflictError &&
      e.message === `Task ${task.id} is done (by 'bob'): there is nothing to claim.`,
  );
});

Deno.test("a task with a named assignee: only that agent or an admin/lead may claim", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice"), assignee: "bob" });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, by: agentActor("carol") }),
    (e: unknown) =>
      e instanceof ForbiddenError &&
      /may not claim task \d+: only its assignee \('bob'\)/.test(e.message),
  );
  assert.equal(snapshot(t.db), before);
  assert.equal(t.table.tasks.claim({ taskId: task.id, by: agentActor("boss") }).assignee, "boss");
  const other = t.table.tasks.create({ title: "U", by: agentActor("alice"), assignee: "bob" });
  assert.equal(t.table.tasks.claim({ taskId: other.id, by: agentActor("bob") }).assignee, "bob");
});

Deno.test("update_task: creator, assignee or admin/lead only, never anyone else", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("bob") });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.update({ taskId: task.id, by: agentActor("carol"), status: "done" }),
    /'carol' may not update task \d+: only its creator \('alice'\), its assignee \('bob'\)/,
  );
  assert.equal(snapshot(t.db), before);
  assert.equal(
    t.table.tasks.update({ taskId: task.id, by: agentActor("alice"), status: "blocked" }).status,
    "blocked",
  );
  const done = t.table.tasks.update({
    taskId: task.id,
    by: agentActor("bob"),
    status: "done",
    result: "ok",
  });
  assert.deepEqual([done.status, done.result], ["done", "ok"]);
  assert.ok(done.completed_at);
  const reopened = t.table.tasks.update({
    taskId: task.id,
    by: agentActor("boss"),
    status: "pending",
  });
  assert.deepEqual([reopened.completed_at, reopened.result], [null, "ok"]);
  assert.throws(
    () => t.table.tasks.update({ taskId: 999, by: agentActor("boss"), status: "done" }),
    /task_id: no task with id 999/,
  );
});

Deno.test("moving an unassigned task to in_progress assigns it to the mover", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  const moved = t.table.tasks.update({
    taskId: task.id,
    by: agentActor("alice"),
    status: "in_progress",
  });
  assert.equal(moved.assignee, "alice");
});

Deno.test("an agent may leave at most 1,000 of the tasks it created open, counted in the database", () => {
  using t = tempTeam(["alice", "bob"]);
  const alice = agentActor("alice");
  for (let i = 0; i < LIMITS.openTasksPerCreatorMax; i++) {
    t.table.tasks.create({ title: `t${i}`, by: alice });
  }
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.create({ title: "one more", by: alice }),
    (e: unknown) =>
      e instanceof ValidationError &&
      e.message === "alice created 1,000 tasks that are not done; the limit is 1,000 per agent. " +
          "Finish some first (update_task to done).",
  );
  assert.deepEqual(snapshot(t.db), before, "a refusal changes nothing");
  t.table.tasks.create({ title: "bob's own", by: agentActor("bob") });
  t.table.tasks.create({ title: "the operator's", by: humanActor("ops") });
  t.db.prepare("UPDATE tasks SET status = 'done' WHERE id = 1").run();
  t.table.tasks.create({ title: "room again", by: alice });
});

Deno.test("an update that changes nothing is refused and writes nothing", () => {
  using t = tempTeam(["alice", "bob"]);
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  t.table.tasks.update({ taskId: task.id, by: agentActor("alice"), result: "same" });
  const before = snapshot(t.db);
  for (const input of [{}, { status: "pending" as const, result: "same" }]) {
    assert.throws(
      () => t.table.tasks.update({ taskId: task.id, by: agentActor("alice"), ...input }),
      (e: unknown) =>
        e instanceof ValidationError && /^task_id: nothing to change on task/.test(e.message),
    );
  }
  assert.deepEqual(snapshot(t.db), before);
});
