/**
 * Work finds workers: a task that becomes available to anyone is pushed (task_available) to a
 * few online members whose role may take it, idle ones first, never to everyone.
 */
import assert from "node:assert/strict";
import { FOR_OBSERVERS } from "../src/core/event_outbox.ts";
import { agentActor } from "../src/core/actor.ts";
import { LIMITS } from "../src/core/limits.ts";
import { type TempTable, tempTable, testSession } from "./support/temp_table.ts";

function join(t: TempTable, name: string, role: string): void {
  t.table.members.register({ name, role, session: testSession(name) });
}

/** Who was told, after event `mark`, that a task is free to take: "#id why>name". */
function offers(t: TempTable, mark: number): string[] {
  return t.table.events.after(mark).filter((e) => e.type === "task_available").map((e) =>
    `#${(e.payload["task"] as { id: number }).id} ${String(e.payload["why"])}>${e.recipient}`
  );
}

Deno.test("a new task for anyone is offered to a few online members whose role prefers it, idle first", () => {
  using t = tempTable();
  join(t, "lead", "agent");
  for (const name of ["c1", "c2", "c3", "c4"]) join(t, name, "coder");
  join(t, "rev", "reviewer");
  join(t, "gone", "coder");
  t.table.members.deregister(agentActor("gone"));
  const busy = t.table.tasks.create({ title: "busy", by: agentActor("lead"), assignee: "c1" });
  t.table.tasks.claim({ taskId: busy.id, by: agentActor("c1") });
  const mark = t.table.events.latestId();
  const task = t.table.tasks.create({ title: "code", type: "implement", by: agentActor("lead") });
  const told = offers(t, mark);
  assert.equal(told.length, LIMITS.workOfferMax);
  assert.ok(told.every((line) => line.startsWith(`#${task.id} created>`)));
  const names = told.map((line) => line.split(">")[1]);
  assert.ok(names.every((n) => ["c2", "c3", "c4"].includes(n!)), "idle coders, not busy c1");
  assert.ok(!names.includes("rev") && !names.includes("lead") && !names.includes("gone"));
  assert.deepEqual(
    t.table.events.after(mark).filter((e) => e.type === "task_created").map((e) => e.recipient),
    [FOR_OBSERVERS],
    "no task_created to everyone: only the web view's stream hears of it",
  );
});

Deno.test("busy members are not told (they ask when they finish); an assigned task is offered to nobody", () => {
  using t = tempTable();
  join(t, "lead", "agent");
  for (const name of ["c1", "c2"]) join(t, name, "coder");
  const own = t.table.tasks.create({ title: "own", by: agentActor("lead"), assignee: "c1" });
  t.table.tasks.claim({ taskId: own.id, by: agentActor("c1") });
  let mark = t.table.events.latestId();
  const next = t.table.tasks.create({ title: "more", type: "implement", by: agentActor("lead") });
  assert.deepEqual(offers(t, mark), [`#${next.id} created>c2`]);
  mark = t.table.events.latestId();
  t.table.tasks.create({ title: "theirs", by: agentActor("lead"), assignee: "c2" });
  assert.deepEqual(offers(t, mark), []);
});

Deno.test("a thousand members online: a bounded few are told", () => {
  using t = tempTable();
  for (let i = 0; i < 1_000; i++) {
    t.table.members.register({ name: `a${i}`, session: testSession(`a${i}`) });
  }
  const mark = t.table.events.latestId();
  t.table.tasks.create({ title: "one", by: agentActor("a0") });
  assert.equal(offers(t, mark).length, LIMITS.workOfferMax);
});

