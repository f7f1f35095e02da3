/** File leases in the core: grants, refusals, releases, and leases ending by themselves. */
import assert from "node:assert/strict";
import { agentActor, humanActor } from "../src/core/actor.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../src/core/errors.ts";
import { pathsOverlap } from "../src/core/leases/path_overlap.ts";
import { renderStatus } from "../src/cli/status_command.ts";
import { LIMITS } from "../src/core/limits.ts";
import {
  advanceLive,
  grantAndJoin,
  snapshot,
  tempTeam,
  testSession,
} from "./support/temp_table.ts";

const alice = agentActor("alice");
const bob = agentActor("bob");
const carol = agentActor("carol");

Deno.test("leases: exclusive conflicts with any overlap, all or none, each conflict named", () => {
  using t = tempTeam(["alice", "bob"]);
  const first = t.table.leases.reserve({ by: alice, paths: ["src/**/*.ts"], reason: "refactor" });
  assert.equal(first.granted, true);
  const refused = t.table.leases.reserve({ by: bob, paths: ["README.md", "src/core/a.ts"] });
  assert.equal(refused.granted, false);
  assert.deepEqual(refused.conflicts.map((c) => [c.path, c.lease.agent, c.lease.path]), [
    ["src/core/a.ts", "alice", "src/**/*.ts"],
  ]);
  assert.equal(refused.conflicts[0]?.lease.reason, "refactor");
  assert.deepEqual(t.table.leases.list({ agent: "bob" }), [], "README.md was not granted alone");
  assert.equal(t.table.audit.query({ action: "lease.refused" }).length, 1);
  const told = t.table.events.forAgent("alice", 0).filter((e) => e.type === "lease_refused");
  assert.equal(told.length, 1);
  assert.ok(t.table.leases.reserve({ by: bob, paths: ["README.md", "src/a.md"] }).granted);
});

Deno.test("leases: every lease that can cover a path is found, whichever folder it starts in", () => {
  // Both lead: leases whose first folder is a pattern need manage_leases.
  using t = tempTeam([], { lead: "alice" });
  grantAndJoin(t, "bob", "lead");
  const held = ["src", "**/*.md", "{lib,docs}/x.ts", "*/gen/**", "[ab]in/tool", "pkg/a/**"];
  assert.ok(t.table.leases.reserve({ by: alice, paths: held, ttl: 600 }).granted);
  const conflicts = (path: string) =>
    t.table.leases.reserve({ by: bob, paths: [path] }).conflicts.map((c) => c.lease.path);
  // The narrowing in SQL loses nothing that comparing with every lease finds.
  const requests = ["src/**", "src/a.ts", "notes/a.md", "docs/x.ts", "web/gen/a.ts", "bin/tool"];
  const deeper = ["pkg/a/b/c.ts", "pkg/a", "pkg/*/x", "pkg/a*", "src", "lib/x.ts", "pk*/a/b.ts"];
  for (const path of [...requests, ...deeper, "pkg/**", "**", "*.md", "pkg0/a.ts", "srcs/a.ts"]) {
    assert.deepEqual(conflicts(path), held.filter((h) => pathsOverlap(path, h)), path);
  }
  assert.deepEqual(conflicts("bin/tool"), ["[ab]in/tool"]);
  assert.deepEqual(conflicts("web/gen/a.ts"), ["*/gen/**"]);
  assert.deepEqual(conflicts("**"), held, "a path anywhere meets every lease");
  assert.deepEqual(conflicts("pkg0/a.ts"), [], "a folder that only begins like another");
  assert.deepEqual(
    t.table.leases.check({ agent: "bob", files: ["lib/x.ts", "pkg/a/b.ts", "pkgs/a.ts"] })
      .map((c) => c.blockedBy?.path ?? null),
    ["{lib,docs}/x.ts", "pkg/a/**", null],
  );
  assert.deepEqual(t.table.leases.list({ path: "web/**" }).map((l) => l.path), [
    "**/*.md",
    "*/gen/**",
  ]);
});

