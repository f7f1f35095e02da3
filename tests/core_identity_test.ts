import assert from "node:assert/strict";
import { agentActor, humanActor } from "../src/core/actor.ts";
import { ConflictError, ForbiddenError } from "../src/core/errors.ts";
import { defaultRules } from "../src/definitions/load_rules.ts";
import { advanceLive, snapshot, tempTable, tempTeam, testSession } from "./support/temp_table.ts";

const minute = 60_000;

Deno.test("a session not seen for the presence timeout loses its name to another", () => {
  using t = tempTeam(["alice"]);
  const other = { id: "other", where: "stdio, pid 2" };
  assert.throws(
    () => t.table.members.register({ name: "alice", session: other }),
    (e: unknown) =>
      e instanceof ConflictError && /'alice' is in use by another session/.test(e.message),
  );
  assert.equal(t.table.members.require("alice").presence, "online");
  t.clock.advance(2 * minute);
  assert.equal(t.table.members.require("alice").presence, "away", "not seen for 60 s");
  t.table.members.register({ name: "alice", session: other });
  assert.equal(t.table.members.heldRole("alice", testSession("alice").id), undefined);
  assert.throws(
    () => t.table.members.register({ name: "alice", session: testSession("alice") }),
    (e: unknown) =>
      e instanceof ConflictError &&
      /'alice' is in use by another session since .* \(stdio, pid 2\)/.test(e.message),
    "the session that went unseen cannot take it back while the other holds it",
  );
  const released = t.table.members.release(other.id);
  assert.deepEqual(released, ["alice"]);
  assert.equal(t.table.members.require("alice").presence, "away");
});

Deno.test("assign-idle never gives work to an away agent", () => {
  using t = tempTable({ rules: defaultRules() });
  t.table.members.register({ name: "alice", session: testSession("alice") });
  t.table.members.register({ name: "tess", session: testSession("tess"), role: "tester" });
  t.table.tasks.create({ title: "tests", by: agentActor("alice"), type: "test" });
  t.table.members.release(testSession("tess").id);
  advanceLive(t, 10 * minute);
  t.table.ruleEngine.tick();
  assert.deepEqual(t.table.tasks.list({ assignee: "tess" }), [], "tess is away");
  assert.equal(t.table.tasks.list({ assignee: "alice" }).length, 1, "alice is online and idle");
});

Deno.test("open tasks of an agent away too long go back to pending; its creator is told", () => {
  using t = tempTeam(["alice", "bob"]);
  const claimed = t.table.tasks.create({ title: "claimed", by: agentActor("alice") });
  t.table.tasks.claim({ taskId: claimed.id, by: agentActor("bob") });
  const assigned = t.table.tasks.create({
    title: "given",
    by: agentActor("alice"),
    assignee: "bob",
  });
  const done = t.table.tasks.create({ title: "done", by: agentActor("alice"), assignee: "bob" });
  t.table.tasks.claim({ taskId: done.id, by: agentActor("bob") });
  t.table.tasks.update({ taskId: done.id, by: agentActor("bob"), status: "done" });
  t.table.members.release(testSession("bob").id);
  advanceLive(t, 9 * minute);
  assert.deepEqual(t.table.departures.releaseAbandoned(), [], "not yet 10 minutes");
  advanceLive(t, 2 * minute);
  const released = t.table.departures.releaseAbandoned().map((task) => [task.id, task.status]);
  assert.deepEqual(released, [[claimed.id, "pending"], [assigned.id, "pending"]]);
  assert.equal(t.table.tasks.get(claimed.id).assignee, null);
  assert.equal(t.table.tasks.get(done.id).status, "done", "finished work stays");
  assert.match(
    t.table.tasks.detail(claimed.id).feed,
    /\[status_change\] team-table returned task to pending from bob: bob has been away since \d\d:\d\d UTC \(11 min\)/,
  );
  const inbox = t.table.messages.inbox({ by: agentActor("alice") }).messages;
  assert.deepEqual(inbox.map((m) => m.sender), ["team-table", "team-table"]);
  assert.match(inbox[0]?.content ?? "", /Task #\d+ "claimed" is pending again: bob has been away/);
  // bob hears it too, when it comes back (its first result's badge shows it).
  const told = t.table.messages.inbox({ by: agentActor("bob") }).messages.map((m) => m.content);
  assert.equal(told.length, 2);
  assert.match(
    told[0] ?? "",
    /^Task #\d+ "claimed" went back to the board, no longer yours: bob has been away since \d\d:\d\d UTC \(11 min\)\. next_task offers it again while it is free\.$/,
  );
  assert.equal(t.table.audit.query({ action: "task.released" }).length, 2);
  assert.deepEqual(t.table.departures.releaseAbandoned(), [], "once");
});

Deno.test("deregister lets the name go and gives back the agent's open tasks", () => {
  using t = tempTeam(["alice", "bob"]);
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("bob") });
  const { member, released } = t.table.departures.deregister(agentActor("bob"));
  assert.equal(member.presence, "gone");
  assert.deepEqual(released.map((r) => r.status), ["pending"]);
  assert.match(t.table.tasks.detail(task.id).feed, /bob left the table/);
  t.table.members.register({ name: "bob", session: { id: "new", where: "elsewhere" } });
});