Deno.test("a task is offered when its last blocker is done, when given back, and when its files free up", () => {
  using t = tempTable();
  join(t, "lead", "agent");
  for (const name of ["c1", "c2"]) join(t, name, "coder");
  const first = t.table.tasks.create({ title: "first", type: "implement", by: agentActor("lead") });
  const then = t.table.tasks.create({
    title: "then",
    type: "implement",
    by: agentActor("lead"),
    blockedBy: [first.id],
  });
  // The blocked one is not offered at its creation.
  assert.ok(offers(t, 0).every((line) => !line.startsWith(`#${then.id} `)));
  t.table.taskLeases.claim({ taskId: first.id, by: agentActor("c1") });
  t.table.tasks.update({ taskId: first.id, by: agentActor("c1"), status: "awaiting_review" });
  let mark = t.table.events.latestId();
  t.table.tasks.update({ taskId: first.id, by: agentActor("lead"), status: "done" });
  assert.deepEqual(offers(t, mark).map((l) => l.split(">")[0]), [
    `#${then.id} unblocked`,
    `#${then.id} unblocked`,
  ]);

  // c2 holds the files a new task declares: not offered until c2 hands its own task over.
  const c2s = t.table.taskLeases.create({
    title: "c2's",
    by: agentActor("lead"),
    assignee: "c2",
    paths: ["src/a.ts"],
  }).task;
  t.table.taskLeases.claim({ taskId: c2s.id, by: agentActor("c2") });
  mark = t.table.events.latestId();
  const waiting = t.table.taskLeases.create({
    title: "waits for a.ts",
    type: "implement",
    by: agentActor("lead"),
    paths: ["src/*.ts"],
  }).task;
  assert.deepEqual(offers(t, mark), []);
  mark = t.table.events.latestId();
  t.table.tasks.update({ taskId: c2s.id, by: agentActor("c2"), status: "awaiting_review" });
  assert.deepEqual(t.table.leases.list({ agent: "c2" }), [], "the hand-over ended c2's leases");
  // c2 first: its hand-over's result says the task is next for it.
  assert.deepEqual(offers(t, mark), [
    `#${waiting.id} paths freed>c2`,
    `#${waiting.id} paths freed>c1`,
  ]);

  // c1 takes it and leaves the table: it goes back to pending and is offered again.
  t.table.taskLeases.claim({ taskId: waiting.id, by: agentActor("c1") });
  mark = t.table.events.latestId();
  t.table.departures.deregister(agentActor("c1"));
  assert.ok(offers(t, mark).includes(`#${waiting.id} released>c2`));
});

Deno.test("a review sent back stays its assignee's: nobody else is offered it", () => {
  using t = tempTable();
  join(t, "lead", "agent");
  for (const name of ["c1", "c2"]) join(t, name, "coder");
  join(t, "rev", "reviewer");
  const task = t.table.tasks.create({ title: "x", type: "implement", by: agentActor("lead") });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("c1") });
  t.table.tasks.update({ taskId: task.id, by: agentActor("c1"), status: "awaiting_review" });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("rev") });
  const mark = t.table.events.latestId();
  t.table.tasks.update({ taskId: task.id, by: agentActor("rev"), status: "pending" });
  assert.deepEqual(offers(t, mark), []);
});

Deno.test("files freed find the tasks that wait for them by index, reading a bounded number", () => {
  // The attacker's shapes: 200 tasks x 10 slow globs under y/ made one release take 17-25 s,
  // and 100 x 100 of them 15-20 s for the release of an unrelated src/main.ts.
  using t = tempTable();
  join(t, "lead", "agent");
  join(t, "c1", "coder");
  const lead = agentActor("lead");
  const slow = (i: number, k: number) =>
    "y/**/" + "{a,?}/".repeat(5) + "?/".repeat(23) + `d${i}_${k}`;
  for (let i = 0; i < 6; i++) {
    const paths = Array.from({ length: 100 }, (_, k) => slow(i, k));
    t.table.taskLeases.create({ title: `slow ${i}`, by: lead, priority: "low", paths });
  }
  const main = t.table.taskLeases.create({ title: "main", by: lead, paths: ["src/main.ts"] });
  const y = t.table.taskLeases.create({ title: "y", by: lead, priority: "high", paths: ["y/**"] });
  const docs = t.table.taskLeases.create({ title: "docs", by: lead, paths: ["docs/*.md"] });
  // only the declared paths near the freed file are read: none of the 600 under y/
  assert.deepEqual(t.table.offers.offerFreed(["src/main.ts"], lead), {
    read: 1,
    offered: [main.task.id],
  });
  assert.deepEqual(t.table.offers.offerFreed(["docs/a/b.md"], lead), { read: 1, offered: [] });
  assert.deepEqual(t.table.offers.offerFreed(["lib/x.ts"], lead), { read: 0, offered: [] });
  assert.deepEqual(t.table.offers.offerFreed(["docs/a.md"], lead).offered, [docs.task.id]);
  // a deep file under y/: at most 500 declared paths read, the highest priority among them
  const deep = "y/" + "a/".repeat(250) + "f0";
  const freed = t.table.offers.offerFreed([deep], lead);
  assert.equal(freed.read, LIMITS.workOfferPathsReadMax);
  assert.equal(freed.offered[0], y.task.id, "high priority first");
  assert.ok(freed.offered.length <= LIMITS.workOffersPerRelease, `${freed.offered.length}`);
});