Deno.test("leases: shared leases coexist; an exclusive one on top is refused", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  assert.ok(t.table.leases.reserve({ by: alice, paths: ["docs/**"], exclusive: false }).granted);
  assert.ok(t.table.leases.reserve({ by: bob, paths: ["docs/a.md"], exclusive: false }).granted);
  assert.equal(
    t.table.events.forAgent("alice", 0).filter((e) => e.type === "lease_granted").length,
    1,
    "the sharer is told",
  );
  const refused = t.table.leases.reserve({ by: agentActor("carol"), paths: ["docs/a.md"] });
  assert.deepEqual(refused.conflicts.map((c) => c.lease.agent).sort(), ["alice", "bob"]);
});

Deno.test("leases: release by path and all of mine; renew extends; others need a reason", () => {
  using t = tempTeam(["alice", "bob"], { lead: "lead" });
  t.table.leases.reserve({ by: alice, paths: ["a.ts", "b.ts", "c.ts"] });
  assert.deepEqual(t.table.leases.release({ by: alice, paths: ["a.ts"] }).map((l) => l.path), [
    "a.ts",
  ]);
  const [b] = t.table.leases.list({ path: "b.ts" });
  assert.ok(b);
  t.clock.advance(1_000);
  const [renewed] = t.table.leases.renew({ by: alice, ids: [b.id], ttl: 7_200 });
  assert.equal(Date.parse(renewed?.until ?? "") - t.clock.now(), 7_200_000);
  assert.throws(
    () => t.table.leases.release({ by: bob, ids: [b.id], reason: "x" }),
    ForbiddenError,
  );
  assert.throws(
    () => t.table.leases.release({ by: agentActor("lead"), ids: [b.id] }),
    /reason is required/,
  );
  t.table.leases.release({ by: agentActor("lead"), ids: [b.id], reason: "blocking the build" });
  const told = t.table.events.forAgent("alice", 0).find((e) => e.type === "lease_released");
  assert.match(String(told?.payload["summary"]), /blocking the build/);
  assert.match(t.table.messages.peek("alice")[0]?.content ?? "", /blocking the build/);
  assert.equal(t.table.audit.query({ action: "lease.force_released" }).length, 1);
  t.table.leases.release({
    by: humanActor("ops"),
    ids: [t.table.leases.list()[0]?.id ?? 0],
    reason: "r",
  });
  assert.deepEqual(t.table.leases.list(), []);
});

Deno.test("leases: the time to live runs out (injected clock) and waiters are told", () => {
  using t = tempTeam(["alice", "bob"]);
  t.table.leases.reserve({ by: alice, paths: ["src/**"], ttl: 600 });
  const refused = t.table.leases.reserve({ by: bob, paths: ["src/a.ts"], notifyWhenFree: true });
  assert.equal(refused.waiting, true);
  const status = renderStatus(t.table, { since: 0, dbPath: "/db" });
  assert.match(status, /Leases \(1\):\n {2}#1 src\/\*\* exclusive, alice, until /);
  assert.match(status, /bob waits for src\/a\.ts/);
  advanceLive(t, 599_000);
  assert.equal(t.table.leases.list().length, 1);
  advanceLive(t, 2_000);
  assert.deepEqual(t.table.leases.list(), [], "hidden as soon as it expires");
  assert.equal(t.table.leases.endLapsed(), 1);
  assert.equal(t.table.audit.query({ action: "lease.expired" }).length, 1);
  assert.ok(t.table.events.forAgent("bob", 0).some((e) => e.type === "lease_freed"));
  assert.match(t.table.messages.peek("bob")[0]?.content ?? "", /free: src\/a\.ts/);
  assert.deepEqual(t.table.leases.waiters(), []);
});

Deno.test("leases: asking again for the same paths renews the wait; one notice, one waiter", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  t.table.leases.reserve({ by: alice, paths: ["src/reports/**"], ttl: 600 });
  for (let i = 0; i < 3; i++) {
    const refused = t.table.leases.reserve({
      by: agentActor("carol"),
      paths: ["src/reports/csv.ts"],
      notifyWhenFree: true,
    });
    assert.equal(refused.waiting, true);
  }
  t.table.leases.reserve({ by: bob, paths: ["src/reports/pdf.ts"], notifyWhenFree: true });
  assert.deepEqual(
    t.table.leases.waiters().map((w) => `${w.agent} for ${w.paths.join(", ")}`),
    ["carol for src/reports/csv.ts", "bob for src/reports/pdf.ts"],
  );
  t.table.leases.release({ by: alice, paths: ["src/reports/**"] });
  assert.equal(
    t.table.messages.peek("carol").filter((m) => /free: src\/reports\/csv\.ts/.test(m.content))
      .length,
    1,
    "carol is told once",
  );
});

