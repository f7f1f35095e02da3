/** A review's verdict in one call: what counts as one, who may give it, who hears it. */
import assert from "node:assert/strict";
import { agentActor, humanActor } from "../src/core/actor.ts";
import { ForbiddenError } from "../src/core/errors.ts";
import { grantAndJoin, snapshot, tempTeam } from "./support/temp_table.ts";

const alice = agentActor("alice");
const bob = agentActor("bob");
const rita = agentActor("rita");

/** alice's task #1, worked by bob and handed over for review; rita reviews (role reviewer). */
function handedOver(reviewer?: string) {
  const t = tempTeam(["alice", "bob", "dave"]);
  grantAndJoin(t, "rita", "reviewer");
  const task = t.table.tasks.create({ title: "CSV export", by: alice, reviewer });
  t.table.tasks.claim({ taskId: task.id, by: bob });
  t.table.tasks.update({
    taskId: task.id,
    by: bob,
    status: "awaiting_review",
    result: "Implemented; tests passing",
  });
  return { t, task };
}

Deno.test("changes requested in one call: back to the assignee, told in its inbox, note on the task", () => {
  const { t, task } = handedOver();
  using _t = t;
  t.clock.advance(5_000);
  const sent = t.table.tasks.update({
    taskId: task.id,
    by: rita,
    status: "in_progress",
    result: "Quote fields with commas",
  });
  assert.deepEqual([sent.status, sent.assignee, sent.reviewer], ["in_progress", "bob", "rita"]);
  assert.equal(sent.result, "Implemented; tests passing", "the implementer's result stays");
  assert.deepEqual(sent.review_note, {
    verdict: "changes",
    note: "Quote fields with commas",
    by: "rita",
    at: new Date(t.clock.now()).toISOString(),
  });
  const [message, ...more] = t.table.messages.inbox({ by: bob }).messages;
  assert.equal(more.length, 0);
  assert.deepEqual(
    [message?.sender, message?.task_id, message?.subject, message?.content],
    [
      "rita",
      task.id,
      "Changes requested on task #1",
      'Changes requested by rita on task #1 "CSV export": Quote fields with commas. It is ' +
      "in_progress again, still yours; move it to awaiting_review when ready.",
    ],
  );
  const feed = t.table.tasks.detail(task.id).feed.split("\n").map((l) => l.replace(/ — .*$/, ""));
  assert.deepEqual(feed.slice(-2), [
    "[status_change] rita requested changes: moved task from awaiting_review to in_progress; " +
    "set reviewer to rita",
    '[message] rita → bob: Changes requested by rita on task #1 "CSV export": Quote fields ' +
    "with commas. It is in_progress again, still yours; move it to awaiting_review when ready.",
  ]);
  assert.equal(t.table.audit.query({ action: "task.updated" })[0]?.details["verdict"], "changes");

  // The note stays until the next hand-over, which clears it.
  t.table.tasks.comment({ taskId: task.id, by: bob, content: "on it" });
  assert.equal(t.table.tasks.get(task.id).review_note?.verdict, "changes");
  const again = t.table.tasks.update({ taskId: task.id, by: bob, status: "awaiting_review" });
  assert.equal(again.review_note, null);
  // Approved the second time: done, and the implementer hears that too.
  const done = t.table.tasks.update({ taskId: task.id, by: rita, status: "done" });
  assert.deepEqual([done.status, done.review_note?.verdict, done.review_note?.note], [
    "done",
    "approve",
    null,
  ]);
  assert.equal(
    t.table.messages.inbox({ by: bob }).messages[0]?.content,
    'Approved by rita on task #1 "CSV export". It is done.',
  );
});

Deno.test("who may give a verdict: the reviewer if set, else anyone but the assignee", () => {
  const { t, task } = handedOver("rita");
  using _t = t;
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.update({ taskId: task.id, by: agentActor("dave"), status: "done" }),
    (e: unknown) =>
      e instanceof ForbiddenError &&
      /task_id: 'dave' may not review task 1: only its reviewer \('rita'\) may, and role 'agent' lacks the privilege claim_assigned/
        .test(e.message),
  );
  const unreviewed = handedOver();
  using _u = unreviewed.t;
  assert.throws(
    () =>
      unreviewed.t.table.tasks.update({
        taskId: unreviewed.task.id,
        by: agentActor("dave"),
        status: "in_progress",
        addBlockedBy: [1],
      }),
    (e: unknown) => e instanceof ForbiddenError && /may not update task 1/.test(e.message),
    "a verdict gives no say over the rest of the task",
  );
  assert.equal(snapshot(t.db), before, "refusals change nothing");
  // Without a reviewer, any other agent may: dave sends it back and becomes its reviewer.
  const sent = unreviewed.t.table.tasks.update({
    taskId: unreviewed.task.id,
    by: agentActor("dave"),
    status: "in_progress",
  });
  assert.deepEqual([sent.reviewer, sent.review_note?.by, sent.review_note?.note], [
    "dave",
    "dave",
    null,
  ]);
  assert.match(
    unreviewed.t.table.messages.inbox({ by: bob }).messages[0]?.content ?? "",
    /^Changes requested by dave on task #1 "CSV export"\. It is in_progress again/,
  );
});

