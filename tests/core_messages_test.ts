import { agentActor } from "../src/core/actor.ts";
import { toMessage } from "../src/core/messages/message.ts";
import assert from "node:assert/strict";
import { ForbiddenError, RateLimitError } from "../src/core/errors.ts";
import { LIMITS } from "../src/core/limits.ts";
import { grantAndJoin, snapshot, tempTable, tempTeam, testSession } from "./support/temp_table.ts";

Deno.test("direct messages are read once: get_messages marks them read", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const m = t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "hello" });
  assert.equal(t.table.messages.unreadSummary("bob").count, 1);
  const first = t.table.messages.inbox({ by: agentActor("bob") });
  assert.deepEqual(first.messages.map((x) => [x.id, x.unread]), [[m.id, true]]);
  assert.equal(first.unread_remaining, 0);
  assert.equal(t.table.messages.inbox({ by: agentActor("bob") }).messages.length, 0);
  const history = t.table.messages.inbox({ by: agentActor("bob"), includeRead: true });
  assert.deepEqual(history.messages.map((x) => [x.id, x.unread]), [[m.id, false]]);
  assert.equal(t.table.messages.inbox({ by: agentActor("alice") }).messages.length, 0);
});

Deno.test("unread paging: the oldest come first and the rest stay unread", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  for (let i = 0; i < 5; i++) {
    t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: `m${i}` });
  }
  const page = t.table.messages.inbox({ by: agentActor("bob"), limit: 2 });
  assert.deepEqual(page.messages.map((m) => m.content), ["m0", "m1"]);
  assert.equal(page.unread_remaining, 3);
  const summary = t.table.messages.unreadSummary("bob");
  assert.equal(summary.count, 3);
  assert.deepEqual(summary.preview?.map((p) => p.excerpt), ["m4", "m3", "m2"]);
});

Deno.test("an agent that deregistered still receives; its mail waits", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  t.table.members.deregister(agentActor("carol"));
  t.table.messages.send({ by: agentActor("alice"), recipient: "carol", content: "for later" });
  const b = t.table.messages.broadcast({ by: agentActor("alice"), content: "all hands" });
  assert.equal(b.recipients, 2, "bob and carol, not the sender");
  t.table.members.register({ session: testSession("carol"), name: "carol" });
  assert.deepEqual(
    t.table.messages.inbox({ by: agentActor("carol") }).messages.map((m) => m.content),
    ["for later", "all hands"],
  );
});

Deno.test("sending to a name that never registered is an error naming close names", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.messages.send({ by: agentActor("alice"), recipient: "bobb", content: "x" }),
    /recipient: no agent named 'bobb' has ever registered\. Did you mean 'bob'\?/,
  );
  assert.equal(snapshot(t.db), before);
});

Deno.test("broadcast state is per agent: read, archive, delete and clear touch one copy", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const { message } = t.table.messages.broadcast({ by: agentActor("alice"), content: "news" });
  t.table.messages.inbox({ by: agentActor("bob") });
  assert.equal(t.table.messages.unreadSummary("bob").count, 0);
  assert.equal(t.table.messages.unreadSummary("carol").count, 1, "bob reading it is bob's");
  const removed = t.table.messages.delete({ messageId: message.id, by: agentActor("bob") });
  assert.deepEqual(removed, { message_id: message.id, scope: "inbox", already: false });
  assert.equal(t.table.messages.unreadSummary("carol").count, 1, "bob deleting it is bob's");
  assert.equal(t.table.messages.clearInbox({ by: agentActor("carol") }), 1);
  assert.equal(t.table.messages.unreadSummary("carol").count, 0);
  const bobAll = t.table.messages.inbox({ by: agentActor("bob"), includeRead: true });
  assert.equal(bobAll.messages.length, 0, "archived copies are hidden");
  const bobArchived = t.table.messages.inbox({
    by: agentActor("bob"),
    includeRead: true,
    includeArchived: true,
  });
  assert.deepEqual(bobArchived.messages.map((m) => [m.id, m.archived]), [[message.id, true]]);
});

Deno.test("archive marks read; delete leaves read state alone; both hide from unread", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const a = t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "a" });
  const d = t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "d" });
  t.table.messages.archive({ messageId: a.id, by: agentActor("bob") });
  t.table.messages.delete({ messageId: d.id, by: agentActor("bob") });
  assert.equal(t.table.messages.unreadSummary("bob").count, 0, "archived never count as unread");
  const all = t.table.messages.inbox({ by: agentActor("bob"), includeArchived: true });
  assert.deepEqual(all.messages.map((m) => [m.content, m.unread, m.archived]), [["d", true, true]]);
  const again = t.table.messages.archive({ messageId: a.id, by: agentActor("bob") });
  assert.equal(again.already, true);
});

Deno.test("only the sender or a recipient may delete; the sender retracts for everyone", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const m = t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "oops" });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.messages.delete({ messageId: m.id, by: agentActor("carol") }),
    (e: unknown) =>
      e instanceof ForbiddenError &&
      /only its sender \('alice'\) or its recipients may/.test(e.message),
  );
  assert.equal(snapshot(t.db), before);
  const retracted = t.table.messages.delete({ messageId: m.id, by: agentActor("alice") });
  assert.equal(retracted.scope, "everyone");
  assert.equal(t.table.messages.unreadSummary("bob").count, 0);
});

