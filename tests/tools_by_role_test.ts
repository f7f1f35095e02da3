import assert from "node:assert/strict";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { agentEnv, grantRole, runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";
import { startServe } from "./support/serve_process.ts";
import { ADVERTISED_TOOLS } from "../src/mcp/advertised_tools.ts";
import { waitFor } from "./support/wait_for.ts";
import { toolsOf } from "../src/core/permissions/permissions.ts";
import { TOOL_NAMES, TOOL_PRIVILEGES } from "../src/core/permissions/tool_privileges.ts";
import { shippedRoleCatalog } from "../src/definitions/load_roles.ts";

/** What the shipped roles say each role lists, in the server's order. */
const _SHIPPED = shippedRoleCatalog();
const _AGENT_TOOLS = toolsOf(_SHIPPED, "agent");
const _ASYNC_WORKER_TOOLS = toolsOf(_SHIPPED, "async-worker");

const _bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** Bytes of name + description + input schema: what a model reads to choose a tool. */
const _leanBytes = (tools: Tool[]) =>
  _bytes(
    tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
  );

Deno.test("tools/list follows the session's role, and a change is announced", async (t) => {
  const db = await tempDb();
  const worker = await TestAgent.stdio(db.path);
  let changes = 0;
  worker.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes++;
  });
  try {
    const unbound = await worker.tools();
    const unboundNames = unbound.map((tool) => tool.name);

    await t.step("unbound: every tool the default role (agent) may call", () => {
      assert.deepEqual(unboundNames, _AGENT_TOOLS);
      assert.ok(unboundNames.includes("broadcast"));
      assert.ok(!unboundNames.includes("purge_messages"));
      assert.ok(!unboundNames.includes("assign_role"));
    });

    await t.step("schemas without noise", () => {
      const text = JSON.stringify(unbound);
      assert.doesNotMatch(text, /\$schema|9007199254740991|"pattern"/);
      const inputs = JSON.stringify(unbound.map((tool) => tool.inputSchema));
      assert.doesNotMatch(inputs, /"additionalProperties":false|"exclusiveMinimum":0/);
      assert.deepEqual(unbound.find((tool) => tool.name === "list_roles")?.annotations, {
        readOnlyHint: true,
        openWorldHint: false,
      });
      const send = unbound.find((tool) => tool.name === "send_message");
      assert.ok(send?.outputSchema);
      assert.equal(
        send.outputSchema.properties?.["unread"],
        undefined,
        "the badge is described once",
      );
      assert.notEqual(send.outputSchema["additionalProperties"], false, "the badge is allowed");
      assert.equal(
        send.inputSchema.properties?.["sender"],
        undefined,
        "the actor is not advertised",
      );
    });

    await t.step("byte budgets of a default agent's list (sizes, not timings)", () => {
      assert.ok(_bytes({ tools: unbound }) <= BUDGET.list, `${_bytes({ tools: unbound })} bytes`);
      assert.ok(_leanBytes(unbound) <= BUDGET.lean, `${_leanBytes(unbound)} bytes`);
    });

    await t.step("register as async-worker: list_changed, and the list shrinks", async () => {
      await worker.ok("register", { name: "bg", role: "async-worker" });
      await waitFor(() => changes === 1, { what: "notifications/tools/list_changed" });
      const names = (await worker.tools()).map((tool) => tool.name);
      assert.deepEqual(names, _ASYNC_WORKER_TOOLS);
      assert.ok(!names.includes("broadcast"));
      assert.ok(names.includes("next_task"));
    });

    await t.step("an unlisted tool is still refused, naming the role's tools", async () => {
      const refused = await worker.call("broadcast", { content: "hi all" });
      assert.equal(refused.isError, true);
      assert.match(
        refused.text,
        /^Role 'async-worker' may not call broadcast\. Its tools: register/,
      );
    });

    await t.step("deregister: back to the default role's list, announced", async () => {
      await worker.ok("deregister");
      await waitFor(() => changes === 2, { what: "a second list_changed" });
      assert.deepEqual((await worker.tools()).map((tool) => tool.name), _AGENT_TOOLS);
    });

    await t.step("the same role again sends nothing more", async () => {
      await worker.ok("list_roles");
      await worker.ok("register", { name: "plain" });
      await worker.ok("list_members");
      assert.equal(changes, 2);
    });
  } finally {
    await worker.close();
    await db.cleanup();
  }
});

