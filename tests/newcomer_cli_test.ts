/**
 * Issue #17 through the command line (spawned main.ts, or TEAM_TABLE_BIN): a newcomer's first
 * hour, every step that surprised them.
 */
import assert from "node:assert/strict";
import { MAIN, runTeamTable as run, tempDb, TestAgent } from "./support/test_agent.ts";
import { startServe } from "./support/serve_process.ts";

const NO_STACK = /\s+at /;

Deno.test("global options work before or after the command", async () => {
  const db = await tempDb();
  try {
    await run(["--db", db.path, "task", "create", "seed"]);
    for (const args of [["--db", db.path, "status"], ["status", "--db", db.path]]) {
      const result = await run(args);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^team-table status — /);
    }
    const misplaced = await run(["--port", "1", "status"]);
    assert.equal(misplaced.code, 2);
    assert.equal(misplaced.stderr, "team-table: --port is not an option of 'status'\n");
  } finally {
    await db.cleanup();
  }
});

Deno.test("read-only commands refuse a database that does not exist, and create nothing", async () => {
  const db = await tempDb();
  try {
    const typo = `${db.dir}/typo.db`;
    for (
      const args of [
        ["status"],
        ["members", "list"],
        ["poll", "alice", "--once"],
        ["task", "list"],
        ["context", "get", "k"],
        ["send", "bob", "hi"],
      ]
    ) {
      const result = await run([...args, "--db", typo]);
      assert.equal(result.code, 1, `${args.join(" ")}: ${result.stderr}`);
      assert.equal(
        result.stderr,
        `team-table: cannot open database ${typo}: no such file (check --db or TEAM_TABLE_DB; ` +
          "the table is created when the first agent connects)\n",
      );
      assert.equal(await Deno.stat(typo).then(() => true, () => false), false);
    }
  } finally {
    await db.cleanup();
  }
});

