import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { agentEnv, grantRole, tempDb, TestAgent } from "./support/test_agent.ts";
import { waitFor } from "./support/wait_for.ts";

/** Rule entries of one agent.idle rule that fires once for sleepy's idle spell. */
function _tickRule(name: string): string {
  return `rules:
  - name: ${name}
    description: Shows that this process has ticked while sleepy was idle.
    on: agent.idle
    if: agent.idle > 5m and agent.name = sleepy
    then:
      - notify: agent.name
`;
}

/** The rule.fired audit entries of `rule` for `target`, as `agent` reads them. */
async function _firings(agent: TestAgent, rule: string, target: string): Promise<number> {
  const log = await agent.ok("get_audit_log", {
    action: "rule.fired",
    agent_name: `rule:${rule}`,
    limit: 200,
  });
  return (log["entries"] as { target: string | null }[]).filter((e) => e.target === target)
    .length;
}

Deno.test("the four default rules and runtime rules, end to end, with two processes ticking", async (t) => {
  const db = await tempDb();
  // Each process has one rule of its own: its firing shows that this process has ticked.
  await Deno.writeTextFile(`${db.dir}/tick-lead.yaml`, _tickRule("tick-lead"));
  await Deno.writeTextFile(`${db.dir}/tick-worker.yaml`, _tickRule("tick-worker"));
  const credential = await grantRole(db.path, "boss", "lead");
  const lead = await TestAgent.stdio(db.path, {
    ...agentEnv("boss", credential),
    TEAM_TABLE_TICK: "0.05",
    TEAM_TABLE_RULES: `${db.dir}/tick-lead.yaml`,
  });
  const worker = await TestAgent.stdio(db.path, {
    TEAM_TABLE_TICK: "0.05",
    TEAM_TABLE_RULES: `${db.dir}/tick-worker.yaml`,
  });
  try {
    await lead.ok("register", { name: "boss" });
    await worker.ok("register", { name: "bob", role: "coder" });

    await t.step(
      "list_rules shows the shipped defaults and this process's rules file",
      async () => {
        const rules = await worker.ok("list_rules");
        assert.deepEqual(
          (rules["rules"] as { name: string; source: string; enabled: boolean }[]).map((
            r,
          ) => [r.name, r.source, r.enabled]),
          [
            ["assign-idle", "shipped", true],
            ["complete-parent", "shipped", true],
            ["notify-blocked", "shipped", true],
            ["notify-unblocked", "shipped", true],
            ["request-review", "shipped", true],
            ["tick-worker", `${db.dir}/tick-worker.yaml`, true],
          ],
        );
      },
    );

    await t.step("complete-parent: finishing every subtask finishes the parent", async () => {
      const epic = ((await lead.ok("create_task", { title: "epic" }))["task"] as { id: number }).id;
      const ids: number[] = [];
      for (const title of ["one", "two"]) {
        const made = await lead.ok("create_task", { title, parent_id: epic, assignee: "bob" });
        ids.push((made["task"] as { id: number }).id);
      }
      for (const id of ids) {
        await worker.ok("claim_task", { task_id: id });
        await worker.ok("update_task", { task_id: id, status: "done" });
      }
      const detail = await lead.ok("get_task_detail", { task_id: epic });
      assert.equal((detail["task"] as { status: string }).status, "done");
      assert.match(
        String(detail["feed"]),
        /rule:complete-parent fired on task.all_subtasks_complete/,
      );
      assert.deepEqual((detail["subtasks"] as { status: string }[]).map((s) => s.status), [
        "done",
        "done",
      ]);
    });

    await t.step("notify-blocked and request-review reach the agent as mail", async () => {
      const made = await lead.ok("create_task", {
        title: "api",
        assignee: "bob",
        reviewer: "boss",
      });
      const id = (made["task"] as { id: number }).id;
      await lead.ok("update_task", { task_id: id, status: "blocked" });
      const beat = await worker.call("heartbeat");
      assert.match(
        beat.texts[1] ?? "",
        /from rule:notify-blocked: "Rule notify-blocked: task #\d+ "api" is now blocked/,
      );
      await worker.ok("get_messages");
      await worker.ok("update_task", { task_id: id, status: "awaiting_review" });
      const inbox = await lead.ok("get_messages");
      assert.ok(
        (inbox["messages"] as { sender: string }[]).some((m) => m.sender === "rule:request-review"),
      );
    });

    await t.step(
      "runtime rules: manage_rules only, checked at once, applied by every process",
      async () => {
        const refused = await worker.call("create_rule", {
          name: "x",
          on: "task.created",
          then: [{ comment: "x" }],
        });
        assert.match(
          refused.text,
          /Role 'coder' may not call create_rule: it lacks the privilege manage_rules/,
        );
        const bad = await lead.call("create_rule", {
          name: "x",
          on: "task.created",
          if: "task.colour = red",
          then: [{ comment: "x" }],
        });
        assert.match(bad.text, /if: the field task.colour is not available on task.created/);
        const badAction = await lead.call("create_rule", {
          name: "x",
          on: "task.created",
          then: [{ launch: "rocket" }],
        });
        assert.match(badAction.text, /is not a valid action: use one of/);
        const made = await lead.ok("create_rule", {
          name: "high-alert",
          on: "task.created",
          if: "task.priority = high",
          then: [{ notify: { to: "role:lead", message: "urgent: {task.title}" } }],
        });
        assert.equal((made["rule"] as { source: string }).source, "runtime");
        await worker.ok("create_task", { title: "prod down", priority: "high" });
        const inbox = await lead.ok("get_messages");
        assert.deepEqual((inbox["messages"] as { content: string }[]).map((m) => m.content), [
          "urgent: prod down",
        ]);
        const off = await lead.ok("update_rule", { name: "high-alert", enabled: false });
        assert.equal((off["rule"] as { enabled: boolean }).enabled, false);
        await lead.ok("delete_rule", { name: "high-alert" });
      },
    );

    await t.step(
      "assign-idle: an idle agent gets work exactly once, though two processes tick",
      async () => {
        // sleepy's own process keeps it online (an away agent is never given work).
        const sleeper = await TestAgent.stdio(db.path, { TEAM_TABLE_TICK: "0.05" });
        await sleeper.ok("register", { name: "sleepy", role: "tester" });
        const made = await lead.ok("create_task", { title: "write tests", type: "test" });
        const id = (made["task"] as { id: number }).id;
        const raw = new DatabaseSync(db.path);
        raw.exec("PRAGMA busy_timeout = 5000");
        raw.prepare("UPDATE members SET last_seen = ? WHERE name = 'sleepy'").run(
          Date.now() - 10 * 60_000,
        );
        raw.close();
        const assigned = await waitFor(async () => {
          const task = (await lead.ok("get_task_detail", { task_id: id }))["task"] as {
            assignee: string | null;
          };
          return task.assignee;
        }, { what: "the idle agent to get the task" });
        assert.equal(assigned, "sleepy");
        // Markers: each process's own rule fires in a tick that also evaluated assign-idle for
        // sleepy's idle spell. Once both have fired, both processes have had their chance.
        await waitFor(
          async () =>
            await _firings(lead, "tick-lead", "agent:sleepy") > 0 &&
            await _firings(lead, "tick-worker", "agent:sleepy") > 0,
          { what: "a tick of each process while sleepy is idle" },
        );
        assert.equal(
          await _firings(lead, "assign-idle", "agent:sleepy"),
          1,
          "one firing, whichever process ticked first",
        );
        assert.deepEqual(
          [
            await _firings(lead, "tick-lead", "agent:sleepy"),
            await _firings(lead, "tick-worker", "agent:sleepy"),
          ],
          [1, 1],
          "each marker rule fired once, too",
        );
        await sleeper.close();
      },
    );
  } finally {
    await Promise.all([lead.close(), worker.close()]);
    await db.cleanup();
  }
});

