import assert from "node:assert/strict";
import { runTeamTable as run, tempDb } from "./support/test_agent.ts";
import { VERSION } from "../src/version.ts";
import { LATEST_SCHEMA_VERSION } from "../src/db/migrations.ts";
import { agentActor } from "../src/core/actor.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { ROLES, testSession } from "./support/temp_table.ts";

Deno.test("--version prints team-table, deno, sqlite and schema versions", async () => {
  for (const flag of ["--version", "version", "-V"]) {
    const result = await run([flag]);
    assert.equal(result.code, 0);
    assert.match(
      result.stdout,
      new RegExp(
        `^team-table ${VERSION} \\(deno [\\d.]+, sqlite [\\d.]+, schema ${LATEST_SCHEMA_VERSION}\\)\\n$`,
      ),
    );
  }
});

Deno.test("--help lists the commands, options and env vars", async () => {
  const result = await run(["--help"]);
  assert.equal(result.code, 0);
  for (const word of ["--db", "TEAM_TABLE_DB", "--log-level", "TEAM_TABLE_LOG_LEVEL", "stdio"]) {
    assert.ok(result.stdout.includes(word), `help mentions ${word}`);
  }
});

Deno.test("an unknown option is a one-line error with exit code 2", async () => {
  const result = await run(["--bogus"]);
  assert.equal(result.code, 2);
  assert.equal(result.stderr, "team-table: unknown option '--bogus' (see team-table --help)\n");
  assert.equal(result.stdout, "");
});

Deno.test("a bad database path: one line naming the path, exit 1, no stack trace", async () => {
  const db = await tempDb();
  try {
    const notDb = `${db.dir}/not-a-db`;
    await Deno.writeTextFile(notDb, "plain text, certainly not SQLite ".repeat(40));
    const result = await run([], { TEAM_TABLE_DB: notDb });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `team-table: cannot open database ${notDb}: file is not a database\n`,
    );
    assert.equal(result.stdout, "");

    const underFile = `${notDb}/x.db`;
    const viaFlag = await run(["--db", underFile]);
    assert.equal(viaFlag.code, 1);
    assert.equal(viaFlag.stderr.split("\n").length, 2, "exactly one line");
    assert.ok(viaFlag.stderr.startsWith(`team-table: cannot open database ${underFile}: `));
    assert.doesNotMatch(viaFlag.stderr, /\s+at /, "no stack trace");
  } finally {
    await db.cleanup();
  }
});

Deno.test("the default database lives at ~/.team-table/team_table.db", async () => {
  const home = await Deno.makeTempDir({ prefix: "team-table-home-" });
  try {
    // Keep Deno's module cache where it is: it lives under HOME by default.
    const cache = Deno.env.get("DENO_DIR") ??
      `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/deno`;
    const result = await run([], { HOME: home, DENO_DIR: cache });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "", "nothing but JSON-RPC on stdout");
    const dir = await Deno.stat(`${home}/.team-table`);
    assert.equal(dir.mode! & 0o777, 0o700);
    const file = await Deno.stat(`${home}/.team-table/team_table.db`);
    assert.equal(file.mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("--channel (or TEAM_TABLE_CHANNEL=1) turns channels on for the stdio server only", async () => {
  const { parseCommandLine } = await import("../src/cli/command_line.ts");
  const { COMMANDS } = await import("../src/cli/commands.ts");
  const { resolveConfig } = await import("../src/config.ts");
  const env = { HOME: "/tmp" };
  const stdio = await parseCommandLine(["--channel"], COMMANDS);
  assert.ok(stdio.kind === "run" && stdio.command === COMMANDS.default);
  assert.deepEqual(stdio.input.flags.get("channel"), [""]);
  assert.equal(resolveConfig({ channel: true }, env).channel, true);
  assert.equal(resolveConfig({}, { ...env, TEAM_TABLE_CHANNEL: "1" }).channel, true);
  assert.equal(resolveConfig({}, env).channel, false);
  assert.throws(
    () => resolveConfig({}, { ...env, TEAM_TABLE_CHANNEL: "yes" }),
    /must be 1 or 0/,
  );
  await assert.rejects(
    () => parseCommandLine(["serve", "--channel"], COMMANDS),
    /--channel is not an option of 'serve'/,
  );
});

Deno.test("command-line refusals name team-table commands, not MCP tools", async () => {
  const db = await tempDb();
  const env = { TEAM_TABLE_DB: db.path };
  const toolWords =
    /list_roles|update_task|list_tasks|next_task|remove_blocked_by|parent_id|create_task/;
  const refused = async (args: string[], code: number): Promise<string> => {
    const out = await run(args, env);
    assert.equal(out.code, code, `${args.join(" ")}: ${out.stderr}`);
    assert.doesNotMatch(out.stderr, toolWords, "no tool words");
    return out.stderr.trim();
  };
  try {
    const handle = openDatabase(db.path);
    const table = createTable({ db: handle, roles: ROLES });
    table.members.register({ session: testSession("alice"), name: "alice" });
    const alice = agentActor("alice");
    const first = table.tasks.create({ title: "First", by: alice });
    const after = table.tasks.create({ title: "After", by: alice, blockedBy: [first.id] });
    const epic = table.tasks.create({ title: "Epic", by: alice });
    table.tasks.create({ title: "Part", by: alice, parentId: epic.id });
    handle.close();

    const roles = "admin, agent, architect, async-worker, coder, designer, lead, reviewer, tester";
    for (
      const args of [["members", "grant", "alice", "boss"], [
        "members",
        "add",
        "bob",
        "--role",
        "boss",
      ]]
    ) {
      assert.equal(
        await refused(args, 2),
        `team-table: role: there is no role 'boss'. Roles: ${roles}. Run 'team-table roles ` +
          "list' to see what each does.",
      );
    }
    assert.match(
      await refused(["task", "close", String(after.id)], 1),
      /it is blocked by #\d+ "First" \(pending\)\. Finish those first \('team-table task close ID' on each\)\.$/,
    );
    assert.match(
      await refused(["task", "close", String(epic.id)], 1),
      /open subtask\(s\): #\d+ "Part" \(pending\)\. .*Close its subtasks \('team-table task close ID' on each\)\.$/,
    );
  } finally {
    await db.cleanup();
  }
});
