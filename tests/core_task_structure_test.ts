import { agentActor, humanActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { ConflictError } from "../src/core/errors.ts";
import { defaultRules } from "../src/definitions/load_rules.ts";
import { grantAndJoin, snapshot, tempTable, tempTeam, testSession } from "./support/temp_table.ts";

Deno.test("subtasks: list by parent, shown in the detail; reparenting into a cycle is refused", () => {
  using t = tempTeam(["alice", "bob"]);
  const epic = t.table.tasks.create({ title: "epic", by: agentActor("alice") });
  const child = t.table.tasks.create({
    title: "child",
    by: agentActor("alice"),
    parentId: epic.id,
  });
  const grandchild = t.table.tasks.create({
    title: "grandchild",
    by: agentActor("alice"),
    parentId: child.id,
  });
  assert.deepEqual(t.table.tasks.list({ parentId: epic.id }).map((x) => x.title), ["child"]);
  assert.deepEqual(t.table.tasks.detail(epic.id).subtasks.map((s) => [s.title, s.status]), [[
    "child",
    "pending",
  ]]);
  const before = snapshot(t.db);
  assert.throws(
    () =>
      t.table.tasks.update({
        taskId: epic.id,
        by: agentActor("alice"),
        status: "pending",
        parentId: grandchild.id,
      }),
    (e: unknown) =>
      e instanceof ConflictError &&
      /task 3 is task 1 itself or one of its subtasks/.test(e.message),
  );
  assert.throws(
    () =>
      t.table.tasks.update({
        taskId: epic.id,
        by: agentActor("alice"),
        status: "pending",
        parentId: epic.id,
      }),
    /cannot be its own ancestor/,
  );
  assert.throws(
    () => t.table.tasks.create({ title: "x", by: agentActor("alice"), parentId: 99 }),
    /parent_id: no task with id 99/,
  );
  assert.equal(snapshot(t.db), before);
  assert.throws(
    () => t.db.exec(`DELETE FROM tasks WHERE id = ${epic.id}`),
    /FOREIGN KEY constraint failed/,
    "a parent cannot be deleted",
  );
});

Deno.test("dependencies: open blockers stop start and finish, named in the error; cycles refused", () => {
  using t = tempTeam(["alice", "bob"]);
  const design = t.table.tasks.create({ title: "design", by: agentActor("alice") });
  const build = t.table.tasks.create({
    title: "build",
    by: agentActor("alice"),
    assignee: "bob",
    blockedBy: [design.id],
  });
  assert.deepEqual(build.blocked_by, [design.id]);
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.claim({ taskId: build.id, by: agentActor("bob") }),
    /Task 2 cannot be claimed: it is blocked by #1 "design" \(pending\)\. Finish those first/,
  );
  assert.throws(
    () => t.table.tasks.update({ taskId: build.id, by: agentActor("bob"), status: "in_progress" }),
    /cannot start/,
  );
  assert.throws(
    () => t.table.tasks.update({ taskId: build.id, by: agentActor("bob"), status: "done" }),
    /cannot be done/,
  );
  assert.throws(
    () =>
      t.table.tasks.update({
        taskId: design.id,
        by: agentActor("alice"),
        status: "pending",
        addBlockedBy: [build.id],
      }),
    /task 2 already waits \(directly or not\) for task 1; making 1 wait for 2 would be a cycle/,
  );
  assert.throws(
    () =>
      t.table.tasks.update({
        taskId: design.id,
        by: agentActor("alice"),
        status: "pending",
        addBlockedBy: [design.id],
      }),
    /cannot be blocked by itself/,
  );
  assert.equal(snapshot(t.db), before, "refusals change nothing");
  assert.equal(
    t.table.tasks.next({ by: agentActor("bob") })?.id,
    design.id,
    "blocked tasks are not offered",
  );
});

