import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { ConflictError } from "../src/core/errors.ts";
import { snapshot, tempTeam } from "./support/temp_table.ts";

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
