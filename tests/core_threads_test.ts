import assert from "node:assert/strict";
import { agentActor, humanActor } from "../src/core/actor.ts";
import { ForbiddenError, ValidationError } from "../src/core/errors.ts";
import { compileRule } from "../src/core/rules/rule_definition.ts";
import { snapshot, tempTable, testSession } from "./support/temp_table.ts";

const alice = agentActor("alice");
const bob = agentActor("bob");
const carol = agentActor("carol");

function trio(options: Parameters<typeof tempTable>[0] = {}) {
  const t = tempTable(options);
  for (const name of ["alice", "bob", "carol"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  return t;
}

Deno.test("replies join the thread, keep its subject, and show who read each", () => {
  using t = trio();
  const { messages, threads } = t.table;
  const start = messages.send({
    by: alice,
    recipient: "bob",
    content: "Can you take the SSE bug?",
    subject: "SSE bug",
  });
  assert.equal(start.thread_id, start.id);
  assert.equal(start.reply_to, null);
  const reply = messages.send({ by: bob, recipient: "alice", content: "Yes", replyTo: start.id });
  assert.deepEqual([reply.thread_id, reply.reply_to, reply.subject], [
    start.id,
    start.id,
    "SSE bug",
  ]);
  const again = messages.send({
    by: alice,
    recipient: "bob",
    content: "Thanks",
    replyTo: reply.id,
  });
  assert.equal(again.thread_id, start.id);
  messages.inbox({ by: bob });
  const thread = threads.thread({ by: alice, messageId: again.id });
  assert.equal(thread.subject, "SSE bug");
  assert.deepEqual(thread.messages.map((m) => [m.id, m.read_by]), [
    [start.id, ["bob"]],
    [reply.id, []],
    [again.id, ["bob"]],
  ]);
  assert.equal(thread.more, 0);
  const badge = t.table.messages.unreadSummary("alice").preview?.[0];
  assert.equal(badge?.subject, "SSE bug");
});

Deno.test("a third agent sees only the thread messages it sent or received", () => {
  using t = trio();
  const { messages, threads } = t.table;
  const start = messages.send({ by: alice, recipient: "bob", content: "private plan" });
  const all = messages.broadcast({ by: bob, content: "team update", replyTo: start.id }).message;
  assert.equal(all.thread_id, start.id);
  const view = threads.thread({ by: carol, messageId: all.id });
  assert.deepEqual(view.messages.map((m) => m.id), [all.id], "not alice's direct message");
  const before = snapshot(t.db);
  assert.throws(() => threads.thread({ by: carol, messageId: start.id }), ForbiddenError);
  assert.throws(
    () => messages.send({ by: carol, recipient: "alice", content: "hi", replyTo: start.id }),
    (e: unknown) => e instanceof ForbiddenError && e.message.startsWith("reply_to: "),
  );
  assert.equal(snapshot(t.db), before, "a refused reply changes nothing");
  const operator = threads.thread({ by: humanActor("ops"), messageId: start.id });
  assert.equal(operator.messages.length, 2, "the operator sees the whole thread");
});

Deno.test("acknowledgements: reading is not acknowledging; direct and broadcast state", () => {
  using t = trio();
  const { messages, threads } = t.table;
  const task = t.table.tasks.create({ by: alice, title: "Deploy" });
  const direct = messages.send({
    by: alice,
    recipient: "bob",
    content: "Freeze merges",
    ackRequired: true,
    taskId: task.id,
  });
  messages.inbox({ by: bob });
  assert.deepEqual(
    threads.pendingAcks({ by: bob }).owed_by_me.map((p) => p.message_id),
    [direct.id],
    "read, still owed",
  );
  t.clock.advance(60_000);
  const owed = threads.pendingAcks({ by: alice }).owed_to_me;
  assert.deepEqual(
    owed.map((p) => [p.message_id, p.recipient, p.age_s, p.acknowledged, p.pending]),
    [[direct.id, "bob", 60, [], ["bob"]]],
  );
  const ack = messages.acknowledge({ by: bob, messageId: direct.id, note: "frozen" });
  assert.equal(ack.already, false);
  assert.equal(messages.acknowledge({ by: bob, messageId: direct.id }).already, true);
  assert.deepEqual(threads.pendingAcks({ by: alice }).owed_to_me, []);
  const event = t.table.events.forAgent("alice", 0).find((e) => e.type === "message_acknowledged");
  assert.equal(event?.payload["note"], "frozen");
  const feed = t.table.tasks.detail(task.id).feed;
  assert.ok(feed.includes(`acknowledged message #${direct.id} from alice: frozen`));
  assert.equal(t.table.audit.query({ action: "message.acknowledged" }).length, 1);

  const all = messages.broadcast({ by: alice, content: "Release at 5", ackRequired: true });
  messages.acknowledge({ by: carol, messageId: all.message.id });
  const view = threads.thread({ by: alice, messageId: all.message.id }).messages[0];
  assert.deepEqual(view?.acks?.acknowledged.map((a) => a.agent), ["carol"]);
  assert.deepEqual(view?.acks?.pending, ["bob"]);
  const awaited = threads.pendingAcks({ by: alice }).owed_to_me;
  assert.deepEqual(
    awaited.map((m) => [m.message_id, m.recipient, m.acknowledged, m.pending, m.pending_count]),
    [[all.message.id, null, ["carol"], ["bob"], 1]],
    "per message: who acknowledged and who has not",
  );

  const plain = messages.send({ by: alice, recipient: "bob", content: "fyi" });
  assert.throws(
    () => messages.acknowledge({ by: bob, messageId: plain.id }),
    (e: unknown) =>
      e instanceof ValidationError && /did not ask for an acknowledgement/.test(e.message),
  );
  assert.throws(() => messages.acknowledge({ by: carol, messageId: direct.id }), ValidationError);
});

Deno.test("message.ack_overdue fires once per message and recipient, after the threshold", () => {
  const rule = compileRule({
    name: "chase-acks",
    on: "message.ack_overdue",
    if: "ack.age > 10m",
    then: [{ notify: { to: "message.sender", message: "{message.recipient} owes #{message.id}" } }],
    enabled: true,
  }, "test");
  assert.equal(rule.overdueMs, 600_000);
  using t = trio({ rules: [rule] });
  const { messages } = t.table;
  const m = messages.broadcast({ by: alice, content: "Sign off", ackRequired: true }).message;
  t.clock.advance(5 * 60_000);
  messages.acknowledge({ by: bob, messageId: m.id });
  assert.equal(t.table.ruleEngine.tick(), 0, "not yet overdue");
  t.clock.advance(6 * 60_000);
  assert.equal(t.table.ruleEngine.tick(), 1, "carol is overdue; bob acknowledged");
  assert.equal(t.table.ruleEngine.tick(), 0, "once");
  const told = messages.inbox({ by: alice }).messages.map((x) => x.content);
  assert.deepEqual(told, [`carol owes #${m.id}`]);
  const fired = t.table.audit.query({ action: "rule.fired" });
  assert.equal(fired.length, 1);
  assert.equal(fired[0]?.target, "agent:carol");
});

Deno.test("an ack_overdue rule without a condition waits 15 minutes", () => {
  const rule = compileRule({
    name: "chase",
    on: "message.ack_overdue",
    then: [{ notify: "message.sender" }],
    enabled: true,
  }, "test");
  using t = trio({ rules: [rule] });
  t.table.messages.send({ by: alice, recipient: "bob", content: "ok?", ackRequired: true });
  t.clock.advance(14 * 60_000);
  assert.equal(t.table.ruleEngine.tick(), 0);
  t.clock.advance(60_000);
  assert.equal(t.table.ruleEngine.tick(), 1);
  const line = t.table.messages.inbox({ by: alice }).messages[0]?.content ?? "";
  assert.match(line, /bob has not acknowledged message #1 from alice after 15 min/);
});

Deno.test("get_messages by_thread groups a page by thread, newest thread first", () => {
  using t = trio();
  const { messages } = t.table;
  const a = messages.send({ by: alice, recipient: "bob", content: "a1", subject: "A" });
  const b = messages.send({ by: carol, recipient: "bob", content: "b1", subject: "B" });
  const a2 = messages.send({ by: alice, recipient: "bob", content: "a2", replyTo: a.id });
  const page = messages.inbox({ by: bob, byThread: true });
  assert.deepEqual(page.messages.map((m) => m.id), [a.id, a2.id, b.id]);
  assert.deepEqual(page.threads?.map((x) => [x.thread_id, x.subject, x.count]), [
    [a.id, "A", 2],
    [b.id, "B", 1],
  ]);
});

Deno.test("an ack_required broadcast stands: a member who joins later receives it and owes it", () => {
  using t = trio();
  const { messages, threads, members } = t.table;
  const notice = messages.broadcast({ by: alice, content: "No schema edits", ackRequired: true });
  const plain = messages.broadcast({ by: alice, content: "fyi" });
  messages.acknowledge({ by: bob, messageId: notice.message.id });
  messages.acknowledge({ by: carol, messageId: notice.message.id });
  t.clock.advance(60_000);
  members.register({ name: "dave", session: testSession("dave") });
  const dave = agentActor("dave");
  assert.deepEqual(
    threads.pendingAcks({ by: dave }).owed_by_me.map((p) => [p.message_id, p.age_s]),
    [[notice.message.id, 0]],
    "the late joiner owes it, asked from when it joined",
  );
  const inbox = messages.inbox({ by: dave }).messages.map((m) => m.id);
  assert.deepEqual(inbox, [notice.message.id], "only the standing notice, not the plain one");
  assert.ok(!inbox.includes(plain.message.id));
  const awaited = threads.pendingAcks({ by: alice }).owed_to_me[0];
  assert.deepEqual([awaited?.acknowledged, awaited?.pending], [["bob", "carol"], ["dave"]]);
  members.register({ name: "dave", session: testSession("dave") });
  assert.equal(threads.pendingAcks({ by: dave }).owed_by_me.length, 1, "delivered once");
  t.clock.advance(24 * 3_600_000);
  members.register({ name: "erin", session: testSession("erin") });
  assert.deepEqual(
    threads.pendingAcks({ by: agentActor("erin") }).owed_by_me,
    [],
    "a day later it no longer stands",
  );
  const retracted = messages.broadcast({ by: alice, content: "old", ackRequired: true });
  messages.delete({ by: alice, messageId: retracted.message.id }); // the sender: for everyone
  members.register({ name: "fay", session: testSession("fay") });
  assert.deepEqual(threads.pendingAcks({ by: agentActor("fay") }).owed_by_me, [], "retracted");
});
