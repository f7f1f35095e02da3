/**
 * `team-table doctor` through the real CLI process: exit 0 on a healthy table, and exit 1 naming
 * the problem and its fix on a table with each problem it checks for.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { LATEST_SCHEMA_VERSION } from "../src/db/migrations.ts";
import { startServe } from "./support/serve_process.ts";
import { runTeamTable as run, tempDb, TestAgent } from "./support/test_agent.ts";

interface Report {
  healthy: boolean;
  checks: Record<string, { status: string; details: Record<string, unknown> }>;
  problems: { check: string; problem: string; fix: string }[];
}

async function doctor(
  dbPath: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number; report: Report; stderr: string }> {
  const out = await run(["doctor", "--json", ...args], { TEAM_TABLE_DB: dbPath, ...env });
  return { code: out.code, report: JSON.parse(out.stdout) as Report, stderr: out.stderr };
}

async function newTable(): Promise<Awaited<ReturnType<typeof tempDb>>> {
  const db = await tempDb();
  const out = await run(["members", "add", "bob"], { TEAM_TABLE_DB: db.path });
  assert.equal(out.code, 0, out.stderr);
  return db;
}

Deno.test("doctor: a healthy table exits 0, and a text report says so", async () => {
  const db = await newTable();
  try {
    const { code, report } = await doctor(db.path);
    assert.equal(code, 0, JSON.stringify(report.problems));
    assert.equal(report.healthy, true);
    for (const name of ["database", "wal", "permissions", "exited_processes", "gone_agents"]) {
      assert.equal(report.checks[name]?.status, "ok", name);
    }
    assert.equal(report.checks["serve"]?.status, "skipped");
    const text = await run(["doctor"], { TEAM_TABLE_DB: db.path });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /healthy\n$/);
  } finally {
    await db.cleanup();
  }
});

Deno.test("doctor before any agent started: the table not created yet is a note, exit 0", async () => {
  const db = await tempDb();
  try {
    const { code, report } = await doctor(db.path);
    assert.equal(code, 0, JSON.stringify(report.problems));
    assert.equal(report.healthy, true);
    assert.deepEqual(report.problems, []);
    assert.equal(report.checks["database"]?.status, "note");
    assert.deepEqual(report.checks["database"]?.details, { exists: false });
    const text = await run(["doctor"], { TEAM_TABLE_DB: db.path });
    assert.equal(text.code, 0, text.stdout);
    assert.match(
      text.stdout,
      new RegExp(
        `note +database +not created yet: ${db.path} is created when the first agent starts`,
      ),
    );
    assert.doesNotMatch(text.stdout, /PROBLEM|no database at/);
    assert.equal(await Deno.stat(db.path).catch(() => null), null, "doctor created nothing");

    // A file that is there but unreadable stays a problem.
    await Deno.writeTextFile(db.path, "", { mode: 0o000 });
    const unreadable = await doctor(db.path);
    const readable = await Deno.readFile(db.path).then(() => true, () => false);
    if (!readable) { // root reads any file
      assert.equal(unreadable.code, 1);
      assert.match(unreadable.report.problems[0]!.problem, /^cannot read /);
    }
  } finally {
    await db.cleanup();
  }
});

Deno.test("doctor: a file that is not SQLite, a damaged one and another program's database", async () => {
  const db = await newTable();
  try {
    const text = `${db.dir}/notes.db`;
    await Deno.writeTextFile(text, "plain text, not SQLite ".repeat(40), { mode: 0o600 });
    const notSqlite = await doctor(text);
    assert.equal(notSqlite.code, 1);
    assert.match(notSqlite.report.problems[0]!.problem, /is not a SQLite database/);

    const file = await Deno.open(db.path, { write: true });
    await file.seek(4096 * 3, Deno.SeekMode.Start);
    await file.write(new Uint8Array(4096 * 4).fill(0xff));
    file.close();
    const damaged = await doctor(db.path);
    assert.equal(damaged.code, 1);
    const problem = damaged.report.problems.find((p) => p.check === "database");
    assert.match(problem?.problem ?? "", /is damaged: quick_check found/);
    assert.match(problem?.fix ?? "", /\.recover/);
    assert.equal(damaged.report.checks["gone_agents"]?.status, "skipped");

    const foreign = `${db.dir}/other.db`;
    const other = new DatabaseSync(foreign);
    other.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
    other.close();
    await Deno.chmod(foreign, 0o600);
    const theirs = await doctor(foreign);
    assert.equal(theirs.code, 1);
    assert.match(theirs.report.problems[0]!.problem, /not team-table's/);
  } finally {
    await db.cleanup();
  }
});

Deno.test("doctor: a schema newer than this build understands", async () => {
  const db = await newTable();
  try {
    const raw = new DatabaseSync(db.path);
    raw.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const { code, report } = await doctor(db.path);
    assert.equal(code, 1);
    const problem = report.problems.find((p) => p.check === "database");
    assert.match(
      problem?.problem ?? "",
      new RegExp(`schema ${LATEST_SCHEMA_VERSION + 1} was written by a newer team-table`),
    );
    assert.match(problem?.fix ?? "", /upgrade team-table/);
  } finally {
    await db.cleanup();
  }
});

Deno.test("doctor: a database others may read, and a folder others may write", async () => {
  const db = await newTable();
  try {
    await Deno.chmod(db.path, 0o644);
    await Deno.chmod(db.dir, 0o777);
    const { code, report } = await doctor(db.path);
    assert.equal(code, 1);
    const fixes = report.problems.filter((p) => p.check === "permissions").map((p) => p.fix);
    assert.deepEqual(fixes, [`chmod 600 ${db.path}`, `chmod 700 ${db.dir}`]);
    await Deno.chmod(db.dir, 0o700);
    const fixed = await run(["doctor", "--fix"], { TEAM_TABLE_DB: db.path });
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.equal((await Deno.stat(db.path)).mode! & 0o777, 0o600);
  } finally {
    await db.cleanup();
  }
});

Deno.test("doctor: a name held by a stdio process that was killed; --fix frees it", async () => {
  const db = await tempDb();
  const agent = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "w1" });
  try {
    await agent.ok("list_members");
    const pid = agent.pid()!;
    Deno.kill(pid, "SIGKILL");
    await agent.close().catch(() => {});
    const { code, report } = await doctor(db.path);
    assert.equal(code, 1);
    assert.deepEqual(report.problems, [{
      check: "exited_processes",
      problem: report.problems[0]!.problem,
      fix: "team-table members reset w1",
    }]);
    assert.match(
      report.problems[0]!.problem,
      new RegExp(`^w1 is held by process ${pid} on this machine, which no longer exists`),
    );
    const fixed = await run(["doctor", "--fix"], { TEAM_TABLE_DB: db.path });
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.match(fixed.stdout, /freed the name w1/);
  } finally {
    await db.cleanup();
  }
});

Deno.test("doctor: a lease and a task held by an agent away past the grace; --fix gives them back", async () => {
  const db = await tempDb();
  const lead = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "lead" });
  const worker = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "w1" });
  try {
    const created = await lead.ok("create_task", { title: "parser" });
    const taskId = (created["task"] as { id: number }).id;
    await worker.ok("claim_task", { task_id: taskId });
    await worker.ok("reserve_paths", { paths: ["src/parser.ts"] });
    await worker.close();
    await lead.close();
    const healthy = await doctor(db.path);
    assert.equal(healthy.code, 0, "within the default grace (10 min) nothing is wrong");
    const grace = { TEAM_TABLE_AWAY_RELEASE: "0.01" };
    const { code, report } = await doctor(db.path, [], grace);
    assert.equal(code, 1);
    const problems = report.problems.filter((p) => p.check === "gone_agents");
    assert.equal(problems.length, 2, JSON.stringify(report.problems));
    assert.match(
      problems[0]!.problem,
      /^lease \d+ on src\/parser\.ts is still held: w1 has been away/,
    );
    assert.match(problems[1]!.problem, new RegExp(`^task #${taskId} is still w1's`));
    assert.match(problems[0]!.fix, /^team-table doctor --fix/);
    const fixed = await run(["doctor", "--fix"], { TEAM_TABLE_DB: db.path, ...grace });
    assert.equal(fixed.code, 0, fixed.stdout);
    assert.match(fixed.stdout, new RegExp(`tasks back to pending: #${taskId}`));
    assert.match(fixed.stdout, /1 lapsed lease\(s\) ended/);
  } finally {
    await db.cleanup();
  }
});

Deno.test("doctor --url: serve reachable with the token, refused with another, unreachable", async () => {
  const db = await newTable();
  const server = await startServe(db.path);
  try {
    const good = await doctor(db.path, ["--url", server.url], { TEAM_TABLE_TOKEN: server.token });
    assert.equal(good.code, 0, JSON.stringify(good.report.problems));
    assert.equal(good.report.checks["serve"]?.details["credential_accepted"], true);
    const wrong = await doctor(db.path, ["--url", server.url], {
      TEAM_TABLE_TOKEN: "not-the-token-0123456789",
    });
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.report.problems[0]!.problem,
      /refuses the operator token from TEAM_TABLE_TOKEN/,
    );
  } finally {
    await server.stop();
  }
  try {
    const gone = await doctor(db.path, ["--url", server.url], { TEAM_TABLE_TOKEN: server.token });
    assert.equal(gone.code, 1);
    assert.match(gone.report.problems[0]!.problem, /is not reachable/);
    const bad = await run(["doctor", "--url", "ftp://x"], { TEAM_TABLE_DB: db.path });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--url must start with http/);
  } finally {
    await db.cleanup();
  }
});
