import assert from "node:assert/strict";
import { runTeamTable as run, tempDb } from "./support/test_agent.ts";
import { VERSION } from "../src/version.ts";
import { LATEST_SCHEMA_VERSION } from "../src/db/migrations.ts";

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
