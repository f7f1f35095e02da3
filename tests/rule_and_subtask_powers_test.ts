/**
 * Subtasks decide when their parent is done, so only the parent's parties (or update_any_task)
 * may hang tasks under it; and a runtime rule acts with its creator's powers, never more.
 */
import assert from "node:assert/strict";
import { agentActor, humanActor } from "../src/core/actor.ts";
import type { RuleDefinition } from "../src/core/rules/rule_definition.ts";
import { ForbiddenError } from "../src/core/errors.ts";
import { defaultRules } from "../src/definitions/load_rules.ts";
import { grantAndJoin, snapshot, tempTable, testSession } from "./support/temp_table.ts";

const alice = agentActor("alice");
const mallory = agentActor("mallory");
const operator = humanActor("operator");

function team() {
  const t = tempTable({ rules: defaultRules() });
  for (const name of ["alice", "bob", "mallory"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  return t;
}

/** Mallory, a lead for a moment, makes a rule and is then an agent again. */
function ruleByFormerLead(t: ReturnType<typeof team>, rule: Omit<RuleDefinition, "enabled">): void {
  grantAndJoin(t, "mallory", "lead");
  t.table.rules.create({ ...rule, enabled: true }, mallory);
  t.table.members.revoke({ name: "mallory", by: operator });
}

Deno.test("create_task under someone else's task is refused, and nothing is written", () => {
  using t = team();
  const epic = t.table.tasks.create({ title: "alice's epic", by: alice });
  t.table.tasks.claim({ taskId: epic.id, by: alice });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.create({ title: "trap", by: mallory, parentId: epic.id }),
    (e: unknown) =>
      e instanceof ForbiddenError &&
      e.message ===
        `parent_id: 'mallory' may not add a subtask under task ${epic.id}: only its creator ` +
          `('alice'), its assignee ('alice') or its reviewer (none) may, and role 'agent' lacks ` +
          `the privilege update_any_task (roles with it: admin, lead).`,
  );
  assert.equal(snapshot(t.db), before);
  assert.equal(t.table.tasks.get(epic.id).status, "in_progress");
});

Deno.test("update_task moving one's own task under someone else's is refused", () => {
  using t = team();
  const epic = t.table.tasks.create({ title: "alice's epic", by: alice });
  const mine = t.table.tasks.create({ title: "mallory's", by: mallory });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.tasks.update({ taskId: mine.id, by: mallory, parentId: epic.id }),
    new RegExp(
      `parent_id: 'mallory' may not move task ${mine.id} under task ${epic.id}: only its ` +
        `creator \\('alice'\\)`,
    ),
  );
  assert.equal(snapshot(t.db), before);
  assert.equal(t.table.tasks.get(mine.id).parent_id, null);
});

Deno.test("the parent's parties and update_any_task may add subtasks; complete-parent still works", () => {
  using t = team();
  grantAndJoin(t, "lead", "lead");
  const epic = t.table.tasks.create({ title: "epic", by: alice });
  t.table.tasks.claim({ taskId: epic.id, by: alice });
  const a = t.table.tasks.create({ title: "a", by: alice, parentId: epic.id });
  const b = t.table.tasks.create({ title: "b", by: agentActor("lead"), parentId: epic.id });
  const c = t.table.tasks.create({ title: "c", by: alice });
  t.table.tasks.update({ taskId: c.id, by: alice, parentId: epic.id });
  for (const task of [a, b, c]) {
    t.table.tasks.update({ taskId: task.id, by: operator, status: "done" });
  }
  assert.equal(t.table.tasks.get(epic.id).status, "done", "the shipped rule acts as operator");
  const [fired] = t.table.audit.query({ action: "rule.fired" }).filter((e) =>
    e.details["rule"] === "complete-parent"
  );
  assert.equal(fired?.agent, "rule:complete-parent");
});