Deno.test("tools/list is the generated list by default, and the same built live with another lease ttl", async () => {
  const db = await tempDb();
  const lead = async (name: string, env: Record<string, string>) =>
    TestAgent.stdio(db.path, { ...env, ...agentEnv(name, await grantRole(db.path, name, "lead")) });
  const generated = await lead("boss", {});
  const live = await lead("chief", { TEAM_TABLE_LEASE_MAX_TTL: "600" });
  try {
    const fromGenerated = await generated.tools();
    assert.deepEqual(fromGenerated.map((tool) => tool.name), TOOL_NAMES);
    assert.deepEqual(fromGenerated, ADVERTISED_TOOLS);
    const fromLive = await live.tools();
    const ttlMaxima = (tools: Tool[]) =>
      tools.flatMap((tool) => {
        const ttl = tool.inputSchema.properties?.["ttl"] as { maximum?: number } | undefined;
        return ttl === undefined ? [] : [`${tool.name} ${ttl.maximum}`];
      });
    const lease = (maximum: number) => [
      `claim_task ${maximum}`,
      "share_context 31536000",
      `reserve_paths ${maximum}`,
      `renew_paths ${maximum}`,
    ];
    assert.deepEqual(ttlMaxima(fromLive), lease(600));
    assert.deepEqual(ttlMaxima(fromGenerated), lease(86400));
    // A lease's default ttl is at most the maximum, and says so.
    const withDefaultTtl = JSON.parse(
      JSON.stringify(fromLive).replaceAll('"maximum":600', '"maximum":86400')
        .replaceAll("Seconds (default 600)", "Seconds (default 3600)"),
    );
    assert.deepEqual(withDefaultTtl, fromGenerated);
  } finally {
    await generated.close();
    await live.close();
    await db.cleanup();
  }
});

const _PRIVILEGED_TOOLS = TOOL_NAMES.filter((tool) => TOOL_PRIVILEGES[tool] !== null);

Deno.test("a role lists only the tools it can use: privileges decide", async (t) => {
  const db = await tempDb();
  const env = {
    TEAM_TABLE_ROLES_DIR: new URL("./testdata/roles-rulekeeper/", import.meta.url).pathname,
  };
  const credential = await grantRole(db.path, "boss", "lead");
  const lead = await TestAgent.stdio(db.path, { ...env, ...agentEnv("boss", credential) });
  const alice = await TestAgent.stdio(db.path, env);
  let changes = 0;
  alice.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes++;
  });
  try {
    await t.step("agent: no tool that needs a privilege it lacks; lead: every tool", async () => {
      const plain = (await alice.tools()).map((tool) => tool.name);
      for (const tool of _PRIVILEGED_TOOLS) {
        assert.ok(!plain.includes(tool), `agent does not list ${tool}`);
      }
      assert.ok(plain.includes("list_rules"));
      const leads = await lead.tools();
      const rule = leads.find((tool) => tool.name === "create_rule");
      assert.deepEqual(
        (rule?.inputSchema.properties?.["then"] as { items?: unknown } | undefined)?.items,
        { type: "object" },
        "a rule's actions are described in words",
      );
      const all = leads.map((tool) => tool.name);
      assert.deepEqual(all, TOOL_NAMES);
      for (const tool of _PRIVILEGED_TOOLS) assert.ok(all.includes(tool), `lead lists ${tool}`);
    });

    await t.step("an unlisted tool is refused, naming the privilege", async () => {
      await alice.ok("register", { name: "alice" });
      const refused = await alice.call("create_rule", {
        name: "r",
        on: "task.created",
        then: [{ comment: "x" }],
      });
      assert.equal(refused.isError, true);
      assert.match(
        refused.text,
        /^Role 'agent' may not call create_rule: it lacks the privilege manage_rules \(roles with it: admin, lead, rulekeeper\)/,
      );
    });

    await t.step("a granted role with manage_rules: list_changed, and the list grows", async () => {
      const granted = await runTeamTable(["members", "grant", "alice", "rulekeeper"], {
        TEAM_TABLE_DB: db.path,
        ...env,
      });
      assert.equal(granted.code, 0, granted.stderr);
      await alice.ok("list_members");
      await waitFor(() => changes === 1, { what: "notifications/tools/list_changed" });
      const names = (await alice.tools()).map((tool) => tool.name);
      for (const tool of ["create_rule", "update_rule", "delete_rule"]) {
        assert.ok(names.includes(tool), `rulekeeper lists ${tool}`);
      }
      assert.ok(!names.includes("purge_messages"));
      const made = await alice.ok("create_rule", {
        name: "r",
        on: "task.created",
        then: [{ comment: "seen" }],
      });
      assert.equal((made["rule"] as { name: string }).name, "r");
    });
  } finally {
    await lead.close();
    await alice.close();
    await db.cleanup();
  }
});