Deno.test("credentials: only the holder takes the name; privileged roles need one", () => {
  using t = tempTable();
  const operator = humanActor("operator");
  const { credential } = t.table.members.issueCredential({ name: "alice", by: operator });
  assert.match(credential, /^ttk_[\w-]{43}$/);
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.members.register({ name: "alice", session: { id: "s1", where: "x" } }),
    ForbiddenError,
  );
  const stored = t.db.prepare("SELECT key_hash FROM members WHERE name = 'alice'").get();
  assert.notEqual(stored?.["key_hash"], credential, "only the hash is stored");
  assert.notEqual(snapshot(t.db), before, "the refusal itself is audited");
  t.table.members.register({ name: "alice", session: { id: "s1", where: "x", key: credential } });
  const rotated = t.table.members.issueCredential({ name: "alice", by: operator });
  assert.equal(rotated.rotated, true);
  t.table.members.release("s1");
  assert.throws(
    () =>
      t.table.members.register({
        name: "alice",
        session: { id: "s2", where: "x", key: credential },
      }),
    /the one this session presented is not it/,
  );
  assert.throws(
    () => t.table.members.issueCredential({ name: "alice", by: agentActor("alice") }),
    /Only the operator issues credentials/,
  );
  // A privileged member from before credentials existed keeps its role but cannot join.
  t.db.prepare(
    `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen, seen_at)
     VALUES ('old-lead', 'lead', '[]', 'active', 0, 0, 0)`,
  ).run();
  assert.throws(
    () => t.table.members.register({ name: "old-lead", session: { id: "s3", where: "x" } }),
    /'old-lead' has the privileged role 'lead', which only a name with a credential may use; the operator issues one with: team-table members token old-lead/,
  );
  assert.equal(t.table.members.require("old-lead").role, "lead");
});

Deno.test("the operator revokes a role, resets a name, removes a member; audited, others refused", () => {
  using t = tempTeam(["alice", "bob"], { lead: "boss" });
  const operator = humanActor("operator");
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("bob") });
  assert.throws(
    () => t.table.members.revoke({ name: "boss", by: agentActor("boss") }),
    ForbiddenError,
  );
  assert.equal(t.table.members.revoke({ name: "boss", by: operator }).role, "agent");
  assert.equal(t.table.members.reset({ name: "alice", by: operator }).presence, "away");
  const { member, released } = t.table.departures.remove({ name: "bob", by: operator });
  assert.deepEqual([member.presence, member.has_credential], ["gone", false]);
  assert.deepEqual(released.map((r) => r.id), [task.id]);
  const actions = t.table.audit.query({ action: "member.*" }).map((e) => e.action);
  for (const action of ["member.role_granted", "member.reset", "member.removed"]) {
    assert.ok(actions.includes(action), action);
  }
});

