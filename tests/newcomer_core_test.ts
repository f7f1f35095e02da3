/** Issue #17's small surprises, on the core: each one as a newcomer met it, now fixed. */
import assert from "node:assert/strict";
import { agentActor, humanActor } from "../src/core/actor.ts";
import { ForbiddenError } from "../src/core/errors.ts";
import { parseTime, timeToMs } from "../src/core/input_rules/times.ts";
import { awaySummary } from "../src/core/table_summary.ts";
import { defaultRules } from "../src/definitions/load_rules.ts";
import { tempTable, testSession } from "./support/temp_table.ts";

const alice = agentActor("alice");
const bob = agentActor("bob");

Deno.test("unblocking a task puts a notice in its assignee's inbox (the unread badge)", () => {
  using t = tempTable({ rules: defaultRules() });
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.table.members.register({ session: testSession("bob"), name: "bob" });
  const first = t.table.tasks.create({ by: alice, title: "first", assignee: "alice" });
  const second = t.table.tasks.create({
    by: alice,
    title: "second",
    assignee: "bob",
    blockedBy: [first.id],
  });
  assert.equal(t.table.messages.unreadSummary("bob").count, 0);
  t.table.tasks.update({ taskId: first.id, by: alice, status: "done" });
  const inbox = t.table.messages.inbox({ by: bob }).messages;
  assert.equal(inbox.length, 1);
  assert.equal(inbox[0]?.sender, "rule:notify-unblocked");
  assert.equal(inbox[0]?.task_id, second.id);
  assert.equal(
    inbox[0]?.content,
    `Task #${second.id} "second" is unblocked: every task it waited for is done.`,
  );
});

Deno.test("update_task: only what changes is needed (a dependency without a status)", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  const a = t.table.tasks.create({ by: alice, title: "a" });
  const b = t.table.tasks.create({ by: alice, title: "b" });
  t.table.tasks.update({ taskId: a.id, by: alice, status: "in_progress" });
  const updated = t.table.tasks.update({ taskId: a.id, by: alice, addBlockedBy: [b.id] });
  assert.equal(updated.status, "in_progress");
  assert.deepEqual(updated.blocked_by, [b.id]);
  const withResult = t.table.tasks.update({ taskId: b.id, by: alice, result: "half way" });
  assert.equal(withResult.status, "pending");
  assert.equal(withResult.result, "half way");
});

Deno.test("the reviewer's result is a review note: the implementer's result stays; both in the feed", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.table.members.register({ session: testSession("bob"), name: "bob" });
  const task = t.table.tasks.create({ by: alice, title: "T", assignee: "alice", reviewer: "bob" });
  t.table.tasks.claim({ taskId: task.id, by: alice });
  t.table.tasks.update({
    taskId: task.id,
    by: alice,
    status: "awaiting_review",
    result: "PR #7, tests added",
  });
  const done = t.table.tasks.update({
    taskId: task.id,
    by: bob,
    status: "done",
    result: "LGTM, merged",
  });
  assert.equal(done.result, "PR #7, tests added");
  assert.deepEqual(done.review_note, {
    verdict: "approve",
    note: "LGTM, merged",
    by: "bob",
    at: done.updated_at,
  });
  const feed = t.table.tasks.detail(task.id).feed;
  assert.match(feed, /result: PR #7, tests added/);
  assert.match(feed, /bob approved: moved task from awaiting_review to done/);
  assert.match(feed, /bob → alice: Approved by bob on task #1 "T": LGTM, merged\. It is done\./);
  const audit = t.table.audit.query({ action: "task.updated", limit: 1 })[0];
  assert.equal(audit?.details["review_note"], "LGTM, merged");
  assert.equal(audit?.details["verdict"], "approve");
});

Deno.test("audit: an action family by its word ('task' means task.*), times as durations", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.table.tasks.create({ by: alice, title: "x" });
  t.table.messages.broadcast({ by: alice, content: "hi" });
  const tasks = t.table.audit.query({ action: "task" });
  assert.deepEqual(tasks.map((e) => e.action), ["task.created"]);
  assert.deepEqual(t.table.audit.query({ action: "task.*" }).map((e) => e.action), [
    "task.created",
  ]);
  assert.equal(t.table.audit.query({ action: "task.created" }).length, 1);
  const now = Date.parse("2026-11-26T12:00:00Z");
  assert.equal(parseTime("2h", now), now - 7_200_000);
  assert.equal(parseTime("2026-11-26", now), Date.parse("2026-11-26T00:00:00Z"));
  assert.equal(parseTime("yesterday", now), undefined);
  assert.throws(() => timeToMs("since", "yesterday", now), /since 'yesterday' is not a duration/);
});

Deno.test("a member whose role this process does not know is refused, naming the role", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.db.prepare("UPDATE members SET role = 'ops-oncall' WHERE name = 'alice'").run();
  const refused = (error: unknown) =>
    error instanceof ForbiddenError && /role 'ops-oncall'/.test(error.message) &&
    /--roles-dir/.test(error.message);
  assert.throws(() => t.table.tasks.create({ by: alice, title: "x" }), refused);
  assert.throws(
    () => t.table.members.register({ session: testSession("alice"), name: "alice" }),
    refused,
  );
  assert.equal(t.table.tasks.list().length, 0, "nothing changed");
  // Naming a known role at register is how it comes back.
  assert.equal(
    t.table.members.register({ session: testSession("alice"), name: "alice", role: "coder" }).member
      .role,
    "coder",
  );
});

Deno.test("status counts agents, not registrations; humans act through the stores", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.table.members.deregister(alice);
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.table.members.register({ session: testSession("bob"), name: "bob" });
  const summary = awaySummary(t.table, 0);
  assert.equal(summary.agents_came, 2);
  assert.equal(summary.agents_left, 1);
  const human = humanActor("ops");
  const task = t.table.tasks.create({ by: human, title: "from a human", assignee: "bob" });
  assert.equal(task.creator, "human:ops");
  t.table.tasks.update({ taskId: task.id, by: human, status: "done", result: "closed" });
  assert.equal(t.table.audit.query({ agent: "human:ops" }).length, 2);
});