Deno.test("an admin or lead may delete any message", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  grantAndJoin(t, "boss", "admin");
  const m = t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "spam" });
  assert.equal(
    t.table.messages.delete({ messageId: m.id, by: agentActor("boss") }).scope,
    "everyone",
  );
  assert.equal(t.table.messages.unreadSummary("bob").count, 0);
});

Deno.test("clear_inbox filters by date and sender and returns the count", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  t.table.messages.send({ by: agentActor("alice"), recipient: "carol", content: "old from alice" });
  t.table.messages.send({ by: agentActor("bob"), recipient: "carol", content: "old from bob" });
  t.clock.advance(3_600_000);
  const cutoff = t.clock.now();
  t.table.messages.send({ by: agentActor("alice"), recipient: "carol", content: "new from alice" });
  assert.equal(
    t.table.messages.clearInbox({ by: agentActor("carol"), before: cutoff, sender: "alice" }),
    1,
  );
  assert.deepEqual(
    t.table.messages.inbox({ by: agentActor("carol") }).messages.map((m) => m.content),
    ["old from bob", "new from alice"],
  );
  assert.equal(
    t.table.messages.clearInbox({ by: agentActor("carol") }),
    2,
    "read ones are archived too",
  );
  assert.equal(
    t.table.messages.clearInbox({ by: agentActor("carol") }),
    0,
    "nothing left to clear",
  );
});

Deno.test("purge hard-deletes before a date, admin/lead only, and keeps audit rows", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  grantAndJoin(t, "lead1", "lead");
  const old = t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "old" });
  t.clock.advance(10_000);
  const cutoff = t.clock.now();
  t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "new" });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.messages.purge({ by: agentActor("alice"), before: cutoff }),
    /'alice' may not purge messages: role 'agent' lacks the privilege purge_messages \(roles with it: admin, lead\)/,
  );
  assert.equal(snapshot(t.db), before);
  assert.equal(t.table.messages.purge({ by: agentActor("lead1"), before: cutoff }), 1);
  const left = t.table.messages.inbox({
    by: agentActor("bob"),
    includeRead: true,
    includeArchived: true,
  });
  assert.deepEqual(left.messages.map((m) => m.content), ["new"]);
  const sentAudit = t.table.audit.query({ action: "message.sent" });
  assert.ok(sentAudit.some((e) => e.target === String(old.id)), "audit of a purged message stays");
  assert.equal(t.table.audit.query({ action: "messages.purged" })[0]?.details["count"], 1);
});

Deno.test("rate limit: 30 messages per sender per 60 s, counted in the database", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  for (let i = 0; i < LIMITS.messagesPerWindow - 1; i++) {
    t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: `${i}` });
    t.clock.advance(100);
  }
  t.table.messages.broadcast({ by: agentActor("alice"), content: "the 30th counts too" });
  const first = t.clock.now() - 29 * 100;
  t.clock.advance(1_000);
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "31st" }),
    (e: unknown) =>
      e instanceof RateLimitError && e.retryAt === first + 60_000 &&
      /has sent 30 messages .* in the last 60 s.*Try again in 57 s/.test(e.message),
  );
  assert.equal(snapshot(t.db), before, "a refused message is not stored");
  t.table.messages.send({
    by: agentActor("bob"),
    recipient: "alice",
    content: "others are not limited",
  });
  t.clock.advance(first + 60_000 - t.clock.now());
  t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "allowed again" });
});

Deno.test("a message may link to a task; an unknown task id is an error", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const task = t.table.tasks.create({ title: "x", by: agentActor("alice") });
  const m = t.table.messages.send({
    by: agentActor("alice"),
    recipient: "bob",
    content: "see task",
    taskId: task.id,
  });
  assert.equal(m.task_id, task.id);
  assert.throws(
    () =>
      t.table.messages.send({
        by: agentActor("alice"),
        recipient: "bob",
        content: "x",
        taskId: 999,
      }),
    /task_id: no task with id 999/,
  );
});

Deno.test("the rate limit is configurable (TEAM_TABLE_RATE_LIMIT); 0 turns it off", () => {
  using strict = tempTable({ rateLimit: 2 });
  for (const name of ["alice", "bob"]) {
    strict.table.members.register({ name, session: testSession(name) });
  }
  strict.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "1" });
  strict.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "2" });
  assert.throws(
    () => strict.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "3" }),
    /has sent 2 messages/,
  );
  using open = tempTable({ rateLimit: 0 });
  for (const name of ["alice", "bob"]) {
    open.table.members.register({ name, session: testSession(name) });
  }
  for (let i = 0; i < 100; i++) {
    open.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: `${i}` });
  }
  assert.equal(open.table.messages.unreadSummary("bob").count, 100);
});

Deno.test("a sent message is what reading it back gives, thread and reply included", () => {
  using t = tempTeam(["alice", "bob"]);
  const first = t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "a" });
  const reply = t.table.messages.send({
    by: agentActor("bob"),
    recipient: "alice",
    content: "b",
    replyTo: first.id,
    ackRequired: true,
  });
  const stored = (id: number) =>
    toMessage(t.db.prepare("SELECT * FROM messages WHERE id = ?").get(id)!);
  assert.deepEqual(first, stored(first.id));
  assert.deepEqual(reply, stored(reply.id));
  assert.equal(reply.thread_id, first.id);
  assert.equal(
    t.db.prepare("SELECT thread_id FROM messages WHERE id = ?").get(first.id)?.["thread_id"],
    first.id,
  );
});
