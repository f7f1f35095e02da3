import assert from "node:assert/strict";
import { agentEnv, grantRole, runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";

const testdata = new URL("./testdata/", import.meta.url).pathname;

Deno.test("roles through the MCP client: tools and privileges allowed and refused", async (t) => {
  const db = await tempDb();
  const env = { TEAM_TABLE_ROLES_DIR: `${testdata}roles-override` };
  const credential = await grantRole(db.path, "lead1", "lead");
  const lead = await TestAgent.stdio(db.path, { ...env, ...agentEnv("lead1", credential) });
  const coder = await TestAgent.stdio(db.path, env);
  const worker = await TestAgent.stdio(db.path, env);
  const auditor = await TestAgent.stdio(db.path, env);
  try {
    const registered = await lead.ok("register", { name: "lead1" });
    const leadRole = registered["role"] as {
      name: string;
      privileges: string[];
      guidelines: string;
    };
    assert.equal(leadRole.name, "lead", "a granted role is kept when register omits it");
    assert.match(leadRole.guidelines, /You lead this team/);
    const coderReg = await coder.ok("register", { name: "cody", role: "coder" });
    assert.equal(
      (coderReg["role"] as { description: string }).description,
      "Our coders write Rust.",
    );
    assert.deepEqual((coderReg["member"] as { capabilities: string[] }).capabilities, ["rust"]);
    await worker.ok("register", { name: "bg", role: "async-worker" });
    await auditor.ok("register", { name: "audi", role: "auditor" });

    await t.step(
      "tools a role cannot call are not listed, and refused naming role and tool",
      async () => {
        const names = (await worker.tools()).map((tool) => tool.name);
        assert.ok(!names.includes("broadcast"));
        const refused = await worker.call("broadcast", { content: "hi all" });
        assert.equal(refused.isError, true);
        assert.match(
          refused.text,
          /^Role 'async-worker' may not call broadcast\. Its tools: register/,
        );
        const overridden = await coder.call("broadcast", { content: "hi" });
        assert.match(
          overridden.text,
          /Role 'coder' may not call broadcast/,
          "the override excludes it",
        );
      },
    );

    await t.step("delete_any_message", async () => {
      const sent = await worker.ok("send_message", { recipient: "audi", content: "private" });
      const id = (sent["message"] as { id: number }).id;
      const refused = await coder.call("delete_message", { message_id: id });
      assert.match(
        refused.text,
        /'cody' may not delete message \d+: only its sender \('\w+'\) or its recipients may/,
      );
      const deleted = await lead.ok("delete_message", { message_id: id });
      assert.equal(deleted["scope"], "everyone");
    });

    await t.step("purge_messages", async () => {
      const refused = await coder.call("purge_messages", { before_date: "2000-01-01" });
      assert.match(refused.text, /Role 'coder' may not call purge_messages/);
      const ok = await lead.ok("purge_messages", { before_date: "2000-01-01" });
      assert.equal(ok["purged"], 0);
    });

    await t.step("claim_assigned and update_any_task", async () => {
      const made = await lead.ok("create_task", { title: "for bg", assignee: "bg" });
      const id = (made["task"] as { id: number }).id;
      const claim = await coder.call("claim_task", { task_id: id });
      assert.match(
        claim.text,
        /may not claim task \d+: only its assignee \('bg'\) may, and role 'coder' lacks the privilege claim_assigned/,
      );
      const update = await coder.call("update_task", { task_id: id, status: "blocked" });
      assert.match(update.text, /'cody' may not update task/);
      assert.equal(
        ((await lead.ok("claim_task", { task_id: id }))["task"] as { assignee: string }).assignee,
        "lead1",
      );
      const other = await coder.ok("create_task", { title: "cody's" });
      const otherId = (other["task"] as { id: number }).id;
      const moved = await lead.ok("update_task", { task_id: otherId, status: "blocked" });
      assert.equal((moved["task"] as { status: string }).status, "blocked");
    });

    await t.step("assign_roles", async () => {
      const noTool = await coder.call("assign_role", { name: "bg", role: "reviewer" });
      assert.match(noTool.text, /Role 'coder' may not call assign_role/);
      const noPrivilege = await auditor.call("assign_role", { name: "bg", role: "reviewer" });
      assert.match(
        noPrivilege.text,
        /Role 'auditor' may not call assign_role: it lacks the privilege assign_roles \(roles with it: admin, lead\)/,
      );
      const given = await lead.ok("assign_role", { name: "bg", role: "coder" });
      assert.equal((given["member"] as { role: string }).role, "coder");
      const nowCoder = await worker.call("broadcast", { content: "still no" });
      assert.match(
        nowCoder.text,
        /Role 'coder' may not call broadcast/,
        "the next call uses the new role",
      );
      const noKey = await lead.call("assign_role", { name: "audi", role: "lead" });
      assert.match(
        noKey.text,
        /'lead' is privileged and 'audi' has no credential; the operator issues one with: team-table members token audi/,
      );
      const issued = await runTeamTable(["members", "token", "audi"], { TEAM_TABLE_DB: db.path });
      assert.match(issued.stdout, /credential: ttk_/, issued.stderr);
      const promoted = await lead.ok("assign_role", { name: "audi", role: "lead" });
      assert.equal((promoted["member"] as { role: string }).role, "lead");
      const lost = await auditor.call("purge_messages", { before_date: "2000-01-01" });
      assert.match(lost.text, /'audi' has a credential/, "the new credential freed the name");
      const credential = issued.stdout.match(/credential: (ttk_\S+)/)?.[1] ?? "";
      const audi = await TestAgent.stdio(db.path, { ...env, ...agentEnv("audi", credential) });
      try {
        assert.equal(
          (await audi.ok("purge_messages", { before_date: "2000-01-01" }))["purged"],
          0,
        );
      } finally {
        await audi.close();
      }
    });

    await t.step("list_roles and get_role need no registration", async () => {
      const stranger = await TestAgent.stdio(db.path, env);
      try {
        const roles = await stranger.ok("list_roles");
        assert.equal(roles["count"], 10);
        const one = await stranger.ok("get_role", { name: "auditor" });
        assert.deepEqual((one["role"] as { task_affinity: string[] }).task_affinity, ["audit"]);
      } finally {
        await stranger.close();
      }
    });
  } finally {
    await Promise.all([lead.close(), coder.close(), worker.close(), auditor.close()]);
    await db.cleanup();
  }
});

Deno.test("affinity ordering, and next_task claims atomically across processes", async () => {
  const db = await tempDb();
  const agents = await Promise.all(Array.from({ length: 8 }, () => TestAgent.stdio(db.path)));
  try {
    const [boss, ...rest] = agents;
    await boss!.ok("register", { name: "boss", role: "architect" });
    await Promise.all(
      rest.map((a, i) => a.ok("register", { name: `c${i}`, role: i % 2 ? "tester" : "coder" })),
    );
    await boss!.ok("create_task", { title: "plain high", priority: "high" });
    await boss!.ok("create_task", { title: "test low", priority: "low", type: "test" });
    await boss!.ok("create_task", { title: "implement", type: "implement" });
    await boss!.ok("create_task", { title: "for c0 only", assignee: "c0", priority: "low" });

    const mine = await rest[1]!.ok("list_tasks", { mine_first: true });
    assert.deepEqual(
      (mine["tasks"] as { title: string }[]).map((task) => task.title),
      ["test low", "plain high", "implement", "for c0 only"],
      "a tester sees test work first, then by priority",
    );
    const peek = await rest[0]!.ok("next_task");
    assert.deepEqual(
      [(peek["task"] as { title: string }).title, peek["claimed"]],
      ["for c0 only", false],
      "work assigned to you comes first",
    );

    for (let i = 0; i < 6; i++) await boss!.ok("create_task", { title: `extra ${i}` });
    const outcomes = await Promise.all(rest.map((a) => a.ok("next_task", { claim: true })));
    const claimed = outcomes.map((o) => (o["task"] as { id: number } | null)?.id);
    assert.equal(claimed.filter((id) => id !== undefined).length, 7, "each of 7 agents got a task");
    assert.equal(new Set(claimed).size, 7, "no task was handed out twice");
    assert.ok(outcomes.every((o) => o["claimed"] === true));
    const left = await boss!.ok("list_tasks", { status: "pending" });
    assert.equal(left["count"], 3);
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await db.cleanup();
  }
});
