import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { tempTable, testSession } from "./support/temp_table.ts";

Deno.test("share_context versions each key and records who set it", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.table.members.register({ session: testSession("bob"), name: "bob" });
  assert.equal(t.table.context.share({ key: "k", value: "1", by: agentActor("alice") }).version, 1);
  const second = t.table.context.share({ key: "k", value: "2", by: agentActor("bob") });
  assert.deepEqual([second.value, second.version, second.set_by, second.ns], [
    "2",
    2,
    "bob",
    "default",
  ]);
  t.table.context.share({ key: "a", value: "", by: agentActor("bob") });
  assert.deepEqual(t.table.context.list().map((e) => e.key), ["a", "k"]);
  assert.throws(() => t.table.context.get({ key: "nope" }), /key: nothing is shared under 'nope'/);
});

Deno.test("every state change writes an audit row in its own transaction", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.table.members.register({ session: testSession("bob"), name: "bob" });
  const m = t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "x" });
  t.table.messages.inbox({ by: agentActor("bob") });
  t.table.messages.archive({ messageId: m.id, by: agentActor("bob") });
  t.table.messages.broadcast({ by: agentActor("bob"), content: "y" });
  t.table.messages.clearInbox({ by: agentActor("alice") });
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("bob") });
  t.table.tasks.update({ taskId: task.id, by: agentActor("bob"), status: "done" });
  t.table.context.share({ key: "k", value: "v", by: agentActor("alice") });
  t.table.members.deregister(agentActor("bob"));
  assert.deepEqual(t.table.audit.query().map((e) => e.action).reverse(), [
    "member.registered",
    "member.registered",
    "message.sent",
    "messages.read",
    "message.archived",
    "message.broadcast",
    "inbox.cleared",
    "task.created",
    "task.claimed",
    "task.updated",
    "context.shared",
    "member.deregistered",
  ]);
  const failed = () => t.table.tasks.claim({ taskId: task.id, by: agentActor("alice") });
  assert.throws(failed);
  assert.equal(t.table.audit.query({ action: "task.claimed" }).length, 1, "no row for a refusal");
});

Deno.test("the audit log is append-only: UPDATE and DELETE are refused by triggers", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  assert.throws(() => t.db.exec("UPDATE audit_log SET action = 'x'"), /append-only/);
  assert.throws(() => t.db.exec("DELETE FROM audit_log"), /append-only/);
  assert.equal(t.table.audit.query().length, 1);
});

Deno.test("audit query filters by agent, action prefix, time and limit", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  t.clock.advance(60_000);
  const since = t.clock.now();
  t.table.members.register({ session: testSession("bob"), name: "bob" });
  t.table.context.share({ key: "k", value: "v", by: agentActor("bob") });
  assert.deepEqual(t.table.audit.query({ agent: "BOB" }).map((e) => e.action), [
    "context.shared",
    "member.registered",
  ]);
  assert.equal(t.table.audit.query({ action: "member.*" }).length, 2);
  assert.equal(t.table.audit.query({ since }).length, 2);
  assert.equal(t.table.audit.query({ limit: 1 }).length, 1);
  assert.equal(t.table.audit.query({ action: "member%" }).length, 0, "no LIKE injection");
});