Deno.test("when the last blocker is done the task is claimable and its assignee is told", () => {
  using t = tempTeam(["alice", "bob"]);
  const a = t.table.tasks.create({ title: "a", by: agentActor("alice") });
  const b = t.table.tasks.create({ title: "b", by: agentActor("alice") });
  const c = t.table.tasks.create({
    title: "c",
    by: agentActor("alice"),
    assignee: "bob",
    blockedBy: [a.id, b.id],
  });
  const mark = t.table.events.latestId();
  t.table.tasks.update({ taskId: a.id, by: agentActor("alice"), status: "done" });
  assert.equal(
    t.table.events.after(mark).filter((e) => e.type === "task_unblocked").length,
    0,
    "b is still open",
  );
  t.table.tasks.update({ taskId: b.id, by: agentActor("alice"), status: "done" });
  const unblocked = t.table.events.after(mark).filter((e) => e.type === "task_unblocked");
  assert.deepEqual(unblocked.map((e) => [e.recipient, e.payload["blocker"]]), [["bob", b.id]]);
  assert.match(
    t.table.tasks.detail(c.id).feed,
    /alice unblocked task: its last blocker #2 is done/,
  );
  assert.deepEqual(t.table.tasks.detail(c.id).blockers.map((x) => x.status), ["done", "done"]);
  assert.equal(t.table.tasks.claim({ taskId: c.id, by: agentActor("bob") }).status, "in_progress");
  t.table.tasks.update({
    taskId: c.id,
    by: agentActor("bob"),
    status: "pending",
    removeBlockedBy: [a.id],
  });
  assert.deepEqual(t.table.tasks.get(c.id).blocked_by, [b.id]);
});

