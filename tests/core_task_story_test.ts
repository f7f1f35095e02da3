import { agentActor, humanActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { ConflictError, ForbiddenError } from "../src/core/errors.ts";
import { renderFeedLine } from "../src/core/tasks/task_activity.ts";
import { snapshot, tempTable, tempTeam, testSession } from "./support/temp_table.ts";

const minute = 60_000;

Deno.test("the feed: automatic status changes, comments and linked messages, in order", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  t.clock.advance(19 * 60 * minute); // 19:00 UTC
  const task = t.table.tasks.create({ title: "SSE endpoint", by: agentActor("alice") });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("bob") });
  t.clock.advance(5 * minute);
  t.table.tasks.comment({
    taskId: task.id,
    by: agentActor("bob"),
    content: "Starting on the SSE endpoint",
  });
  t.clock.advance(2 * minute);
  t.table.messages.send({
    by: agentActor("alice"),
    recipient: "bob",
    content: "ping me\\nwhen done",
    taskId: task.id,
  });
  t.table.messages.broadcast({ by: agentActor("carol"), content: "heads up", taskId: task.id });
  t.clock.advance(3 * minute);
  t.table.tasks.comment({
    taskId: task.id,
    by: agentActor("alice"),
    content: "Need to decide on auth",
    type: "blocker",
  });
  t.clock.advance(5 * minute);
  t.table.tasks.comment({
    taskId: task.id,
    by: agentActor("bob"),
    content: "Going with tokens",
    type: "resolution",
  });
  t.clock.advance(15 * minute);
  t.table.tasks.update({
    taskId: task.id,
    by: agentActor("bob"),
    status: "done",
    result: "merged",
  });
  const detail = t.table.tasks.detail(task.id);
  assert.deepEqual(detail.feed.split("\n"), [
    "[status_change] alice created task — 19:00",
    "[status_change] bob claimed task — 19:00",
    "[comment] bob: Starting on the SSE endpoint — 19:05",
    "[message] alice → bob: ping me\\nwhen done — 19:07",
    "[message] carol → everyone: heads up — 19:07",
    "[blocker] alice: Need to decide on auth — 19:10",
    "[status_change] alice moved task from in_progress to blocked (blocker) — 19:10",
    "[resolution] bob: Going with tokens — 19:15",
    "[status_change] bob moved task from blocked to in_progress (resolution) — 19:15",
    "[status_change] bob moved task from in_progress to done; result: merged — 19:30",
  ]);
  assert.equal(detail.comment_count, 3);
  assert.equal(detail.message_count, 2);
  assert.equal(detail.entries[3]?.message_id, 1);
  assert.equal(detail.task.status, "done");
});

Deno.test("feed lines are one line, shortened, and times are UTC", () => {
  const line = renderFeedLine({
    at: "2026-11-26T07:08:09.000Z",
    type: "comment",
    agent: "a",
    content: `multi\nline ${"x".repeat(300)}`,
    recipient: null,
  });
  assert.match(line, /^\[comment\] a: multi line x+… — 07:08$/);
  assert.ok(line.length < 230);
});

Deno.test("comments and linked messages move updated_at; retracted messages leave the feed", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  t.clock.advance(minute);
  assert.equal(
    t.table.tasks.comment({
      taskId: task.id,
      by: agentActor("carol"),
      content: "anyone may comment",
    }).task
      .updated_at,
    new Date(t.clock.now()).toISOString(),
  );
  t.clock.advance(minute);
  const m = t.table.messages.send({
    by: agentActor("bob"),
    recipient: "alice",
    content: "re T",
    taskId: task.id,
  });
  assert.equal(t.table.tasks.get(task.id).updated_at, new Date(t.clock.now()).toISOString());
  t.table.messages.delete({ messageId: m.id, by: agentActor("bob") });
  assert.equal(t.table.tasks.detail(task.id).message_count, 0);
});

