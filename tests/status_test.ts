import { agentActor, humanActor } from "../src/core/actor.ts";
import { awaySummary } from "../src/core/table_summary.ts";
import assert from "node:assert/strict";
import { parseSince, renderStatus } from "../src/cli/status_command.ts";
import { runTeamTable, tempDb } from "./support/test_agent.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { advanceLive, ROLES, tempTable, testSession } from "./support/temp_table.ts";

const minute = 60_000;

Deno.test("status: members with presence, current task and unread; board; blocked; away summary", () => {
  using t = tempTable();
  const start = t.clock.now();
  t.table.members.register({ session: testSession("alice"), name: "alice", role: "architect" });
  t.table.members.register({ session: testSession("bob"), name: "bob", role: "coder" });
  t.table.members.register({ session: testSession("carol"), name: "carol" });
  t.table.members.deregister(agentActor("carol"));
  const design = t.table.tasks.create({ title: "Design the API", by: agentActor("alice") });
  t.table.tasks.claim({ taskId: design.id, by: agentActor("alice") });
  const build = t.table.tasks.create({
    title: "Build it",
    by: agentActor("alice"),
    assignee: "bob",
    blockedBy: [design.id],
  });
  const docs = t.table.tasks.create({ title: "Docs", by: agentActor("alice") });
  t.table.tasks.update({ taskId: docs.id, by: agentActor("alice"), status: "blocked" });
  t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "ping" });
  advanceLive(t, 10 * minute);
  t.table.members.heartbeat(agentActor("alice"));
  advanceLive(t, minute);
  const text = renderStatus(t.table, { since: start, dbPath: "/db" });
  const lines = text.split("\n");
  assert.match(lines[0] ?? "", /^team-table status — \/db — 2026-01-01T00:11:00\.000Z$/);
  assert.match(text, /Members \(3: 1 online, 1 idle, 1 gone\):/);
  assert.match(text, /\n {2}alice +architect +online \(1m ago\) +#1 Design the API +0 unread/);
  assert.match(text, /\n {2}bob +coder +idle \(11m ago\) +— +1 unread/);
  assert.match(text, /\n {2}carol +agent +gone \(11m ago\)/);
  assert.match(text, /Board: pending 1 · in_progress 1 · awaiting_review 0 · done 0 · blocked 1/);
  assert.match(text, /#3 "Docs" \(unassigned\) — marked blocked/);
  assert.match(
    text,
    new RegExp(
      `#${build.id} "Build it" \\(bob\\) — waits for #1 "Design the API" \\(in_progress\\)`,
    ),
  );
  assert.match(
    text,
    /: 0 tasks finished, 1 blocked, 3 created; 1 message; 0 rule firings; 3 agents came, 1 left\./,
  );
});

Deno.test("--since takes a duration or a date", () => {
  const now = Date.parse("2026-11-26T12:00:00Z");
  assert.equal(parseSince("2h", now), now - 7_200_000);
  assert.equal(parseSince("2026-11-26", now), Date.parse("2026-11-26T00:00:00Z"));
  assert.equal(parseSince(undefined, now), now - 86_400_000);
  assert.throws(
    () => parseSince("last week", now),
    /--since 'last week' is not a duration back from now \(30m, 2h, 1d\) or an ISO 8601 date/,
  );
});

Deno.test("team-table status reads the database directly", async () => {
  const db = await tempDb();
  try {
    const handle = openDatabase(db.path);
    const table = createTable({ db: handle, roles: ROLES });
    table.members.register({ session: testSession("alice"), name: "alice" });
    table.tasks.create({ title: "T", by: agentActor("alice") });
    handle.close();
    const result = await runTeamTable(["status", "--since", "1h"], { TEAM_TABLE_DB: db.path });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /alice +agent +online/);
    assert.match(result.stdout, /Board: pending 1 /);
    const bad = await runTeamTable(["status", "--since", "soon"], { TEAM_TABLE_DB: db.path });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--since 'soon' is not a duration back from now/);
  } finally {
    await db.cleanup();
  }
});