Deno.test("a task with open subtasks is a container: never offered, claimed, started or finished", () => {
  using t = tempTable({ rules: defaultRules() });
  for (const name of ["alice", "bob"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  grantAndJoin(t, "boss", "lead");
  const alice = agentActor("alice");
  const boss = agentActor("boss");
  const feature = t.table.tasks.create({
    title: "Feature: CSV export",
    by: alice,
    priority: "high",
  });
  const parts = ["parse", "write", "docs"].map((title) =>
    t.table.tasks.create({ title, by: alice, parentId: feature.id })
  );
  t.table.tasks.claim({ taskId: parts[0]!.id, by: alice });
  t.table.tasks.update({ taskId: parts[0]!.id, by: alice, status: "done" });

  // Offered: a subtask, never the container (though it is older and of higher priority).
  assert.equal(t.table.tasks.next({ by: agentActor("bob") })?.id, parts[1]!.id);
  const before = snapshot(t.db);
  const named = (goal: string) => (e: unknown) =>
    e instanceof ConflictError &&
    e.message.includes(
      `Task ${feature.id} cannot ${goal}: it has 2 open subtask(s): #${parts[1]!.id} "write" ` +
        `(pending), #${parts[2]!.id} "docs" (pending). It is done when its last subtask is; ` +
        "nobody can start or finish it before, whatever their privileges.",
    );
  assert.throws(
    () => t.table.tasks.claim({ taskId: feature.id, by: agentActor("bob") }),
    named("be claimed"),
  );
  // Not even a lead (update_any_task) or the operator may force it.
  for (
    const [status, goal] of [["in_progress", "start"], ["awaiting_review", "await review"], [
      "done",
      "be done",
    ]] as const
  ) {
    assert.throws(
      () => t.table.tasks.update({ taskId: feature.id, by: boss, status }),
      named(goal),
    );
    assert.throws(
      () => t.table.tasks.update({ taskId: feature.id, by: humanActor("ops"), status }),
      named(goal),
    );
  }
  assert.equal(snapshot(t.db), before, "every refusal changed nothing");
  // It may still be blocked and unblocked: a resolution takes it back to pending, not started.
  t.table.tasks.comment({ taskId: feature.id, by: boss, content: "legal?", type: "blocker" });
  const resolved = t.table.tasks.comment({
    taskId: feature.id,
    by: boss,
    content: "cleared",
    type: "resolution",
  });
  assert.equal(resolved.task.status, "pending");
  t.table.tasks.update({ taskId: feature.id, by: boss, status: "blocked" });

  // Shown as n of m subtasks done, on the task itself (list, get, detail).
  const listed = t.table.tasks.list({}).find((x) => x.id === feature.id);
  assert.deepEqual(listed?.subtasks, { done: 1, total: 3 });
  assert.equal(t.table.tasks.get(parts[1]!.id).subtasks, undefined, "only tasks with subtasks");
  assert.deepEqual(t.table.tasks.detail(feature.id).task.subtasks, { done: 1, total: 3 });

  // It still completes when its last subtask does (the shipped complete-parent rule).
  for (const part of parts.slice(1)) {
    t.table.tasks.claim({ taskId: part.id, by: agentActor("bob") });
    t.table.tasks.update({ taskId: part.id, by: agentActor("bob"), status: "done" });
  }
  const done = t.table.tasks.get(feature.id);
  assert.equal(done.status, "done");
  assert.deepEqual(done.subtasks, { done: 3, total: 3 });
});

Deno.test("a container's refusal names ten open subtasks and counts the rest", () => {
  using t = tempTeam(["alice"]);
  const alice = agentActor("alice");
  const parent = t.table.tasks.create({ title: "big", by: alice });
  for (let i = 0; i < 12; i++) {
    t.table.tasks.create({ title: `s${i}`, by: alice, parentId: parent.id });
  }
  assert.throws(
    () => t.table.tasks.claim({ taskId: parent.id, by: alice }),
    (e: unknown) =>
      e instanceof ConflictError && /12 open subtask\(s\): #2 "s0" \(pending\)/.test(e.message) &&
      /#11 "s9" \(pending\) and 2 more \(list_tasks parent_id=1\)/.test(e.message) &&
      !e.message.includes('"s10"'),
  );
});

Deno.test("a rule cannot finish a container either: its set_status fails, recorded in the feed", () => {
  using t = tempTeam(["alice"], { lead: "boss" });
  const boss = agentActor("boss");
  t.table.rules.create(
    { name: "close-on-comment", on: "task.comment", then: [{ set_status: "done" }], enabled: true },
    boss,
  );
  const parent = t.table.tasks.create({ title: "parent", by: boss });
  t.table.tasks.create({ title: "child", by: boss, parentId: parent.id });
  t.table.tasks.comment({ taskId: parent.id, by: boss, content: "ship it" });
  assert.equal(t.table.tasks.get(parent.id).status, "pending");
  assert.match(
    t.table.tasks.detail(parent.id).feed,
    /rule:close-on-comment fired on task.comment: set_status FAILED: .*cannot be done: it has 1 open subtask/,
  );
});

Deno.test("no open subtask under a done parent: adding or moving one is refused, changing nothing", () => {
  using t = tempTeam(["alice"]);
  const alice = agentActor("alice");
  const parent = t.table.tasks.create({ title: "shipped", by: alice });
  t.table.tasks.update({ taskId: parent.id, by: alice, status: "done" });
  const loose = t.table.tasks.create({ title: "loose", by: alice });
  const before = snapshot(t.db);
  const refused = (e: unknown) =>
    e instanceof ConflictError &&
    e.message === "parent_id: task 1 is done; reopen it with update_task (status pending) " +
        "before adding open subtasks under it.";
  assert.throws(
    () => t.table.tasks.create({ title: "more", by: alice, parentId: parent.id }),
    refused,
  );
  assert.throws(
    () => t.table.tasks.update({ taskId: loose.id, by: alice, parentId: parent.id }),
    refused,
  );
  assert.equal(snapshot(t.db), before);
  // A finished task may be filed under it, but not reopened there alone.
  t.table.tasks.update({ taskId: loose.id, by: alice, status: "done", parentId: parent.id });
  assert.throws(
    () => t.table.tasks.update({ taskId: loose.id, by: alice, status: "in_progress" }),
    /Task 2 cannot be reopened: its parent #1 "shipped" is done; reopen the parent first/,
  );
  // Reopened, the parent takes open subtasks again.
  t.table.tasks.update({ taskId: parent.id, by: alice, status: "pending" });
  t.table.tasks.create({ title: "more", by: alice, parentId: parent.id });
  assert.deepEqual(t.table.tasks.get(parent.id).subtasks, { done: 1, total: 2 });
});