Deno.test("comments notify creator, assignee and reviewer, never the author", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({
    title: "T",
    by: agentActor("alice"),
    assignee: "bob",
    reviewer: "carol",
  });
  const before = t.table.events.latestId();
  t.table.tasks.comment({ taskId: task.id, by: agentActor("bob"), content: "progress" });
  const events = t.table.events.after(before);
  assert.deepEqual(events.map((e) => `${e.type}>${e.recipient}`), [
    "task_comment>alice",
    "task_comment>carol",
  ]);
  assert.equal((events[0]?.payload["comment"] as { content: string }).content, "progress");
});

Deno.test("blocker and resolution: only the task's people; blocker on done refused", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice"), assignee: "bob" });
  const before = snapshot(t.db);
  assert.throws(
    () =>
      t.table.tasks.comment({
        taskId: task.id,
        by: agentActor("carol"),
        content: "stop",
        type: "blocker",
      }),
    (e: unknown) =>
      e instanceof ForbiddenError && /'carol' may not post a blocker on task 1/.test(e.message),
  );
  assert.throws(
    () =>
      t.table.tasks.comment({
        taskId: task.id,
        by: agentActor("bob"),
        content: "x",
        type: "status_change",
      }),
    /written by the board itself/,
  );
  assert.equal(snapshot(t.db), before, "refusals write nothing");
  const blocked = t.table.tasks.comment({
    taskId: task.id,
    by: agentActor("boss"),
    content: "hold",
    type: "blocker",
  });
  assert.equal(blocked.task.status, "blocked");
  const note = t.table.tasks.comment({
    taskId: task.id,
    by: agentActor("bob"),
    content: "fyi",
    type: "resolution",
  });
  assert.equal(note.task.status, "in_progress", "a resolution unblocks");
  const again = t.table.tasks.comment({
    taskId: task.id,
    by: agentActor("bob"),
    content: "again",
    type: "resolution",
  });
  assert.equal(
    again.task.status,
    "in_progress",
    "a resolution on an unblocked task changes nothing",
  );
  t.table.tasks.update({ taskId: task.id, by: agentActor("bob"), status: "done" });
  assert.throws(
    () =>
      t.table.tasks.comment({
        taskId: task.id,
        by: agentActor("bob"),
        content: "late",
        type: "blocker",
      }),
    (e: unknown) => e instanceof ConflictError && /is done; reopen it/.test(e.message),
  );
});

Deno.test("review hand-off: reviewer asked, review claimed once, reviewer may finish", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice"), reviewer: "carol" });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("bob") });
  let mark = t.table.events.latestId();
  t.table.tasks.update({ taskId: task.id, by: agentActor("bob"), status: "awaiting_review" });
  const asked = t.table.events.after(mark).filter((e) => e.type === "review_requested");
  assert.deepEqual(asked.map((e) => e.recipient), ["carol"]);
  t.table.members.register({ session: testSession("dave"), name: "dave" });
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, by: agentActor("dave") }),
    /may not review task 1: only its reviewer \('carol'\) may, and role 'agent' lacks the privilege claim_assigned \(roles with it: admin, lead\)/,
  );
  const claimed = t.table.tasks.claim({ taskId: task.id, by: agentActor("carol") });
  assert.deepEqual([claimed.status, claimed.reviewer], ["awaiting_review", "carol"]);
  assert.ok(claimed.review_claimed_at);
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, by: agentActor("boss") }),
    (e: unknown) => e instanceof ConflictError && /already claimed by 'carol'/.test(e.message),
  );
  mark = t.table.events.latestId();
  const done = t.table.tasks.update({ taskId: task.id, by: agentActor("carol"), status: "done" });
  assert.equal(done.status, "done");
  assert.deepEqual(
    t.table.events.after(mark).map((e) => `${e.type}>${e.recipient}`),
    ["task_updated>alice", "task_updated>bob", "message>bob"],
    "the verdict also reaches the implementer's inbox",
  );
});

