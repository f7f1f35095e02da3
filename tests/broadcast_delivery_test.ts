/**
 * A broadcast is one row when sent, and each member's copy is written when that member next
 * changes its inbox: every member of the moment still reads, archives, replies to and counts it
 * as its own, a newcomer never sees it, and a retraction or a purge does not bring it back.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { ValidationError } from "../src/core/errors.ts";
import { grantAndJoin, tempTeam, testSession } from "./support/temp_table.ts";

const alice = agentActor("alice");
const bob = agentActor("bob");
const carol = agentActor("carol");
const dave = agentActor("dave");

Deno.test("a broadcast reaches the members of the moment, each with its own copy", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const m = t.table.messages;
  const sent = m.broadcast({ by: alice, content: "standup moved to ten" });
  assert.equal(sent.recipients, 2);
  t.table.members.register({ name: "dave", session: testSession("dave") });

  // Counted unread before any copy is written; the sender and the newcomer have none.
  assert.equal(m.unreadCount("bob"), 1);
  assert.deepEqual(m.unreadSummary("bob").preview?.map((p) => [p.id, p.broadcast]), [
    [sent.message.id, true],
  ]);
  assert.deepEqual(m.peek("bob").map((x) => [x.id, x.unread]), [[sent.message.id, true]]);
  assert.equal(m.oldestUnreadAt("bob"), t.clock.now());
  for (const who of ["alice", "dave"]) {
    assert.equal(m.unreadCount(who), 0, who);
    assert.deepEqual(m.peek(who), [], who);
  }
  assert.deepEqual(m.inbox({ by: dave, includeRead: true }).messages, [], "not dave's");
  assert.deepEqual(t.table.search.search({ by: dave, query: "standup" }).results, []);
  assert.throws(() => t.table.threads.thread({ by: dave, messageId: sent.message.id }));
  assert.equal(t.table.search.search({ by: bob, query: "standup" }).results.length, 1);

  // bob archives it unread; carol still has it, replies, is told it asked for no ack, reads it.
  m.archive({ by: bob, messageId: sent.message.id });
  assert.equal(m.unreadCount("bob"), 0);
  assert.equal(m.unreadCount("carol"), 1);
  assert.throws(
    () => m.acknowledge({ by: carol, messageId: sent.message.id }),
    (e: unknown) => e instanceof ValidationError && /did not ask for an ack/.test(e.message),
  );
  m.send({ by: carol, recipient: "alice", content: "ok", replyTo: sent.message.id });
  const read = m.inbox({ by: carol });
  assert.deepEqual(read.messages.map((x) => [x.id, x.unread]), [[sent.message.id, true]]);
  assert.equal(m.unreadCount("carol"), 0);
  assert.deepEqual(
    m.inbox({ by: bob, includeRead: true, includeArchived: true }).messages.map((x) => x.archived),
    [true],
  );
});

Deno.test("a retracted or cleared broadcast stays gone; ids never go back after a purge", () => {
  using t = tempTeam(["alice", "bob"], { lead: "lead1" });
  const m = t.table.messages;
  const retracted = m.broadcast({ by: alice, content: "wrong room" });
  m.delete({ by: alice, messageId: retracted.message.id });
  assert.equal(m.unreadCount("bob"), 0);
  assert.deepEqual(m.inbox({ by: bob }).messages, []);
  const cleared = m.broadcast({ by: alice, content: "old news" });
  assert.equal(m.clearInbox({ by: bob }), 1);
  assert.equal(m.unreadCount("bob"), 0);
  assert.deepEqual(m.inbox({ by: bob }).messages, []);

  t.clock.advance(1_000);
  assert.equal(m.purge({ by: agentActor("lead1"), before: t.clock.now() }) >= 2, true);
  grantAndJoin(t, "erin", "agent");
  const after = m.broadcast({ by: alice, content: "after the purge" });
  assert.ok(after.message.id > cleared.message.id, "a purged id is not given again");
  assert.deepEqual(m.inbox({ by: bob }).messages.map((x) => x.content), ["after the purge"]);
  assert.deepEqual(m.inbox({ by: agentActor("erin") }).messages.map((x) => x.content), [
    "after the purge",
  ]);
});