Deno.test("a runtime rule by an agent without update_any_task cannot change others' tasks", () => {
  using t = team();
  ruleByFormerLead(t, {
    name: "finish-everything",
    on: "task.comment",
    then: [{ set_status: "done" }, { comment: "noted by {task.title}" }],
  });
  const task = t.table.tasks.create({ title: "alice's work", by: alice });
  t.table.tasks.claim({ taskId: task.id, by: alice });
  t.table.tasks.comment({ taskId: task.id, by: agentActor("bob"), content: "how is it going?" });
  assert.equal(t.table.tasks.get(task.id).status, "in_progress", "nothing changed");
  const [fired] = t.table.audit.query({ action: "rule.fired" });
  assert.equal(fired?.agent, "rule:finish-everything", "still attributed to the rule");
  assert.deepEqual(fired?.details["actions"], [
    {
      action: "set_status",
      ok: false,
      result: `task_id: 'rule:finish-everything' (acting for 'mallory') may not update task ` +
        `${task.id}: only its creator ('alice'), its assignee ('alice') or its reviewer (none) ` +
        `may, and role 'agent' lacks the privilege update_any_task (roles with it: admin, lead).`,
    },
    { action: "comment", ok: true, result: `commented on task #${task.id}` },
  ]);
});

Deno.test("a runtime rule acts on its owner's own tasks, and with the operator's powers for the operator", () => {
  using t = team();
  ruleByFormerLead(t, {
    name: "finish-mine",
    on: "task.comment",
    then: [{ set_status: "done" }],
  });
  const own = t.table.tasks.create({ title: "mallory's", by: mallory });
  t.table.tasks.claim({ taskId: own.id, by: mallory });
  t.table.tasks.comment({ taskId: own.id, by: alice, content: "done?" });
  assert.equal(t.table.tasks.get(own.id).status, "done", "its owner's task: allowed");
  t.table.rules.create({
    name: "ops-finish",
    on: "task.comment",
    if: "task.title = ops",
    then: [{ set_status: "done" }],
    enabled: true,
  }, operator);
  const other = t.table.tasks.create({ title: "ops", by: alice });
  t.table.tasks.claim({ taskId: other.id, by: alice });
  t.table.tasks.comment({ taskId: other.id, by: agentActor("bob"), content: "go" });
  assert.equal(t.table.tasks.get(other.id).status, "done", "the operator's rule: allowed");
});

Deno.test("a rule's create_task subtask needs its owner's say over the parent", () => {
  using t = team();
  ruleByFormerLead(t, {
    name: "split",
    on: "task.created",
    if: "task.title != part",
    then: [{ create_task: { title: "part", subtask: true } }],
  });
  const epic = t.table.tasks.create({ title: "alice's", by: alice });
  assert.deepEqual(t.table.tasks.detail(epic.id).subtasks, []);
  const [fired] = t.table.audit.query({ action: "rule.fired" });
  const outcomes = fired?.details["actions"];
  assert.match(
    JSON.stringify(outcomes),
    /"ok":false,"result":"parent_id: 'rule:split' \(acting for 'mallory'\) may not add a subtask/,
  );
});

Deno.test("a rule made by an agent never sees messages its creator could not read", () => {
  using t = tempTable();
  for (const name of ["alice", "bob", "carol"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  grantAndJoin(t, "boss", "lead");
  t.table.rules.create({
    name: "spy",
    on: "message.sent",
    then: [{ send_message: { to: "bob", content: "copy: {message.content}" } }],
    enabled: true,
  }, agentActor("boss"));
  t.table.messages.send({ by: agentActor("alice"), recipient: "carol", content: "password=x" });
  t.table.messages.broadcast({ by: agentActor("alice"), content: "standup" });
  t.table.messages.send({ by: agentActor("alice"), recipient: "boss", content: "to boss" });
  const copies = t.table.messages.inbox({ by: agentActor("bob") }).messages
    .filter((m) => m.sender === "rule:spy").map((m) => m.content);
  assert.deepEqual(copies, ["copy: standup", "copy: to boss"], "never alice's mail to carol");
});