Deno.test("review requests without a reviewer go to the roles that review, else to everyone", () => {
  const t = tempTable();
  using _cleanup = t;
  for (const name of ["alice", "bob", "carol"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  const a = t.table.tasks.create({ title: "A", by: agentActor("alice"), assignee: "bob" });
  let mark = t.table.events.latestId();
  t.table.tasks.update({ taskId: a.id, by: agentActor("bob"), status: "awaiting_review" });
  const everyone = t.table.events.after(mark).filter((e) => e.type === "review_requested");
  assert.deepEqual(everyone.map((e) => `${e.recipient}-${e.except}`), ["*-bob"]);
  assert.throws(
    () => t.table.tasks.claim({ taskId: a.id, by: agentActor("bob") }),
    /awaiting review of 'bob's own work/,
  );
  t.table.members.grant({ name: "boss", role: "lead", by: humanActor("operator") });
  t.table.members.register({ session: testSession("rita"), name: "rita", role: "reviewer" });
  t.table.members.register({ session: testSession("tess"), name: "tess", role: "tester" });
  const b = t.table.tasks.create({ title: "B", by: agentActor("alice"), assignee: "bob" });
  mark = t.table.events.latestId();
  t.table.tasks.update({ taskId: b.id, by: agentActor("bob"), status: "awaiting_review" });
  assert.deepEqual(
    t.table.events.after(mark).filter((e) => e.type === "review_requested").map((e) => e.recipient),
    ["boss", "rita", "tess"],
    "the members whose role has review affinity (lead, reviewer, tester)",
  );
  assert.equal(t.table.tasks.claim({ taskId: b.id, by: agentActor("carol") }).reviewer, "carol");
  t.table.tasks.update({ taskId: b.id, by: agentActor("carol"), status: "in_progress" });
  assert.equal(t.table.tasks.get(b.id).review_claimed_at, null, "leaving review clears the claim");
});

Deno.test("reassign_task: creator, assignee or admin/lead; both agents told; in the feed", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice"), assignee: "bob" });
  const before = snapshot(t.db);
  assert.throws(
    () =>
      t.table.tasks.reassign({ taskId: task.id, by: agentActor("carol"), newAssignee: "carol" }),
    /'carol' may not reassign task 1: only its creator \('alice'\) or its assignee \('bob'\) may, and role 'agent' lacks the privilege update_any_task \(roles with it: admin, lead\)/,
  );
  assert.throws(
    () => t.table.tasks.reassign({ taskId: task.id, by: agentActor("bob"), newAssignee: "BOB" }),
    /already assigned to 'bob'/,
  );
  assert.equal(snapshot(t.db), before);
  const mark = t.table.events.latestId();
  const moved = t.table.tasks.reassign({
    taskId: task.id,
    by: agentActor("bob"),
    newAssignee: "carol",
  });
  assert.equal(moved.assignee, "carol");
  assert.deepEqual(
    t.table.events.after(mark).map((e) => `${e.type}>${e.recipient}`),
    ["task_reassigned>alice", "task_reassigned>carol"],
  );
  assert.match(
    t.table.tasks.detail(task.id).feed,
    /\[status_change\] bob reassigned task from bob to carol/,
  );
  t.table.tasks.update({ taskId: task.id, by: agentActor("carol"), status: "done" });
  assert.throws(
    () => t.table.tasks.reassign({ taskId: task.id, by: agentActor("boss"), newAssignee: "bob" }),
    /is done; reopen it/,
  );
});

Deno.test("a blocker escalates to whom the author's role names, once, besides the task's people", () => {
  using t = tempTeam(["alice", "bob", "carol"], { lead: "boss" });
  t.table.members.grant({ name: "lead2", role: "lead", by: humanActor("operator") });
  t.table.members.register({ session: testSession("cody"), name: "cody", role: "coder" });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice"), assignee: "cody" });
  const mark = t.table.events.latestId();
  t.table.tasks.comment({
    taskId: task.id,
    by: agentActor("cody"),
    content: "stuck on auth",
    type: "blocker",
  });
  const events = t.table.events.after(mark);
  assert.deepEqual(
    events.map((e) => `${e.type}>${e.recipient}${e.payload["escalation"] ? " (escalation)" : ""}`),
    ["task_comment>alice", "task_comment>boss (escalation)", "task_comment>lead2 (escalation)"],
  );
  const plain = t.table.events.latestId();
  t.table.tasks.comment({ taskId: task.id, by: agentActor("cody"), content: "just a note" });
  assert.deepEqual(
    t.table.events.after(plain).map((e) => e.recipient),
    ["alice"],
    "comments do not escalate",
  );
});