Deno.test("leases: end when the task is done or reassigned, and when the holder is away", () => {
  using t = tempTeam(["alice", "bob"]);
  const task = t.table.tasks.create({ title: "edit", by: alice });
  const { leases } = t.table.taskLeases.claim({ taskId: task.id, by: alice, paths: ["a.ts"] });
  assert.equal(leases[0]?.task_id, task.id);
  t.table.tasks.update({ taskId: task.id, by: alice, status: "done" });
  assert.deepEqual(t.table.leases.list(), []);
  t.table.leases.endLapsed();
  assert.match(
    String(t.table.audit.query({ action: "lease.ended" })[0]?.details["reason"]),
    /task #1 is done/,
  );

  const other = t.table.tasks.create({ title: "other", by: alice });
  t.table.taskLeases.claim({ taskId: other.id, by: alice, paths: ["b.ts"] });
  t.table.tasks.reassign({ taskId: other.id, by: alice, newAssignee: "bob" });
  assert.deepEqual(t.table.leases.list(), []);

  t.table.leases.reserve({ by: alice, paths: ["c.ts"], ttl: 3_600 });
  t.clock.advance(3 * 60_000); // alice's session is not seen: away, but not yet gone for good
  assert.deepEqual(t.table.leases.list().map((l) => l.path), ["c.ts"], "quiet keeps leases");
  t.clock.advance(7 * 60_000 + 1); // away longer than the grace (10 min)
  assert.deepEqual(t.table.leases.list(), []);
  assert.ok(t.table.leases.reserve({ by: bob, paths: ["c.ts"] }).granted);
  t.table.leases.endLapsed();
  const reasons = t.table.audit.query({ action: "lease.ended" }).map((e) => e.details["reason"]);
  assert.ok(reasons.some((r) => /alice has been away since \d\d:\d\d UTC/.test(String(r))));
});

Deno.test("leases: an agent with an open event stream is present and keeps its leases", () => {
  using t = tempTeam(["alice", "bob"]);
  t.table.leases.reserve({ by: alice, paths: ["a.ts"], ttl: 3_600 });
  t.table.members.release(testSession("alice").id); // its MCP session ended
  for (let minute = 0; minute < 15; minute++) {
    t.clock.advance(60_000);
    t.table.members.refresh([], ["alice"]); // serve's tick: alice's /events stream is open
  }
  assert.deepEqual(t.table.leases.list().map((l) => l.path), ["a.ts"]);
  assert.equal(t.table.members.require("alice").presence, "away", "no session holds the name");
  t.clock.advance(10 * 60_000 + 1);
  assert.deepEqual(t.table.leases.list(), [], "gone for good once the stream closed");
});

Deno.test("leases: deregistering ends the holder's leases", () => {
  using t = tempTeam(["alice", "bob"]);
  t.table.leases.reserve({ by: alice, paths: ["a.ts"] });
  t.table.departures.deregister(alice);
  assert.deepEqual(t.table.leases.list(), []);
  assert.ok(t.table.leases.reserve({ by: bob, paths: ["a.ts"] }).granted);
});

Deno.test("leases: claim with paths is all or none; next_task skips leased tasks", () => {
  using t = tempTeam(["alice", "bob"]);
  t.table.leases.reserve({ by: bob, paths: ["src/**"] });
  const { task } = t.table.taskLeases.create({ title: "src work", by: alice, paths: ["src/x.ts"] });
  const free = t.table.taskLeases.create({ title: "docs", by: alice, paths: ["docs/a.md"] }).task;
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.taskLeases.claim({ taskId: task.id, by: alice, paths: ["src/x.ts"] }),
    /src\/x\.ts: held exclusively by bob/,
  );
  assert.equal(snapshot(t.db), before, "neither the task nor a lease was taken");
  assert.equal(t.table.tasks.next({ by: alice })?.id, free.id);
  assert.equal(t.table.tasks.next({ by: bob })?.id, task.id, "bob holds them");
});