Deno.test("an event-triggered rule fires exactly once per change while two processes write at once", async () => {
  const db = await tempDb();
  const rulesFile = `${db.dir}/rules.yaml`;
  await Deno.writeTextFile(
    rulesFile,
    `rules:
  - name: note-blocked
    on: task.status_changed
    if: task.status = blocked
    then:
      - comment: "noted: {task.title} is blocked"
`,
  );
  const env = { TEAM_TABLE_RULES: rulesFile };
  const one = await TestAgent.stdio(db.path, env);
  const two = await TestAgent.stdio(db.path, env);
  try {
    await one.ok("register", { name: "ann" });
    await two.ok("register", { name: "ben" });
    // Each task is ann's and ben's (creator and reviewer), so either process may move it.
    const ids: number[] = [];
    for (const [agent, reviewer] of [[one, "ben"], [two, "ann"]] as const) {
      for (let i = 0; i < 4; i++) {
        const made = await agent.ok("create_task", { title: `t${ids.length}`, reviewer });
        ids.push((made["task"] as { id: number }).id);
      }
    }
    const ROUNDS = 3;
    // Every task in parallel; on each, rounds of blocked then pending, the two processes taking
    // turns, so both write to the database at the same time throughout.
    await Promise.all(ids.map(async (id, i) => {
      for (let round = 0; round < ROUNDS; round++) {
        const [blocker, unblocker] = (i + round) % 2 === 0 ? [one, two] : [two, one];
        await blocker.ok("update_task", { task_id: id, status: "blocked" });
        await unblocker.ok("update_task", { task_id: id, status: "pending" });
      }
    }));
    for (const id of ids) {
      assert.equal(await _firings(one, "note-blocked", `task:${id}`), ROUNDS, `task ${id}`);
      const feed = String((await two.ok("get_task_detail", { task_id: id }))["feed"]);
      const fired = feed.split("\n").filter((line) =>
        line.includes("rule:note-blocked fired on task.status_changed")
      );
      const comments = feed.split("\n").filter((line) =>
        line.includes(`[comment] rule:note-blocked: noted: t${ids.indexOf(id)} is blocked`)
      );
      assert.deepEqual([fired.length, comments.length], [ROUNDS, ROUNDS], feed);
    }
  } finally {
    await Promise.all([one.close(), two.close()]);
    await db.cleanup();
  }
});