/**
 * A default agent's tools/list, in bytes: 28,5xx and 17,1xx now (135,018 and 42,653 before
 * #20); the bars are 40,000 and 20,000 (docs/performance.md). ~5% headroom: guards against
 * growing back.
 */
const BUDGET = { list: 30_000, lean: 18_000 };

Deno.test("list_tasks: summaries in pages with a cursor, text without nulls", async () => {
  const db = await tempDb();
  const agent = await TestAgent.stdio(db.path);
  try {
    await agent.ok("register", { name: "alice" });
    for (let i = 0; i < 25; i++) {
      await agent.ok("create_task", { title: `task ${i}`, description: "d".repeat(2_000) });
    }
    const first = await agent.call("list_tasks", { limit: 20 });
    assert.ok(first.text.length <= 5_000, `${first.text.length} characters for 20 tasks`);
    assert.doesNotMatch(first.text, /null|\[\]|ddddd/);
    assert.equal(first.structured?.["count"], 20);
    const cursor = first.structured?.["next_cursor"];
    assert.equal(typeof cursor, "string");
    const rest = await agent.ok("list_tasks", { limit: 20, cursor });
    assert.equal(rest["count"], 5);
    assert.equal(rest["next_cursor"], undefined);
  } finally {
    await agent.close();
    await db.cleanup();
  }
});

Deno.test("a role granted from elsewhere reaches a connected agent's tool list without a call", async (t) => {
  const db = await tempDb();
  const server = await startServe(db.path, { env: { TEAM_TABLE_HEARTBEAT: "0.2" } });
  try {
    await t.step("HTTP: within a heartbeat", async () => {
      const worker = await TestAgent.http(server.url, server.token);
      try {
        let changes = 0;
        worker.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
          changes++;
        });
        await worker.ok("register", { name: "worker" });
        const granted = await runTeamTable(["members", "grant", "worker", "lead"], {
          TEAM_TABLE_DB: db.path,
        });
        assert.equal(granted.code, 0, granted.stderr);
        await waitFor(() => changes === 1, { what: "tools/list_changed with no call made" });
        assert.ok((await worker.tools()).some((tool) => tool.name === "create_rule"));
      } finally {
        await worker.terminate();
      }
    });
    await t.step("stdio: within a tick", async () => {
      const agent = await TestAgent.stdio(db.path, { TEAM_TABLE_TICK: "0.2" });
      try {
        let changes = 0;
        agent.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
          changes++;
        });
        await agent.ok("register", { name: "helper" });
        const granted = await runTeamTable(["members", "grant", "helper", "lead"], {
          TEAM_TABLE_DB: db.path,
        });
        assert.equal(granted.code, 0, granted.stderr);
        await waitFor(() => changes === 1, { what: "tools/list_changed with no call made" });
      } finally {
        await agent.close();
      }
    });
  } finally {
    await server.stop();
    await db.cleanup();
  }
});
