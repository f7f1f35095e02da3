import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { isEventFor, type TableEvent } from "../src/core/event_outbox.ts";
import { toPushEvent } from "../src/notify/outbox_relay.ts";
import { formatSseFrame } from "../src/notify/sse_notification_backend.ts";
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
    "task_created>(observers)",
    "task_available>bob",
    "task_available>carol",
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

/** `count` raw events: every third for everyone but alice, the rest for bob or carol. */
function flood(t: { db: DatabaseSync; clock: { now(): number } }, count: number): void {
  const insert = t.db.prepare(
    "INSERT INTO events (at, recipient, except_agent, type, payload) VALUES (?, ?, ?, ?, '{}')",
  );
  t.db.exec("BEGIN");
  for (let i = 0; i < count; i++) {
    const [recipient, except] = i % 3 === 0
      ? ["*", "alice"]
      : [i % 3 === 1 ? "bob" : "carol", null];
    insert.run(t.clock.now(), recipient, except, "broadcast");
  }
  t.db.exec("COMMIT");
}

Deno.test("an agent's events are read in pages by index, each page at most its size", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  flood(t, 3_000);
  const everything = t.table.events.after(0, 10_000);
  for (const agent of ["bob", "ALICE"]) {
    const expected = everything.filter((e) => isEventFor(e, agent)).map((e) => e.id);
    const read: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = t.table.events.forAgent(agent, cursor, 500);
      assert.ok(page.length <= 500);
      if (page.length === 0) break;
      read.push(...page.map((e) => e.id));
      cursor = page.at(-1)?.id ?? cursor;
    }
    assert.deepEqual(read, expected, agent);
  }
});

Deno.test("a resume replays at most the newest N events and counts the ones it skips", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  flood(t, 3_000);
  const bobs = t.table.events.after(0, 10_000).filter((e) => isEventFor(e, "bob"));
  assert.equal(bobs.length, 2_000);
  const replay = t.table.events.replayFor("bob", 0, 500);
  assert.deepEqual(replay.events.map((e) => e.id), bobs.slice(-500).map((e) => e.id));
  assert.equal(replay.skipped, 1_500);
  assert.equal(replay.skippedMore, false);
  const capped = t.table.events.replayFor("bob", 0, 500, 1_000);
  assert.deepEqual([capped.skipped, capped.skippedMore], [1_000, true]);
  // a resume within reach replays everything after it, and skips nothing
  const recent = bobs.at(-300)?.id ?? 0;
  const near = t.table.events.replayFor("bob", recent, 500);
  assert.deepEqual(near.events.map((e) => e.id), bobs.slice(-299).map((e) => e.id));
  assert.deepEqual([near.skipped, near.skippedMore], [0, false]);
});

Deno.test("a resume replays at most maxBytes of frames (the newest that fit) and counts the rest", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const insert = t.db.prepare(
    "INSERT INTO events (at, recipient, except_agent, type, payload) VALUES (?, ?, NULL, ?, ?)",
  );
  t.db.exec("BEGIN");
  for (let i = 0; i < 400; i++) {
    const content = `${i} ${"x".repeat(i % 2 === 0 ? 10_000 : 100)}`;
    insert.run(
      t.clock.now(),
      i % 4 === 3 ? "carol" : "*",
      "broadcast",
      JSON.stringify({ content }),
    );
  }
  t.db.exec("COMMIT");
  const bobs = t.table.events.after(0, 10_000).filter((e) => isEventFor(e, "bob"));
  assert.equal(bobs.length, 300);
  const encoder = new TextEncoder();
  const bytesOf = (events: TableEvent[]) =>
    events.reduce((n, e) => n + encoder.encode(formatSseFrame(toPushEvent(e))).byteLength, 0);
  const bound = 200_000;
  const replay = t.table.events.replayFor("bob", 0, 500, 10_000, bound);
  assert.ok(bytesOf(replay.events) <= bound, `${bytesOf(replay.events)} bytes`);
  const kept = replay.events.length;
  assert.ok(kept > 20 && kept < 300, `${kept}`);
  assert.deepEqual(replay.events.map((e) => e.id), bobs.slice(-kept).map((e) => e.id));
  const oneMore = bobs.slice(-kept - 1);
  assert.ok(bytesOf(oneMore) > bound - 5_000, "as many as fit, give or take the frames' overhead");
  assert.deepEqual([replay.skipped, replay.skippedMore], [300 - kept, false]);
  // Both bounds: the count keeps fewer here, and the older ones are counted as before.
  const counted = t.table.events.replayFor("bob", 0, 10, 10_000, bound);
  assert.deepEqual([counted.events.length, counted.skipped], [10, 290]);
  const capped = t.table.events.replayFor("bob", 0, 500, 100, bound);
  assert.deepEqual([capped.skipped, capped.skippedMore], [100, true]);
  // A bound smaller than the newest frame replays nothing and counts everything.
  const none = t.table.events.replayFor("bob", 0, 500, 10_000, 50);
  assert.deepEqual([none.events.length, none.skipped], [0, 300]);
});