Deno.test("revoke withdraws a name only a grant made; a name that joined or is named stays", () => {
  using t = tempTable();
  const operator = humanActor("operator");
  const revoke = (name: string) => t.table.members.revoke({ name, by: operator });
  t.table.members.grant({ name: "dave", role: "reviewer", by: operator });
  assert.equal(revoke("dave").withdrawn, true);
  assert.equal(t.table.members.find("dave"), undefined, "unknown again");
  assert.deepEqual(
    t.table.audit.query({ action: "member.role_granted" }).map((e) => e.details["to"]),
    ["agent", "reviewer"],
    "the grant and its withdrawal are audited",
  );
  // Joined and left within the same millisecond: it joined, so it stays.
  t.table.members.grant({ name: "erin", role: "reviewer", by: operator });
  t.table.members.register({ name: "erin", session: testSession("erin") });
  t.table.members.deregister(agentActor("erin"));
  // Never joined, but a task is assigned to it: it stays too.
  t.table.members.grant({ name: "finn", role: "reviewer", by: operator });
  t.table.tasks.create({ title: "T", by: operator, assignee: "finn" });
  for (const name of ["erin", "finn"]) {
    const member = revoke(name);
    assert.deepEqual([member.withdrawn, member.role], [false, "agent"], name);
    assert.equal(t.table.members.find(name)?.presence, "gone", name);
  }
  const before = snapshot(t.db);
  assert.throws(() => revoke("nobody"), /name: no agent named 'nobody' has ever registered/);
  assert.equal(snapshot(t.db), before, "an unknown name changes nothing");
});

Deno.test("taking the name of a session gone unseen is audited as reclaimed", () => {
  using t = tempTeam(["alice"]);
  t.clock.advance(2 * minute);
  t.table.members.register({ name: "alice", session: { id: "new", where: "http 10.0.0.5" } });
  const [entry] = t.table.audit.query({ action: "member.reclaimed" });
  assert.equal(entry?.target, "alice");
  assert.equal(entry?.details["where"], "test session of alice");
});

Deno.test("assign_role: never one's own role, never a role with a privilege the giver lacks", () => {
  using t = tempTeam(["alice"], { lead: "boss" });
  t.table.members.issueCredential({ name: "alice", by: humanActor("operator") });
  assert.throws(
    () => t.table.members.grant({ name: "boss", role: "admin", by: agentActor("boss") }),
    /'boss' may not give 'boss' the role 'admin': an agent cannot change its own role/,
  );
  const withPurge = t.table.roles.list().find((r) =>
    r.privileges.some((p) => !t.table.roles.get("lead").privileges.includes(p))
  );
  if (withPurge) {
    assert.throws(
      () => t.table.members.grant({ name: "alice", role: withPurge.name, by: agentActor("boss") }),
      ForbiddenError,
    );
  }
  assert.equal(
    t.table.members.grant({ name: "alice", role: "coder", by: agentActor("boss") }).role,
    "coder",
  );
});

Deno.test("a new credential frees the name from the session that held it with the old one", () => {
  using t = tempTable();
  const operator = humanActor("operator");
  const first = t.table.members.issueCredential({ name: "boss", by: operator });
  const session = { id: "old", where: "stdio, pid 1", key: first.credential };
  t.table.members.register({ name: "boss", session });
  t.table.members.issueCredential({ name: "boss", by: operator });
  assert.equal(t.table.members.heldRole("boss", "old"), undefined);
  assert.throws(
    () => t.table.members.register({ name: "boss", session }),
    /the one this session presented is not it/,
  );
});

Deno.test("a session seen last at a time keeps its name until the presence timeout from then", () => {
  using t = tempTeam(["alice"]);
  const lastRequest = t.clock.now();
  t.clock.advance(50_000);
  // serve's tick reports when the HTTP session last made a request, not that it ticked now.
  t.table.members.refresh([{ id: testSession("alice").id, at: lastRequest }]);
  assert.equal(t.table.members.require("alice").presence, "online");
  t.clock.advance(11_000);
  assert.equal(t.table.members.require("alice").presence, "away", "61 s after its last request");
  t.table.members.register({ name: "alice", session: { id: "next", where: "http 10.0.0.9" } });
  t.table.members.refresh([{ id: "next" }]);
  assert.equal(t.table.members.require("alice").presence, "online", "seen now by default");
});