Deno.test("humans act from the CLI as human:OPERATOR: send, broadcast, tasks, context; audited", async () => {
  const db = await tempDb();
  const bob = await TestAgent.stdio(db.path);
  try {
    await bob.call("register", { name: "bob" });
    const env = { TEAM_TABLE_DB: db.path, TEAM_TABLE_OPERATOR: "ops" };
    const ok = async (args: string[], expected: RegExp, extra: Record<string, string> = {}) => {
      const result = await run(args, { ...env, ...extra });
      assert.equal(result.code, 0, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stdout, expected);
      return result.stdout;
    };
    await ok(["send", "bob", "hello from a human"], /^message #1 sent to bob as human:ops\n$/);
    await ok(["broadcast", "standup at 10"], /^message #2 sent to 1 members as human:ops\n$/);
    await ok(
      ["task", "create", "Fix login", "--priority", "high", "--description", "500 on submit"],
      /^created #1 \[pending, high\] Fix login \(unassigned\)\n$/,
    );
    await ok(["task", "assign", "1", "bob"], /^assigned #1 \[pending, high\] Fix login \(bob\)\n$/);
    await ok(
      ["task", "update", "1", "--status", "in_progress"],
      /^updated #1 \[in_progress, high\] Fix login \(bob\)\n$/,
    );
    await ok(
      ["task", "close", "1", "--result", "fixed", "--operator", "lead-human"],
      /^updated #1 \[done, high\] Fix login \(bob\)\n$/,
    );
    await ok(["task", "list"], /^#1 \[done, high\] Fix login \(bob\)\n$/);
    const shown = await ok(["task", "show", "1"], /result: fixed/);
    assert.match(shown, /human:ops created task/);
    assert.match(shown, /human:lead-human moved task from in_progress to done; result: fixed/);
    await ok(
      ["context", "set", "deploy", "friday", "--ns", "ops", "--ttl", "3600"],
      /^ops\/deploy is now version 1 by human:ops\n$/,
    );
    await ok(["context", "get", "deploy", "--ns", "ops"], /^friday\n$/);
    await ok(["context", "list"], /^ops\/deploy v1 by human:ops/);
    const inbox = await bob.call("get_messages");
    assert.match(inbox.text, /hello from a human/);
    assert.match(inbox.text, /standup at 10/);
    const audit = await bob.call("get_audit_log", { agent_name: "human:ops" });
    const actions = (audit.structured?.["entries"] as { action: string }[]).map((e) => e.action);
    for (const action of ["message.sent", "message.broadcast", "task.created", "context.shared"]) {
      assert.ok(actions.includes(action), `${action} audited: ${actions.join(", ")}`);
    }
  } finally {
    await bob.close();
    await db.cleanup();
  }
});

Deno.test("CLI errors: one line, CLI advice (not tool advice), exit 2 for bad input", async () => {
  const db = await tempDb();
  try {
    const env = { TEAM_TABLE_DB: db.path };
    await run(["task", "create", "seed"], env);
    const unknown = await run(["send", "nobody", "hi"], env);
    assert.equal(unknown.code, 1);
    assert.equal(
      unknown.stderr,
      "team-table: recipient: no agent named 'nobody' has ever registered. Run " +
        "'team-table members list' to see who is registered.\n",
    );
    const noTask = await run(["task", "close", "99"], env);
    assert.equal(noTask.code, 1);
    assert.equal(
      noTask.stderr,
      "team-table: task_id: no task with id 99. Run 'team-table task list'.\n",
    );
    for (
      const [args, message] of [
        [["task", "update", "1"], "task update needs --status or --result (or both)"],
        [["task", "update", "1", "--status", "finished"], "--status must be one of"],
        [["task", "create", ""], "TITLE must not be empty"],
        [["task", "create", "x", "--priority", "urgent"], "--priority must be one of"],
        [["task", "assign", "one", "bob"], "ID must be a positive whole number (got 'one')"],
        [["context", "set", "k", "v", "--ttl", "-5"], "--ttl must be a positive whole number"],
        [["task", "frobnicate"], "usage: team-table task create TITLE"],
        [["send", "bob"], "usage: team-table send TO TEXT"],
      ] as const
    ) {
      const result = await run([...args], env);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.ok(result.stderr.startsWith(`team-table: ${message}`), result.stderr);
      assert.equal(result.stderr.trim().split("\n").length, 1);
      assert.doesNotMatch(result.stderr, NO_STACK);
    }
    const list = await run(["task", "list"], env);
    assert.equal(list.stdout, "#1 [pending, medium] seed (unassigned)\n", "nothing changed");
  } finally {
    await db.cleanup();
  }
});

Deno.test({
  name: "a missing Deno permission is one line naming the flag and how to install",
  ignore: Deno.env.get("TEAM_TABLE_BIN") !== undefined,
  async fn() {
    const db = await tempDb();
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--quiet", "--allow-env", "--allow-read", "--allow-write", MAIN, "serve"],
        env: { TEAM_TABLE_DB: db.path, TEAM_TABLE_PORT: "0" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 1);
      assert.match(
        stderr,
        /^team-table: needs network permission \(--allow-net\) to "[^"]+" for serve; from a checkout, run 'deno task install'/,
      );
      assert.equal(stderr.trim().split("\n").length, 1);
      assert.doesNotMatch(stderr, NO_STACK);
    } finally {
      await db.cleanup();
    }
  },
});

Deno.test("the serve banner is printed whatever the log level", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { env: { TEAM_TABLE_LOG_LEVEL: "error" } });
  try {
    assert.match(server.stderr(), /operator token: +from TEAM_TABLE_TOKEN \(not shown\)/);
    assert.ok(!server.stderr().includes(server.token), "a token from the environment is not shown");
    assert.match(server.stderr(), /claude mcp add --transport http team-table/);
  } finally {
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("the first poll shows the mail that is already unread", async () => {
  const db = await tempDb();
  const bob = await TestAgent.stdio(db.path);
  try {
    await bob.call("register", { name: "bob" });
    await bob.call("register", { name: "alice" });
    await bob.call("send_message", {
      sender: "alice",
      recipient: "bob",
      content: "are you there?",
    });
    const first = await run(["poll", "bob", "--once"], { TEAM_TABLE_DB: db.path });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /message #1 from alice: are you there\?/);
    const second = await run(["poll", "bob", "--once"], { TEAM_TABLE_DB: db.path });
    assert.equal(second.stdout, "", "then only what is new");
  } finally {
    await bob.close();
    await db.cleanup();
  }
});

Deno.test("status: the member count matches the list", async () => {
  const db = await tempDb();
  const agent = await TestAgent.stdio(db.path);
  try {
    await agent.call("register", { name: "alice" });
    await agent.call("deregister", {});
    await agent.call("register", { name: "alice" });
    await agent.call("deregister", {});
    await agent.call("register", { name: "bob" });
    const result = await run(["status"], { TEAM_TABLE_DB: db.path });
    assert.match(result.stdout, /Members \(2: 1 online, 1 gone\):/);
    assert.match(result.stdout, /2 agents came, 1 left\./);
  } finally {
    await agent.close();
    await db.cleanup();
  }
});

Deno.test({
  name: "started in a terminal, the stdio server says it waits for an MCP client",
  ignore: Deno.build.os !== "linux" ||
    !(await Deno.stat("/usr/bin/script").then(() => true, () => false)),
  async fn() {
    const db = await tempDb();
    try {
      const { teamTableCommand } = await import("./support/test_agent.ts");
      const { command, args } = teamTableCommand([]);
      const line = [command, ...args].map((a) => `'${a}'`).join(" ");
      // `script` gives the child a terminal; stdin reaching its end stops the server.
      const out = await new Deno.Command("script", {
        args: ["-qec", `${line} </dev/null 2>&1 | head -c 0; ${line} 2>&1`, "/dev/null"],
        env: { TEAM_TABLE_DB: db.path },
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = out.stdin.getWriter();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const text = await (async () => {
        const decoder = new TextDecoder();
        const reader = out.stdout.getReader();
        let seen = "";
        const deadline = Date.now() + 20_000;
        while (!seen.includes("waiting for an MCP client") && Date.now() < deadline) {
          const { done, value } = await reader.read();
          if (done) break;
          seen += decoder.decode(value, { stream: true });
        }
        reader.releaseLock();
        return seen;
      })();
      await writer.write(new TextEncoder().encode("\x04"));
      await writer.close().catch(() => {});
      out.kill("SIGTERM");
      await out.status;
      await out.stdout.cancel().catch(() => {});
      await out.stderr.cancel().catch(() => {});
      assert.match(text, /team-table: the MCP server is waiting for an MCP client on stdin/);
    } finally {
      await db.cleanup();
    }
  },
});
