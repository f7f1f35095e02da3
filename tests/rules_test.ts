import { agentActor, humanActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { compileRule, type RuleDefinition } from "../src/core/rules/rule_definition.ts";
import { defaultRules, loadRules } from "../src/definitions/load_rules.ts";
import { RuleFileError } from "../src/definitions/file_problems.ts";
import { parseRulesFile } from "../src/definitions/parse_rules_file.ts";
import { advanceLive, grantAndJoin, tempTable, testSession } from "./support/temp_table.ts";

const minute = 60_000;

function rule(definition: Omit<RuleDefinition, "enabled"> & { enabled?: boolean }) {
  return compileRule({ enabled: true, ...definition }, "test");
}

function team(rules = defaultRules()) {
  const t = tempTable({ rules });
  for (const name of ["alice", "bob", "carol"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  return t;
}

function firings(t: ReturnType<typeof team>, name?: string) {
  return t.table.audit.query({ action: "rule.fired" }).filter((e) =>
    !name || e.details["rule"] === name
  );
}

Deno.test("default: complete-parent — the parent is done when every subtask is", () => {
  using t = team();
  const parent = t.table.tasks.create({ title: "epic", by: agentActor("alice") });
  const a = t.table.tasks.create({ title: "a", by: agentActor("alice"), parentId: parent.id });
  const b = t.table.tasks.create({ title: "b", by: agentActor("alice"), parentId: parent.id });
  t.table.tasks.update({ taskId: a.id, by: agentActor("alice"), status: "done" });
  assert.equal(t.table.tasks.get(parent.id).status, "pending");
  t.table.tasks.update({ taskId: b.id, by: agentActor("alice"), status: "done" });
  assert.equal(t.table.tasks.get(parent.id).status, "done");
  const feed = t.table.tasks.detail(parent.id).feed;
  assert.match(feed, /\[status_change\] rule:complete-parent moved task from pending to done/);
  assert.match(
    feed,
    /\[status_change\] rule:complete-parent fired on task.all_subtasks_complete: set_status: task #1 is done/,
  );
  assert.deepEqual(t.table.tasks.detail(parent.id).subtasks.map((s) => s.status), ["done", "done"]);
});

Deno.test("default: notify-blocked tells the assignee; request-review tells the reviewer", () => {
  using t = team();
  const task = t.table.tasks.create({
    title: "T",
    by: agentActor("alice"),
    assignee: "bob",
    reviewer: "carol",
  });
  t.table.tasks.update({ taskId: task.id, by: agentActor("alice"), status: "blocked" });
  const bobs = t.table.messages.inbox({ by: agentActor("bob") }).messages;
  assert.deepEqual(bobs.map((m) => [m.sender, m.content, m.task_id]), [[
    "rule:notify-blocked",
    'Rule notify-blocked: task #1 "T" is now blocked (by alice).',
    1,
  ]]);
  t.table.tasks.update({ taskId: task.id, by: agentActor("alice"), status: "awaiting_review" });
  const carols = t.table.messages.inbox({ by: agentActor("carol") }).messages;
  assert.equal(carols[0]?.sender, "rule:request-review");
  t.table.tasks.update({ taskId: task.id, by: agentActor("bob"), status: "blocked" });
  const skipped = firings(t, "notify-blocked")[0];
  assert.deepEqual(skipped?.details["actions"], [{
    action: "notify",
    ok: true,
    result: "skipped: task.assignee names nobody to tell (or only the actor)",
  }]);
  // The audit log keeps what a rule skipped; the task's feed, which agents read, does not.
  const feed = t.table.tasks.detail(task.id).feed;
  assert.match(feed, /rule:notify-blocked fired on task.status_changed: notify: told bob/);
  assert.doesNotMatch(feed, /skipped/);
});

Deno.test("default: assign-idle gives an idle agent the next task for its role, once", () => {
  using t = team();
  t.table.members.register({ session: testSession("tess"), name: "tess", role: "tester" });
  t.table.tasks.create({ title: "docs", by: agentActor("alice") });
  t.table.tasks.create({ title: "tests", by: agentActor("alice"), type: "test" });
  advanceLive(t, 4 * minute);
  t.table.members.heartbeat(agentActor("alice"));
  t.table.members.heartbeat(agentActor("bob"));
  t.table.members.heartbeat(agentActor("carol"));
  assert.equal(t.table.ruleEngine.tick(), 0, "nobody idle for 5 minutes yet");
  advanceLive(t, 2 * minute);
  assert.equal(t.table.ruleEngine.tick(), 1, "tess is idle");
  assert.equal(t.table.tasks.list({ assignee: "tess" })[0]?.title, "tests", "by role affinity");
  assert.equal(t.table.ruleEngine.tick(), 0, "the same idle spell fires once");
  advanceLive(t, 4 * minute);
  const fired = t.table.ruleEngine.tick();
  assert.equal(fired, 3, "alice, bob and carol are idle now");
  assert.equal(t.table.tasks.list({ assignee: "alice" }).length, 1);
  const details = firings(t, "assign-idle").map((e) =>
    String((e.details["actions"] as { result: string }[])[0]?.result)
  );
  assert.ok(details.some((r) => /no pending task for/.test(r)), details.join("; "));
  t.table.members.heartbeat(agentActor("tess"));
  advanceLive(t, 6 * minute);
  t.table.ruleEngine.tick();
  assert.match(
    String((firings(t, "assign-idle")[0]?.details["actions"] as { result: string }[])[0]?.result),
    /skipped: tess already has task #2|already has/,
  );
});

Deno.test("each trigger fires with its fields", () => {
  const rules = [
    rule({
      name: "t1",
      on: "task.created",
      if: "task.priority = high",
      then: [{ comment: "high: {task.title}" }],
    }),
    rule({
      name: "t2",
      on: "task.comment",
      if: "comment.type = blocker",
      then: [{ notify: "role:lead" }],
    }),
    rule({ name: "t3", on: "task.unblocked", then: [{ comment: "free now" }] }),
    rule({
      name: "t4",
      on: "message.sent",
      if: "message.broadcast = true",
      then: [{ send_message: { to: "carol", content: "saw {message.sender}" } }],
    }),
    rule({
      name: "t5",
      on: "agent.registered",
      if: "event.returning = false",
      then: [{ send_message: { to: "alice", content: "welcome {agent.name} ({agent.role})" } }],
    }),
    rule({
      name: "t6",
      on: "context.changed",
      if: "context.ns = specs",
      then: [{ create_task: { title: "review {context.key} v{context.version}", type: "review" } }],
    }),
  ];
  using t = team(rules);
  grantAndJoin(t, "boss", "lead");
  const high = t.table.tasks.create({ title: "hot", by: agentActor("alice"), priority: "high" });
  t.table.tasks.create({ title: "cold", by: agentActor("alice") });
  assert.match(t.table.tasks.detail(high.id).feed, /\[comment\] rule:t1: high: hot/);
  t.table.tasks.comment({
    taskId: high.id,
    by: agentActor("alice"),
    content: "stuck",
    type: "blocker",
  });
  assert.match(
    t.table.messages.inbox({ by: agentActor("boss") }).messages.at(-1)?.content ?? "",
    /Rule t2: task #1 "hot" is now blocked/,
  );
  const first = t.table.tasks.create({ title: "first", by: agentActor("alice") });
  const second = t.table.tasks.create({
    title: "second",
    by: agentActor("alice"),
    blockedBy: [first.id],
  });
  t.table.tasks.update({ taskId: first.id, by: agentActor("alice"), status: "done" });
  assert.match(t.table.tasks.detail(second.id).feed, /\[comment\] rule:t3: free now/);
  t.table.messages.broadcast({ by: agentActor("bob"), content: "hello" });
  assert.equal(
    t.table.messages.inbox({ by: agentActor("carol") }).messages.at(-1)?.content,
    "saw bob",
  );
  t.table.members.register({ session: testSession("dave"), name: "dave", role: "coder" });
  assert.equal(
    t.table.messages.inbox({ by: agentActor("alice") }).messages.at(-1)?.content,
    "welcome dave (coder)",
  );
  t.table.context.share({ key: "api", value: "v", by: agentActor("bob"), ns: "specs" });
  t.table.context.share({ key: "api", value: "v", by: agentActor("bob"), ns: "notes" });
  assert.deepEqual(
    t.table.tasks.list({}).filter((x) => x.type === "review").map((x) => [x.title, x.creator]),
    [["review api v1", "rule:t6"]],
  );
});

Deno.test("actions: set_status, assign, create_task as a subtask; a failure is recorded and undoes nothing else", () => {
  const rules = [
    rule({
      name: "triage",
      on: "task.created",
      if: "task.type = bugfix",
      then: [
        { assign: "bob" },
        {
          create_task: {
            title: "write a test for {task.title}",
            subtask: true,
            assignee: "task.creator",
          },
        },
        { set_status: "in_progress" },
        { notify: { to: "task.assignee", message: "you got {task.title}" } },
      ],
    }),
  ];
  using t = team(rules);
  const blocker = t.table.tasks.create({ title: "infra", by: agentActor("alice") });
  const bug = t.table.tasks.create({
    title: "crash",
    by: agentActor("alice"),
    type: "bugfix",
    blockedBy: [blocker.id],
  });
  const stored = t.table.tasks.get(bug.id);
  assert.equal(stored.assignee, "bob", "assign worked");
  assert.equal(stored.status, "pending", "set_status failed: the task has an open blocker");
  const kids = t.table.tasks.list({ parentId: bug.id });
  assert.deepEqual(kids.map((k) => [k.title, k.assignee, k.creator]), [[
    "write a test for crash",
    "alice",
    "rule:triage",
  ]]);
  const [fired] = firings(t, "triage");
  const actions = fired?.details["actions"] as { action: string; ok: boolean; result: string }[];
  assert.deepEqual(actions.map((a) => [a.action, a.ok]), [["assign", true], ["create_task", true], [
    "set_status",
    false,
  ], ["notify", true]]);
  assert.match(actions[2]!.result, /cannot start: it is blocked by #1 "infra" \(pending\)/);
  assert.match(
    t.table.tasks.detail(bug.id).feed,
    /rule:triage fired on task.created: assign: task #2 assigned to bob; create_task: created task #3; set_status FAILED: /,
  );
});

Deno.test("chains of rules stop at the depth limit, with an audit entry", () => {
  const rules = [
    rule({
      name: "echo",
      on: "message.sent",
      then: [{ send_message: { to: "bob", content: "echo" } }],
    }),
  ];
  using t = team(rules);
  t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "start" });
  assert.equal(firings(t, "echo").length, 8);
  const [limit] = t.table.audit.query({ action: "rule.chain_limit" });
  assert.deepEqual([
    limit?.details["depth"],
    limit?.details["limit"],
    limit?.details["rules_not_run"],
  ], [8, 8, ["echo"]]);
  assert.equal(
    t.table.messages.inbox({ by: agentActor("bob"), limit: 100 }).messages.length,
    9,
    "the start and 8 echoes",
  );
});

Deno.test("rule files: defaults, overrides, and file:line errors", async () => {
  assert.deepEqual(defaultRules().map((r) => [r.name, r.on, r.source]), [
    ["complete-parent", "task.all_subtasks_complete", "shipped"],
    ["notify-blocked", "task.status_changed", "shipped"],
    ["notify-unblocked", "task.unblocked", "shipped"],
    ["assign-idle", "agent.idle", "shipped"],
    ["request-review", "task.status_changed", "shipped"],
  ]);
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/rules.yaml`;
    Deno.writeTextFileSync(
      path,
      "rules:\n  - name: assign-idle\n    on: agent.idle\n    if: agent.idle > 1m\n    enabled: false\n    then:\n      - assign: next_pending_task\n  - name: mine\n    on: task.created\n    then:\n      - comment: hi\n",
    );
    const loaded = await loadRules(path);
    assert.deepEqual(loaded.map((r) => [r.name, r.enabled, r.source === path]), [
      ["complete-parent", true, false],
      ["notify-blocked", true, false],
      ["notify-unblocked", true, false],
      ["assign-idle", false, true],
      ["request-review", true, false],
      ["mine", true, true],
    ]);
    assert.equal(loaded[3]?.idleMs, 60_000);
    Deno.writeTextFileSync(
      path,
      [
        "rules:",
        "  - name: a",
        "    on: task.created",
        "    if: task.status ==",
        "    then:",
        "      - notify: task.assignee",
        "  - name: b",
        "    on: agent.idle",
        "    then:",
        "      - set_status: done",
        "  - name: a",
        "    on: task.created",
        "    then: [{comment: x}]",
        "  - name: d",
        "    on: task.created",
        "    then: [{comment: x}]",
        "    colour: red",
      ].join("\n"),
    );
    await assert.rejects(() => loadRules(path), (error: unknown) => {
      assert.ok(error instanceof RuleFileError);
      assert.deepEqual(error.problems, [
        `${path}:4: condition 'task.status ==': expected a value but found the end of the condition`,
        `${path}:7: an agent.idle rule needs a condition such as 'agent.idle > 5m' (how long is idle)`,
        `${path}:11: the rule name "a" is used twice`,
        `${path}:17: unknown key "colour"`,
      ]);
      return true;
    });
    await assert.rejects(
      () => loadRules(`${dir}/missing.yaml`),
      /missing\.yaml:1: cannot read the rules file/,
    );
    assert.throws(
      () =>
        parseRulesFile(
          "rules:\n  - name: c\n    on: message.sent\n    then:\n      - set_status: done\n",
          { label: "x.yaml", source: "x" },
        ),
      /x\.yaml:5: set_status acts on the event's task, and message.sent has none/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("runtime rules: create, update, disable file rules, delete — manage_rules only", () => {
  using t = team();
  t.table.members.grant({ name: "boss", role: "lead", by: humanActor("operator") });
  assert.throws(
    () =>
      t.table.rules.create({
        name: "x",
        on: "task.created",
        then: [{ comment: "x" }],
        enabled: true,
      }, agentActor("alice")),
    /'alice' may not create rules: role 'agent' lacks the privilege manage_rules/,
  );
  const created = t.table.rules.create({
    name: "x",
    on: "task.created",
    then: [{ comment: "new task" }],
    enabled: true,
  }, agentActor("boss"));
  assert.equal(created.source, "runtime");
  const task = t.table.tasks.create({ title: "T", by: agentActor("alice") });
  assert.match(t.table.tasks.detail(task.id).feed, /rule:x: new task/);
  assert.throws(
    () =>
      t.table.rules.create({
        name: "x",
        on: "task.created",
        then: [{ comment: "y" }],
        enabled: true,
      }, agentActor("boss")),
    /a rule named 'x' exists already/,
  );
  assert.throws(
    () =>
      t.table.rules.create({
        name: "bad",
        on: "task.created",
        if: "nope",
        then: [{ comment: "y" }],
        enabled: true,
      }, agentActor("boss")),
    /if: condition 'nope': expected an operator/,
  );
  t.table.rules.update("x", { if: "task.priority = high" }, agentActor("boss"));
  const quiet = t.table.tasks.create({ title: "Q", by: agentActor("alice") });
  assert.doesNotMatch(t.table.tasks.detail(quiet.id).feed, /rule:x/);
  assert.throws(
    () => t.table.rules.update("notify-blocked", { on: "task.created" }, agentActor("boss")),
    /only 'enabled' can be changed at run time/,
  );
  t.table.rules.update("notify-blocked", { enabled: false }, agentActor("boss"));
  assert.equal(t.table.rules.list().find((r) => r.name === "notify-blocked")?.enabled, false);
  const b = t.table.tasks.create({ title: "B", by: agentActor("alice"), assignee: "bob" });
  t.table.tasks.update({ taskId: b.id, by: agentActor("alice"), status: "blocked" });
  assert.equal(
    t.table.messages.inbox({ by: agentActor("bob") }).messages.length,
    0,
    "disabled rules do not fire",
  );
  assert.throws(
    () => t.table.rules.delete("notify-blocked", agentActor("boss")),
    /cannot be deleted at run time; disable it/,
  );
  t.table.rules.delete("x", agentActor("boss"));
  assert.throws(() => t.table.rules.delete("x", agentActor("boss")), /there is no rule 'x'/);
  assert.deepEqual(
    t.table.audit.query({ action: "rule.*" }).map((e) => e.action).filter((a) =>
      a !== "rule.fired"
    ),
    [
      "rule.deleted",
      "rule.updated",
      "rule.updated",
      "rule.created",
    ],
  );
});