/** A task done, sent back and done again; another blocked twice; a third done once. */
function _doneTwice(table: ReturnType<typeof createTable>): void {
  const ops = humanActor("ops");
  const twice = table.tasks.create({ title: "Done twice", by: ops, assignee: "alice" });
  table.tasks.update({ taskId: twice.id, by: ops, status: "done", result: "first try" });
  table.tasks.update({ taskId: twice.id, by: ops, status: "in_progress" });
  table.tasks.update({ taskId: twice.id, by: ops, status: "done", result: "second try" });
  const stuck = table.tasks.create({ title: "Blocked twice", by: ops, assignee: "alice" });
  table.tasks.update({ taskId: stuck.id, by: ops, status: "blocked" });
  table.tasks.update({ taskId: stuck.id, by: ops, status: "in_progress" });
  table.tasks.update({ taskId: stuck.id, by: ops, status: "blocked" });
  const once = table.tasks.create({ title: "Done once", by: ops, assignee: "alice" });
  table.tasks.update({ taskId: once.id, by: ops, status: "done", result: "ok" });
}

Deno.test("the away summary counts a task done (or blocked) twice once", () => {
  using t = tempTable();
  const start = t.clock.now();
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  _doneTwice(t.table);
  const summary = awaySummary(t.table, start);
  assert.equal(summary.tasks_finished, 2, "Done twice and Done once");
  assert.equal(summary.tasks_blocked, 1, "Blocked twice");
  assert.equal(summary.tasks_created, 3);
  // Only what happened in the window counts: the second completion alone is one task.
  advanceLive(t, minute);
  const later = t.clock.now();
  t.table.tasks.update({ taskId: 1, by: humanActor("ops"), status: "in_progress" });
  t.table.tasks.update({ taskId: 1, by: humanActor("ops"), status: "done", result: "third" });
  assert.equal(awaySummary(t.table, later).tasks_finished, 1);
});

Deno.test("team-table status --since counts a task finished twice once", async () => {
  const db = await tempDb();
  try {
    const handle = openDatabase(db.path);
    const table = createTable({ db: handle, roles: ROLES });
    table.members.register({ session: testSession("alice"), name: "alice" });
    _doneTwice(table);
    handle.close();
    const result = await runTeamTable(["status", "--since", "1h"], { TEAM_TABLE_DB: db.path });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /: 2 tasks finished, 1 blocked, 3 created;/);
  } finally {
    await db.cleanup();
  }
});

Deno.test("team-table status counts each presence as the README says (online, idle, away, gone)", async () => {
  const db = await tempDb();
  try {
    const handle = openDatabase(db.path);
    const table = createTable({ db: handle, roles: ROLES });
    for (const name of ["alice", "bob", "carol", "dave"]) {
      table.members.register({ session: testSession(name), name });
    }
    const now = Date.now();
    // bob's session lives but made no call for 5 minutes; dave's session ended long ago.
    handle.prepare("UPDATE members SET last_seen = ? WHERE name = 'bob'").run(now - 5 * minute);
    handle.prepare("UPDATE members SET seen_at = ? WHERE name = 'dave'").run(now - 60 * minute);
    table.members.deregister(agentActor("carol"));
    handle.close();
    const result = await runTeamTable(["status"], { TEAM_TABLE_DB: db.path });
    assert.equal(result.code, 0, result.stderr);
    const header = "Members (4: 1 online, 1 idle, 1 away, 1 gone):";
    assert.match(result.stdout, new RegExp(`^${header.replace(/[()]/g, "\\$&")}$`, "m"));
    assert.match(result.stdout, /^ {2}bob +agent +idle \(5m ago\)/m);
    const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
    assert.ok(readme.includes(`\`${header}\``), "the README shows the real header");
  } finally {
    await db.cleanup();
  }
});