Deno.test("leases: bad input names the field and changes nothing", () => {
  using t = tempTeam(["alice"]);
  grantAndJoin(t, "ops", "admin");
  const before = snapshot(t.db);
  const bad: [() => unknown, RegExp][] = [
    [() => t.table.leases.reserve({ by: alice, paths: ["../x"] }), /paths\[0\] '\.\.\/x'/],
    [() => t.table.leases.reserve({ by: alice, paths: ["/abs"] }), /is absolute/],
    [() => t.table.leases.reserve({ by: alice, paths: [""] }), /must not be empty/],
    [() => t.table.leases.reserve({ by: alice, paths: [] }), /paths must not be empty/],
    [
      () => t.table.leases.reserve({ by: alice, paths: Array.from({ length: 10_000 }, () => "a") }),
      /10,000 entries; the limit is 100/,
    ],
    [() => t.table.leases.reserve({ by: alice, paths: ["a"], ttl: 0 }), /ttl must be/],
    [() => t.table.leases.reserve({ by: alice, paths: ["a"], taskId: 99 }), /task_id/],
    [() => t.table.leases.reserve({ by: humanActor("x"), paths: ["a"] }), /only agents/],
  ];
  for (const [call, message] of bad) {
    assert.throws(call, (e: unknown) => e instanceof ValidationError && message.test(e.message));
  }
  assert.throws(
    () => t.table.leases.release({ by: alice, ids: [42] }),
    (e: unknown) => e instanceof NotFoundError && /no live lease with id 42/.test(e.message),
  );
  assert.equal(snapshot(t.db), before);
});

Deno.test("leases: an id names one lease forever; a stale id is refused, naming what it was", () => {
  using t = tempTeam(["alice", "bob"]);
  const [first] = t.table.leases.reserve({ by: alice, paths: ["src/a.ts"], ttl: 1 }).leases;
  advanceLive(t, 1_500);
  const [second] = t.table.leases.reserve({ by: alice, paths: ["docs/"] }).leases;
  assert.ok(first && second);
  assert.notEqual(second.id, first.id, "the expired lease's id is not given again");
  assert.throws(
    () => t.table.leases.release({ by: alice, ids: [first.id] }),
    (e: unknown) =>
      e instanceof NotFoundError &&
      e.message ===
        `ids: lease ${first.id} (alice's, on 'src/a.ts') ended at 2026-01-01T00:00:01.500Z: its ` +
          "time ran out. A lease id is never reused; list_leases shows the live ones",
  );
  assert.deepEqual(t.table.leases.list().map((l) => l.path), ["docs/**"], "docs/** still held");
  // Released and re-reserved at once: a new id again, and the old one is refused the same way.
  t.table.leases.release({ by: alice, ids: [second.id] });
  const [third] = t.table.leases.reserve({ by: alice, paths: ["docs/"] }).leases;
  assert.ok(third && third.id > second.id);
  assert.throws(
    () => t.table.leases.renew({ by: alice, ids: [second.id] }),
    /ids: lease \d+ \(alice's, on 'docs\/\*\*'\) ended at .*: released\. A lease id is never/,
  );
  assert.throws(
    () => t.table.leases.release({ by: alice, ids: [999] }),
    /no live lease with id 999/,
  );
  // Remembered for a week.
  advanceLive(t, 8 * 24 * 3_600_000);
  t.table.leases.endLapsed();
  assert.throws(
    () => t.table.leases.release({ by: alice, ids: [first.id] }),
    /no live lease with id 1;/,
  );
});

Deno.test("a claim leases the task's declared paths (and those it adds), all or none", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  const { task } = t.table.taskLeases.create({
    title: "parser",
    by: alice,
    paths: ["src/parse.ts", "tests/parse_test.ts"],
  });
  // The paths travel with the task: get, list, detail.
  assert.deepEqual(task.paths, ["src/parse.ts", "tests/parse_test.ts"]);
  assert.deepEqual(t.table.tasks.list({}).find((x) => x.id === task.id)?.paths, task.paths);
  assert.deepEqual(t.table.tasks.detail(task.id).task.paths, task.paths);
  const plain = t.table.tasks.create({ title: "no paths", by: alice });
  assert.equal(plain.paths, undefined, "only a task that declared paths shows them");

  const claimed = t.table.taskLeases.claim({ taskId: task.id, by: bob, paths: ["docs/parse.md"] });
  assert.equal(claimed.task.assignee, "bob");
  assert.deepEqual(
    claimed.leases.map((l) => [l.path, l.agent, l.task_id, l.exclusive]).sort(),
    [
      ["docs/parse.md", "bob", task.id, true],
      ["src/parse.ts", "bob", task.id, true],
      ["tests/parse_test.ts", "bob", task.id, true],
    ],
  );
  // Done: the leases end with the task.
  t.table.tasks.update({ taskId: task.id, by: bob, status: "awaiting_review" });
  const review = t.table.taskLeases.claim({ taskId: task.id, by: carol });
  assert.deepEqual(review.leases, [], "a review claim leases nothing");
  t.table.tasks.update({ taskId: task.id, by: carol, status: "done" });
  assert.deepEqual(t.table.leases.list(), []);
});