Deno.test("not a verdict: the assignee taking its work back, a rule moving it", () => {
  const { t, task } = handedOver();
  using _t = t;
  const back = t.table.tasks.update({ taskId: task.id, by: bob, status: "in_progress" });
  assert.deepEqual([back.status, back.review_note, back.reviewer], ["in_progress", null, null]);
  assert.equal(t.table.messages.unreadCount("bob"), 0);
  t.table.tasks.update({ taskId: task.id, by: bob, status: "awaiting_review" });
  const ruled = t.table.tasks.update({
    taskId: task.id,
    by: { kind: "rule", name: "auto-close" },
    status: "done",
  });
  assert.deepEqual([ruled.status, ruled.review_note], ["done", null]);
  assert.equal(t.table.messages.unreadCount("bob"), 0);
});

Deno.test("the operator's verdict from the web view reaches the implementer as human:NAME", () => {
  const { t, task } = handedOver("rita");
  using _t = t;
  t.table.tasks.update({
    taskId: task.id,
    by: humanActor("ops"),
    status: "in_progress",
    result: "Needs a changelog entry",
  });
  const [message] = t.table.messages.inbox({ by: bob }).messages;
  assert.equal(message?.sender, "human:ops");
  assert.match(
    message?.content ?? "",
    /^Changes requested by human:ops on task #1 "CSV export": Needs a changelog entry\. It/,
  );
  assert.equal(t.table.tasks.get(task.id).reviewer, "rita", "the named reviewer stays");
});

Deno.test("a task sent back has its files leased to its assignee again, unless others hold them", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  grantAndJoin(t, "rita", "reviewer");
  const paths = ["src/csv.ts", "docs/csv.md"];
  const round = (title: string) => {
    const task = t.table.taskLeases.create({ title, by: alice, paths }).task;
    t.table.taskLeases.claim({ taskId: task.id, by: bob });
    t.table.tasks.update({ taskId: task.id, by: bob, status: "awaiting_review" });
    assert.deepEqual(t.table.leases.list({ agent: "bob" }), [], "the hand-over ended them");
    return task;
  };
  const first = round("CSV export");
  t.table.tasks.update({ taskId: first.id, by: rita, status: "in_progress", result: "Quote" });
  assert.deepEqual(
    t.table.leases.list({ agent: "bob" }).map((l) => [l.path, l.task_id, l.exclusive]),
    [["docs/csv.md", first.id, true], ["src/csv.ts", first.id, true]],
  );
  assert.match(
    t.table.messages.inbox({ by: bob }).messages[0]!.content,
    /It is in_progress again, still yours, its files leased to you again; move it to/,
  );
  t.table.tasks.update({ taskId: first.id, by: bob, status: "awaiting_review" });
  t.table.tasks.update({ taskId: first.id, by: rita, status: "done" });

  // Another agent took one of its files meanwhile: nothing is leased, the verdict stands and
  // the message says how to get them back.
  const second = round("CSV import");
  t.table.leases.reserve({ by: agentActor("carol"), paths: ["docs/**"] });
  const sent = t.table.tasks.update({ taskId: second.id, by: rita, status: "in_progress" });
  assert.deepEqual([sent.status, sent.assignee], ["in_progress", "bob"]);
  assert.deepEqual(t.table.leases.list({ agent: "bob" }), []);
  assert.match(
    t.table.messages.inbox({ by: bob }).messages.at(-1)!.content,
    /still yours; its files are not leased to you now \(docs\/\*\* is carol's until \d\d:\d\d UTC\): reserve_paths with notify_when_free leases them when free; move it to awaiting_review/,
  );
});

Deno.test("a send-back leases only what the assignee's own hand-over ended, never more", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  grantAndJoin(t, "boss", "lead");
  // bob creates a task for the lead with a broad path, moves it through review itself and
  // sends it back: the lead never held a lease for it, so none is made for the lead.
  const task = t.table.taskLeases.create({
    title: "trap",
    by: bob,
    assignee: "boss",
    paths: ["src/**"],
  }).task;
  t.table.tasks.update({ taskId: task.id, by: bob, status: "in_progress" });
  t.table.tasks.update({ taskId: task.id, by: bob, status: "awaiting_review" });
  const sent = t.table.tasks.update({ taskId: task.id, by: bob, status: "in_progress" });
  assert.equal(sent.review_note?.verdict, "changes");
  assert.deepEqual(t.table.leases.list(), []);
  const told = t.table.messages.inbox({ by: agentActor("boss") }).messages.at(-1)!.content;
  assert.match(
    told,
    /It is in_progress again, still yours; move it to awaiting_review when ready\.$/,
  );

  // What alice held for her task is what she gets back: not a path it declares beyond that.
  const own = t.table.taskLeases.create({ title: "own", by: bob, paths: ["docs/a.md"] }).task;
  t.table.taskLeases.claim({ taskId: own.id, by: alice });
  t.table.leases.release({ by: alice, paths: ["docs/a.md"] });
  t.table.leases.reserve({ by: alice, paths: ["docs/b.md"], taskId: own.id });
  t.table.tasks.update({ taskId: own.id, by: alice, status: "awaiting_review" });
  t.table.tasks.update({ taskId: own.id, by: bob, status: "in_progress" });
  assert.deepEqual(t.table.leases.list().map((l) => [l.agent, l.path, l.task_id]), [
    ["alice", "docs/b.md", own.id],
  ]);
});