Deno.test("a name held by a stdio process here that no longer exists is free at once", () => {
  const running = new Set([101]);
  using t = tempTable({ localProcesses: { host: "here", alive: (pid) => running.has(pid) } });
  const first = { id: "first", where: "stdio, pid 101", process: { pid: 101, host: "here" } };
  const remote = { id: "remote", where: "stdio, pid 202", process: { pid: 202, host: "there" } };
  const next = { id: "next", where: "stdio, pid 102", process: { pid: 102, host: "here" } };
  t.table.members.register({ name: "alice", session: first });
  t.table.members.register({ name: "bob", session: remote });
  running.add(102);
  assert.throws(
    () => t.table.members.register({ name: "alice", session: next }),
    /in use by another session .*\(stdio, pid 101\); .*retry in 60 s \(at \d\d:\d\d:\d\d UTC\)/,
    "a live process keeps its name, and the refusal says when to retry",
  );
  running.delete(101); // kill -9
  t.table.members.register({ name: "alice", session: next });
  assert.equal(t.table.members.heldRole("alice", "next"), "agent");
  assert.equal(t.table.audit.query({ action: "member.reclaimed" })[0]?.target, "alice");
  assert.throws(
    () => t.table.members.register({ name: "bob", session: { ...next, id: "n2" } }),
    /in use by another session/,
    "a pid on another host is never checked here",
  );
});

Deno.test("a newer session presenting the name's credential takes it over; the older cannot take it back", () => {
  using t = tempTable();
  const key = t.table.members.issueCredential({ name: "alice", by: humanActor("op") }).credential;
  const old = { id: "old", where: "http 10.0.0.5", key, opened: t.clock.now() };
  t.table.members.register({ name: "alice", session: old });
  t.clock.advance(1_000);
  const stranger = { id: "stranger", where: "http 10.0.0.9", opened: t.clock.now() };
  assert.throws(() => t.table.members.register({ name: "alice", session: stranger }), /credential/);
  const fresh = { id: "fresh", where: "http 10.0.0.5", key, opened: t.clock.now() };
  t.table.members.register({ name: "alice", session: fresh });
  assert.equal(t.table.members.heldRole("alice", "fresh"), "agent");
  assert.equal(t.table.members.heldElsewhere("alice", "old")?.sessionId, "fresh");
  assert.equal(t.table.members.heldElsewhere("alice", "fresh"), undefined);
  assert.throws(
    () => t.table.members.register({ name: "alice", session: old }),
    /was taken over at \d\d:\d\d UTC by a newer session of alice \(http 10\.0\.0\.5\); this older session has ended/,
  );
  assert.equal(t.table.audit.query({ action: "member.replaced" })[0]?.target, "alice");
});

Deno.test("claiming a task whose assignee is away says since when and when it goes back", () => {
  using t = tempTeam(["alice", "bob"]);
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  t.table.tasks.claim({ taskId: task.id, by: agentActor("bob") });
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, by: agentActor("alice") }),
    /Task \d+ is already claimed by 'bob' \(status in_progress\)\.$/,
  );
  t.table.members.release(testSession("bob").id); // its process died
  advanceLive(t, 3 * minute);
  assert.throws(
    () => t.table.tasks.claim({ taskId: task.id, by: agentActor("alice") }),
    /already claimed by 'bob' \(status in_progress; bob is away since 00:00 UTC \(no session, stream or process\): its work goes back to the board at 00:10 UTC unless it comes back\)/,
  );
  advanceLive(t, 7 * minute + 1);
  t.table.departures.releaseAbandoned();
  assert.equal(t.table.tasks.claim({ taskId: task.id, by: agentActor("alice") }).assignee, "alice");
});