Deno.test("a claim whose declared paths another agent leases is refused whole, naming each holder", () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  t.table.leases.reserve({ by: carol, paths: ["src/**"], ttl: 600, reason: "refactor" });
  const { task } = t.table.taskLeases.create({
    title: "parser",
    by: alice,
    paths: ["src/parse.ts", "README.md"],
  });
  const before = snapshot(t.db);
  const until = new Date(t.clock.now() + 600_000).toISOString();
  assert.throws(
    () => t.table.taskLeases.claim({ taskId: task.id, by: bob }),
    (e: unknown) =>
      e instanceof ConflictError &&
      e.message.startsWith(
        `paths: task ${task.id} was not claimed: 1 of its paths are leased by others: ` +
          `src/parse.ts: held exclusively by carol (src/**) since `,
      ) && e.message.includes(`until ${until}: refactor. Nothing changed.`),
  );
  assert.equal(snapshot(t.db), before, "neither the task nor any lease was taken");
  // next_task does not offer it to bob; carol (who holds the paths) may take it.
  assert.equal(t.table.taskLeases.next({ by: bob, claim: true }).task, null);
  const next = t.table.taskLeases.next({ by: carol, claim: true });
  assert.equal(next.task?.id, task.id);
  assert.deepEqual(next.leases?.map((l) => l.path).sort(), ["README.md", "src/parse.ts"]);
});

Deno.test("next_task with claim leases the declared paths in the same transaction", () => {
  using t = tempTeam(["alice", "bob"]);
  const { task } = t.table.taskLeases.create({ title: "a", by: alice, paths: ["a.ts"] });
  const offered = t.table.taskLeases.next({ by: bob, claim: false });
  assert.deepEqual([offered.task?.id, offered.claimed, offered.leases], [
    task.id,
    false,
    undefined,
  ]);
  assert.deepEqual(t.table.leases.list(), [], "an offer leases nothing");
  const taken = t.table.taskLeases.next({ by: bob, claim: true });
  assert.deepEqual([taken.task?.status, taken.claimed], ["in_progress", true]);
  assert.deepEqual(t.table.leases.list().map((l) => [l.agent, l.path, l.task_id]), [
    ["bob", "a.ts", task.id],
  ]);
  const plain = t.table.tasks.create({ title: "b", by: alice });
  const second = t.table.taskLeases.next({ by: alice, claim: true });
  assert.equal(second.task?.id, plain.id);
  assert.equal(second.leases, undefined, "no paths, no leases field");
});

Deno.test("leases: an agent may wait (notify_when_free) for a bounded number of path sets", () => {
  // Waiters are re-checked on every maintenance round for up to a day: their number is capped.
  using t = tempTeam(["alice", "bob"]);
  t.table.leases.reserve({ by: alice, paths: ["src/**"], ttl: 600 });
  for (let i = 0; i < LIMITS.leaseWaitersPerAgentMax; i++) {
    const refused = t.table.leases.reserve({
      by: bob,
      paths: [`src/f${i}.ts`],
      notifyWhenFree: true,
    });
    assert.equal(refused.waiting, true);
  }
  assert.throws(
    () => t.table.leases.reserve({ by: bob, paths: ["src/x.ts"], notifyWhenFree: true }),
    (e: unknown) =>
      e instanceof ValidationError &&
      e.message.includes(
        `bob already waits for ${LIMITS.leaseWaitersPerAgentMax} sets of paths; the limit is ` +
          `${LIMITS.leaseWaitersPerAgentMax}`,
      ),
  );
  assert.equal(t.table.leases.waiters().length, LIMITS.leaseWaitersPerAgentMax);
  // without notify_when_free the refusal is as before
  const plain = t.table.leases.reserve({ by: bob, paths: ["src/x.ts"] });
  assert.equal(plain.granted, false);
  assert.equal(plain.conflicts.length, 1);
});

