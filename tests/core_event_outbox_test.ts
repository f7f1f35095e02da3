import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { isEventFor } from "../src/core/event_outbox.ts";
import { grantAndJoin, tempTeam } from "./support/temp_table.ts";

function summary(events: { type: string; recipient: string; except: string | null }[]) {
  return events.map((e) => `${e.type}>${e.recipient}${e.except ? `-${e.except}` : ""}`);
}

Deno.test("changes write events in the same transaction, addressed to who should hear", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "hi" });
  t.table.messages.broadcast({ by: agentActor("bob"), content: "all" });
  const open = t.table.tasks.create({ title: "open", by: agentActor("alice") });
  const mine = t.table.tasks.create({ title: "mine", by: agentActor("alice"), assignee: "carol" });
  t.table.tasks.claim({ taskId: open.id, by: agentActor("bob") });
  t.table.tasks.update({ taskId: open.id, by: agentActor("bob"), status: "done" });
  t.table.tasks.update({ taskId: mine.id, by: agentActor("alice"), status: "blocked" });
  assert.deepEqual(summary(t.table.events.after(0)), [
    "message>bob",
    "broadcast>*-bob",
    "task_available>carol",
    "task_available>bob",
    "task_created>carol",
    "task_claimed>alice",
    "task_updated>alice",
    "task_updated>carol",
  ]);
  const bobs = t.table.events.forAgent("BOB", 0);
  assert.deepEqual(bobs.map((e) => e.type), ["message", "task_available"]);
  const updated = t.table.events.after(0).at(-2)!;
  assert.deepEqual(
    [updated.payload["by"], updated.payload["from"], updated.payload["to"]],
    ["bob", "in_progress", "done"],
  );
});

Deno.test("a refused change writes no event", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const task = t.table.tasks.create({ title: "x", by: agentActor("alice"), assignee: "bob" });
  const before = t.table.events.latestId();
  assert.throws(() => t.table.tasks.claim({ taskId: task.id, by: agentActor("carol") }));
  assert.throws(() =>
    t.table.messages.send({ by: agentActor("alice"), recipient: "nobody", content: "x" })
  );
  assert.equal(t.table.events.latestId(), before);
});

Deno.test("an admin claiming someone's task tells the named assignee", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  grantAndJoin(t, "boss", "admin");
  const task = t.table.tasks.create({ title: "x", by: agentActor("alice"), assignee: "bob" });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("boss") });
  assert.deepEqual(summary(t.table.events.after(1)), ["task_claimed>alice", "task_claimed>bob"]);
});

Deno.test("isEventFor and prune", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  t.table.messages.broadcast({ by: agentActor("alice"), content: "x" });
  const [event] = t.table.events.after(0);
  assert.ok(event);
  assert.equal(isEventFor(event, "Alice"), false);
  assert.equal(isEventFor(event, "bob"), true);
  t.clock.advance(1_000);
  t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "y" });
  assert.equal(t.table.events.prune(t.clock.now()), 1);
  assert.deepEqual(t.table.events.after(0).map((e) => e.type), ["message"]);
});
