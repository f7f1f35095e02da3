import assert from "node:assert/strict";
import { agentActor, humanActor, ruleActor, SYSTEM_ACTOR } from "../src/core/actor.ts";
import type { Change } from "../src/core/changes/change.ts";
import { auditOf } from "../src/core/changes/change_audit.ts";
import { feedOf } from "../src/core/changes/change_feed.ts";
import { outboxOf } from "../src/core/changes/change_outbox.ts";
import { triggersOf } from "../src/core/changes/change_triggers.ts";
import { ValidationError } from "../src/core/errors.ts";
import { MemberDirectory } from "../src/core/members/member_directory.ts";
import { compileRule } from "../src/core/rules/rule_definition.ts";
import { RuleEngine } from "../src/core/rules/rule_engine.ts";
import { RuleSet } from "../src/core/rules/rule_set.ts";
import { Statements } from "../src/db/statements.ts";
import { Transactor } from "../src/db/transaction.ts";
import { snapshot, tempTable, tempTeam, testSession } from "./support/temp_table.ts";

Deno.test("one change, four derivations: audit row, feed line, events, triggers", () => {
  using t = tempTeam(["alice", "bob"]);
  const before = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  const task = { ...before, status: "in_progress" as const, assignee: "bob" };
  const change: Change = { type: "task.claimed", by: agentActor("bob"), before, task };
  assert.deepEqual(auditOf(change), { agent: "bob", action: "task.claimed", target: task.id });
  assert.deepEqual(feedOf(change).map((l) => l.content), ["claimed task"]);
  assert.deepEqual(outboxOf(change).map((e) => [e.type, e.recipient]), [["task_claimed", "alice"]]);
  assert.deepEqual(triggersOf(change).map((r) => [r.trigger, r.fields["event.to"]]), [
    ["task.status_changed", "in_progress"],
  ]);
});

Deno.test("actors are labelled the same way everywhere: agent, rule:, human:, the system", () => {
  const base = { type: "rule.deleted" as const, name: "r", details: {} };
  assert.equal(auditOf({ ...base, by: agentActor("bob") })?.agent, "bob");
  assert.equal(auditOf({ ...base, by: ruleActor("x") })?.agent, "rule:x");
  assert.equal(auditOf({ ...base, by: humanActor("ops") })?.agent, "human:ops");
  assert.equal(auditOf({ ...base, by: SYSTEM_ACTOR })?.agent, null);
});

Deno.test("a store publishes exactly what the derivations say, in its transaction", () => {
  using t = tempTeam(["alice", "bob"]);
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice"), assignee: "bob" });
  const rows = t.db.prepare("SELECT action FROM audit_log WHERE target = ?").all(String(task.id));
  assert.deepEqual(rows.map((r) => r["action"]), ["task.created"]);
  const events = t.table.events.after(0).filter((e) => e.type === "task_created");
  assert.deepEqual(events.map((e) => e.recipient), ["bob"]);
  assert.match(t.table.tasks.detail(task.id).feed, /\[status_change\] alice created task for bob/);
});

Deno.test("the stores enforce limits and name rules whoever calls them", () => {
  using t = tempTeam(["alice"]);
  const before = snapshot(t.db);
  const refuses = (fn: () => unknown, pattern: RegExp) =>
    assert.throws(fn, (e: unknown) => e instanceof ValidationError && pattern.test(e.message));
  refuses(
    () => t.table.members.grant({ name: "*", role: "lead", by: humanActor("operator") }),
    /name '\*' is not a valid agent name/,
  );
  refuses(
    () => t.table.members.register({ session: testSession("rule:x"), name: "rule:x" }),
    /reserved for rules and humans/,
  );
  refuses(
    () => t.table.tasks.create({ title: "x".repeat(201), by: humanActor("ops") }),
    /title is too long: 201 characters; the limit is 200/,
  );
  refuses(
    () => t.table.messages.broadcast({ by: humanActor("ops"), content: "" }),
    /content must not be empty/,
  );
  refuses(
    () => t.table.context.share({ key: "k", value: "v", by: agentActor("alice"), ttl: 0.5 }),
    /ttl must be a whole number of seconds from 0 \(never expires\)/,
  );
  assert.equal(snapshot(t.db), before, "nothing written");
});

Deno.test("a rule's create_task over the title limit fails alone and is reported", () => {
  using t = tempTable({
    rules: [compileRule({
      name: "spawn",
      on: "task.created",
      if: "task.priority = high",
      then: [{ create_task: { title: "follow-up {task.title}" } }, { comment: "noted" }],
      enabled: true,
    }, "test")],
  });
  t.table.members.register({ session: testSession("alice"), name: "alice" });
  const seed = t.table.tasks.create({
    title: "x".repeat(195),
    priority: "high",
    by: agentActor("alice"),
  });
  assert.equal(t.table.tasks.list({}).length, 1, "no task with a 205-character title");
  const [fired] = t.table.audit.query({ action: "rule.fired" });
  assert.deepEqual(fired?.details["actions"], [
    {
      action: "create_task",
      ok: false,
      result: "title is too long: 205 characters; the limit is 200",
    },
    { action: "comment", ok: true, result: `commented on task #${seed.id}` },
  ]);
  assert.match(t.table.tasks.detail(seed.id).feed, /\[comment\] rule:spawn: noted/);
});

Deno.test("an unknown event type in the outbox fails loudly, not as a 'message'", () => {
  using t = tempTeam(["alice"]);
  t.db.prepare(
    "INSERT INTO events (at, recipient, except_agent, type, payload) VALUES (0, 'alice', NULL, 'bogus', '{}')",
  ).run();
  assert.throws(() => t.table.events.after(0), /unknown type 'bogus'/);
});

Deno.test("a rule engine without its actions refuses to run instead of dropping rules", () => {
  using t = tempTable();
  const sql = new Statements(t.db);
  const engine = new RuleEngine({
    tx: new Transactor(t.db),
    sql,
    clock: t.clock,
    rules: new RuleSet(sql, []),
    directory: new MemberDirectory({ sql, clock: t.clock, presenceMs: 60_000 }),
  });
  assert.throws(() => engine.emit("task.created", {}, {}), /no actions attached/);
  assert.throws(() => engine.tick(), /no actions attached/);
});