Deno.test("leases: a path is compared in one Unicode spelling (NFC), leases and checks alike", () => {
  // `src/cafe\u0301.ts` (e + combining accent) and `src/café.ts` were granted as two leases.
  using t = tempTeam(["alice", "bob"]);
  const decomposed = "src/cafe\u0301.ts";
  const composed = "src/caf\u00e9.ts";
  const granted = t.table.leases.reserve({ by: alice, paths: [decomposed] });
  assert.equal(granted.leases[0]?.path, composed, "stored composed");
  const refused = t.table.leases.reserve({ by: bob, paths: [composed] });
  assert.equal(refused.granted, false);
  const [checked] = t.table.leases.check({ agent: "bob", files: [decomposed] });
  assert.equal(checked?.blockedBy?.agent, "alice", "the hook's file is compared composed too");
});

Deno.test("leases: a refusal lists at most 50 conflicts, found within one call's budget", () => {
  using t = tempTeam(["alice", "bob"]);
  const heavy = (tail: string, i: number) =>
    "src/{a,b}/{a,b}/{a,b}/{a,b}/{a,b}/" + `**/*${tail}/*${tail}/`.repeat(8) + `p${i}.ts`;
  const planted = t.table.leases.reserve({
    by: bob,
    paths: Array.from({ length: 100 }, (_, i) => heavy("b", i)),
  });
  assert.equal(planted.granted, true);
  const refused = t.table.leases.reserve({
    by: alice,
    paths: Array.from({ length: 100 }, (_, i) => heavy("a", i)),
  });
  assert.equal(refused.granted, false);
  assert.equal(refused.conflicts.length, LIMITS.leaseConflictsListedMax);
  // listing by a path: past the budget the rest count as overlapping (never a missed one)
  assert.equal(t.table.leases.list({ path: heavy("a", 0) }).length, 100);
  assert.deepEqual(t.table.leases.list({ path: "docs/**" }), []);
});

Deno.test("leases: a deep file against 500 slow globs is answered within one call's budget", () => {
  // The attacker's shapes: bob's reservation of one such file took 4.4 s (list 3.4 s, the hook
  // check and next_task as long); each call now stops at its budget and errs toward a conflict.
  using t = tempTeam(["alice", "bob"]);
  const glob = (n: number) => "x/**/" + "{a,?}/".repeat(5) + "?/".repeat(23) + `c${n}`;
  const file = "x/" + "a/".repeat(250) + "f0";
  for (let k = 0; k < 5; k++) {
    const paths = Array.from({ length: 100 }, (_, i) => glob(k * 100 + i));
    assert.equal(t.table.leases.reserve({ by: alice, paths }).granted, true);
  }
  const refused = t.table.leases.reserve({ by: bob, paths: [file] });
  assert.equal(refused.granted, false, "out of steps: a conflict, never a missed one");
  assert.equal(refused.conflicts.length, LIMITS.leaseConflictsListedMax);
  assert.equal(t.table.leases.list({ path: file }).length, 500, "listed, never hidden");
  const [checked] = t.table.leases.check({ agent: "bob", files: [file] });
  assert.equal(checked?.blockedBy?.agent, "alice", "the hook blocks rather than says free");
  assert.equal(t.table.leases.blockerFor("bob")([file])?.agent, "alice");
  // paths elsewhere are read by index and never meet those globs
  assert.equal(
    t.table.leases.reserve({ by: bob, paths: ["y/" + "a/".repeat(250) + "f0"] })
      .granted,
    true,
  );
  assert.equal(t.table.leases.blockerFor("carol")(["docs/a.md"]), null);
});

Deno.test("leases: a waiter of many long paths is told some of them; the lease end succeeds", () => {
  // Its notice named all 100 paths of 504 characters, past a message's length limit, and the
  // release that sent it (any holder's, or expiry in maintenance) failed with that error.
  using t = tempTeam(["alice", "bob"]);
  t.table.leases.reserve({ by: alice, paths: ["x/**"] });
  const paths = Array.from({ length: 100 }, (_, i) => `x/${"a".repeat(200)}/f${i}.ts`);
  assert.equal(t.table.leases.reserve({ by: bob, paths, notifyWhenFree: true }).waiting, true);
  assert.equal(t.table.leases.release({ by: alice }).length, 1);
  const notice = t.table.messages.peek("bob")[0]?.content ?? "";
  assert.match(notice, /^The paths you waited for are free: x\/a+\/f0\.ts, .* and 9\d more\. /);
  assert.ok(notice.length < 1_200, `${notice.length}`);
  assert.deepEqual(t.table.leases.waiters(), []);
});

Deno.test("leases: one lease end reads the waiters' paths within one budget; the rest wait on", () => {
  // 200 waiters of 100 files 250 folders deep: one release read the leases near each file by
  // index, 20,000 reads of 252 probes: 19.5 s. Now the reads spend the round's overlap budget.
  using t = tempTeam(["alice", "bob", "carol", "dave"]);
  t.table.leases.reserve({ by: alice, paths: ["x/**"] });
  assert.ok(t.table.leases.reserve({ by: bob, paths: ["x/a.ts"], notifyWhenFree: true }).waiting);
  for (const [agent, n] of [[carol, 0], [carol, 1], [agentActor("dave"), 2]] as const) {
    const paths = Array.from({ length: 100 }, (_, k) => "x/" + "a/".repeat(250) + `f${n}_${k}`);
    assert.ok(t.table.leases.reserve({ by: agent, paths, notifyWhenFree: true }).waiting);
  }
  const steps = 100 * 253 * LIMITS.leaseNearReadSteps;
  assert.ok(steps > LIMITS.leaseOverlapCallStepsMax, "one deep waiter is past a round's budget");
  assert.equal(t.table.leases.release({ by: alice }).length, 1);
  assert.match(t.table.messages.peek("bob")[0]?.content ?? "", /free: x\/a\.ts/);
  assert.deepEqual(t.table.leases.waiters().map((w) => w.agent), ["carol", "carol", "dave"]);
  assert.deepEqual(t.table.messages.peek("carol"), [], "not told: their paths were not read");
});

Deno.test("leases: a path that is not well-formed Unicode is refused, naming it; nothing changes", () => {
  // `v9/\ud800/a.ts` was granted to two agents at once: stored as U+FFFD, it no longer
  // equalled the second agent's spelling. The same for `v10/\ud800*/**` and `v10/\ud800x/a.ts`.
  using t = tempTeam(["alice", "bob"]);
  const before = snapshot(t.db);
  const refusals: [() => unknown, RegExp][] = [
    [() => t.table.leases.reserve({ by: alice, paths: ["v9/\ud800/a.ts"] }), /^paths\[0\] /],
    [() => t.table.leases.reserve({ by: bob, paths: ["ok.ts", "v10/\ud800*/**"] }), /paths\[1\]/],
    [() => t.table.leases.list({ path: "v10/\ud800x/a.ts" }), /^path /],
    [
      () =>
        t.table.taskLeases.create({ title: "t", by: alice, paths: ["src/a.ts", "v9/\udc00.ts"] }),
      /^paths\[1\] /,
    ],
  ];
  for (const [call, field] of refusals) {
    assert.throws(call, (e: unknown) =>
      e instanceof ValidationError && field.test(e.message) &&
      /is not well-formed Unicode: it holds a lone surrogate/.test(e.message) &&
      e.message.isWellFormed());
  }
  assert.equal(snapshot(t.db), before);
  // the hook's file is checked as the file system spells it (U+FFFD), so a lease on that holds
  assert.ok(t.table.leases.reserve({ by: alice, paths: ["v9/\ufffd/a.ts"] }).granted);
  const [checked] = t.table.leases.check({ agent: "bob", files: ["v9/\ud800/a.ts"] });
  assert.equal(checked?.blockedBy?.agent, "alice");
});
