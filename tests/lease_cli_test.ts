/**
 * Leases where the edit happens: `lease check` with paths, with a Claude Code PreToolUse
 * hook's real stdin, and the git pre-commit hook in a real temporary repository.
 */
import assert from "node:assert/strict";
import { dirname } from "node:path";
import { agentActor } from "../src/core/actor.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { ROLES, testSession } from "./support/temp_table.ts";
import { installedTeamTable } from "./support/client_clis.ts";
import { teamTableCommand } from "./support/test_agent.ts";

interface _Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function _run(
  command: string,
  args: string[],
  options: { cwd: string; stdin?: string; env?: Record<string, string> },
): Promise<_Run> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    ...(options.env === undefined ? {} : { env: options.env }),
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

function _teamTable(
  args: string[],
  options: { cwd: string; stdin?: string; env?: Record<string, string> },
): Promise<_Run> {
  const { command, args: full } = teamTableCommand(args);
  return _run(command, full, options);
}

async function _git(repo: string, ...args: string[]): Promise<_Run> {
  return await _run("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: repo,
  });
}

/** A git repository with src/a.ts and docs/b.md, and a table where alice leases src/**. */
async function _setUp(): Promise<
  { repo: string; db: string; [Symbol.asyncDispose](): Promise<void> }
> {
  const dir = await Deno.makeTempDir({ prefix: "team-table-lease-" });
  const repo = `${dir}/repo`;
  await Deno.mkdir(`${repo}/src`, { recursive: true });
  await Deno.mkdir(`${repo}/docs`);
  await Deno.writeTextFile(`${repo}/src/a.ts`, "export const a = 1;\n");
  await Deno.writeTextFile(`${repo}/docs/b.md`, "# b\n");
  assert.equal((await _git(repo, "init", "-q")).code, 0);
  await _git(repo, "add", ".");
  assert.equal((await _git(repo, "commit", "-q", "-m", "start")).code, 0);
  const db = `${dir}/team_table.db`;
  const sqlite = openDatabase(db);
  const table = createTable({ db: sqlite, roles: ROLES });
  for (const name of ["alice", "bob"]) table.members.register({ name, session: testSession(name) });
  table.leases.reserve({ by: agentActor("alice"), paths: ["src/**"], reason: "refactor" });
  sqlite.close();
  return {
    repo,
    db,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("lease check: exit 2 with a reason per path leased by another agent, else 0", async () => {
  await using s = await _setUp();
  const blocked = await _teamTable(
    [
      "lease",
      "check",
      "--db",
      s.db,
      "--agent",
      "bob",
      "src/a.ts",
      "docs/b.md",
      `${s.repo}/src/c.ts`,
    ],
    { cwd: s.repo },
  );
  assert.equal(blocked.code, 2, blocked.stderr);
  const lines = blocked.stderr.trim().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? "", /src\/a\.ts: held exclusively by alice \(src\/\*\*\).*: refactor/);
  assert.match(lines[1] ?? "", /src\/c\.ts: held exclusively by alice/);
  const mine = await _teamTable(["lease", "check", "--db", s.db, "--agent", "alice", "src/a.ts"], {
    cwd: s.repo,
  });
  assert.equal(mine.code, 0, mine.stderr);
  const outside = await _teamTable(
    ["lease", "check", "--db", s.db, "--agent", "bob", "/tmp/x.ts"],
    {
      cwd: s.repo,
    },
  );
  assert.equal(outside.code, 0, "a file outside the repository is never leased");
});

Deno.test("lease check --hook: a Claude Code PreToolUse input is blocked or allowed", async () => {
  await using s = await _setUp();
  const hookInput = (toolName: string, toolInput: Record<string, unknown>) =>
    JSON.stringify({
      session_id: "abc123",
      transcript_path: "/tmp/transcript.jsonl",
      cwd: s.repo,
      permission_mode: "default",
      hook_event_name: "PreToolUse",
      tool_name: toolName,
      tool_input: toolInput,
    });
  const check = (agent: string, stdin: string) =>
    _teamTable(["lease", "check", "--hook", "--db", s.db, "--agent", agent], {
      cwd: "/",
      stdin,
    });
  const edit = hookInput("Edit", {
    file_path: `${s.repo}/src/a.ts`,
    old_string: "1",
    new_string: "2",
  });
  const refused = await check("bob", edit);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^team-table: src\/a\.ts: held exclusively by alice/);
  assert.equal((await check("alice", edit)).code, 0);
  const write = hookInput("Write", { file_path: `${s.repo}/docs/b.md`, content: "x" });
  assert.equal((await check("bob", write)).code, 0);
  const notebook = hookInput("NotebookEdit", {
    notebook_path: `${s.repo}/src/n.ipynb`,
    new_source: "x",
  });
  assert.equal((await check("bob", notebook)).code, 2);
  const outside = await Deno.makeTempDir({ prefix: "team-table-no-repo-" });
  try {
    const elsewhere = JSON.stringify({
      cwd: outside,
      hook_event_name: "PreToolUse",
      tool_name: "Write",
      tool_input: { file_path: `${outside}/notes.md`, content: "x" },
    });
    assert.equal((await check("bob", elsewhere)).code, 0, "no repository: nothing leased");
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
  const garbled = await check("bob", "not json");
  assert.equal(garbled.code, 1, "an unreadable input does not block the edit");
  assert.match(garbled.stderr, /stdin is not JSON .*; the edit is not checked/);
});

Deno.test("lease hook install: the pre-commit hook refuses a commit of a leased file", async () => {
  await using s = await _setUp();
  // The hook runs the installed command, found on the PATH, not Deno and this checkout's main.ts.
  const bin = await installedTeamTable();
  const env = { PATH: `${bin}:${Deno.env.get("PATH") ?? ""}` };
  const installed = await _teamTable(["lease", "hook", "install", "--db", s.db, "--agent", "bob"], {
    cwd: s.repo,
    env,
  });
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stdout, /installed .*pre-commit/);
  const hook = await Deno.readTextFile(`${s.repo}/.git/hooks/pre-commit`);
  assert.match(hook, /exec \S*team-table lease check --staged --db /);
  assert.doesNotMatch(hook, /main\.ts|--root/);

  await Deno.writeTextFile(`${s.repo}/docs/b.md`, "# b, edited\n");
  await _git(s.repo, "add", "docs/b.md");
  const allowed = await _git(s.repo, "commit", "-q", "-m", "docs");
  assert.equal(allowed.code, 0, allowed.stderr);

  await Deno.writeTextFile(`${s.repo}/src/a.ts`, "export const a = 2;\n");
  await _git(s.repo, "add", "src/a.ts");
  const refused = await _git(s.repo, "commit", "-q", "-m", "src");
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /src\/a\.ts: held exclusively by alice/);
  const bypass = await _git(s.repo, "commit", "-q", "--no-verify", "-m", "src anyway");
  assert.equal(bypass.code, 0, "git hooks can be bypassed");
});

Deno.test("lease check --hook: the path the edit really touches is checked (symlinks, any cwd)", async () => {
  await using s = await _setUp();
  const dir = dirname(s.repo);
  await Deno.symlink(s.repo, `${dir}/checkout`);
  await Deno.symlink(`${s.repo}/src/a.ts`, `${s.repo}/alias.ts`);
  await Deno.symlink(`${s.repo}/src`, `${s.repo}/lib`);
  await Deno.symlink(`${s.repo}/src/new.ts`, `${s.repo}/dangling.ts`);
  await Deno.symlink(`${s.repo}/src/a.ts`, `${dir}/outside-alias.ts`);
  await Deno.mkdir(`${s.repo}/src/sub`);
  await Deno.mkdir(`${s.repo}/x`);
  await Deno.symlink(`${s.repo}/src/sub`, `${s.repo}/x/l`);
  const edit = (filePath: string, cwd: string) =>
    JSON.stringify({
      session_id: "abc123",
      transcript_path: "/tmp/transcript.jsonl",
      cwd,
      permission_mode: "default",
      hook_event_name: "PreToolUse",
      tool_name: "Edit",
      tool_input: { file_path: filePath, old_string: "1", new_string: "2" },
    });
  const check = (stdin: string) =>
    _teamTable(["lease", "check", "--hook", "--db", s.db, "--agent", "bob"], { cwd: "/", stdin });
  const cases: [string, string, string][] = [
    ["a symlinked checkout", `${dir}/checkout/src/a.ts`, `${dir}/checkout`],
    ["a relative path in a symlinked checkout", "src/a.ts", `${dir}/checkout`],
    ["a symlinked file", `${s.repo}/alias.ts`, s.repo],
    ["a symlinked folder", `${s.repo}/lib/a.ts`, s.repo],
    ["a new file in a symlinked folder", `${s.repo}/lib/brand-new.ts`, s.repo],
    ["a dangling symlink to a leased place", `${s.repo}/dangling.ts`, s.repo],
    ["a symlink outside the repository", `${dir}/outside-alias.ts`, dir],
    ["a cwd outside the repository", `${s.repo}/src/a.ts`, dir],
    ["a cwd that does not exist", `${s.repo}/src/a.ts`, `${dir}/gone`],
    ["a relative path from a cwd that does not exist", "../../src/a.ts", `${s.repo}/x/gone`],
    // x/l is src/sub, so x/l/.. is src (not x, as collapsing '..' before symlinks would say)
    ["'..' after a symlinked folder", `${s.repo}/x/l/../a.ts`, s.repo],
    ["a relative '..' after a symlinked folder", "x/l/../a.ts", s.repo],
    ["'..' after a symlinked folder in the cwd", "../a.ts", `${s.repo}/x/l`],
  ];
  for (const [what, filePath, cwd] of cases) {
    const refused = await check(edit(filePath, cwd));
    assert.equal(refused.code, 2, `${what}: ${refused.stderr}`);
    assert.match(refused.stderr, /held exclusively by alice \(src\/\*\*\)/, what);
  }
  const free = await check(edit(`${dir}/checkout/docs/b.md`, `${dir}/checkout`));
  assert.equal(free.code, 0, `a free file through the symlinked checkout: ${free.stderr}`);
});

Deno.test("lease release: an unknown or ended id is refused in the command line's words, exit 1", async () => {
  await using s = await _setUp();
  const release = (...args: string[]) =>
    _teamTable(["lease", "release", "--db", s.db, "--reason", "done", ...args], { cwd: s.repo });
  const refusedLine = (r: _Run) => {
    assert.equal(r.code, 1, `a refusal, not a usage error: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.doesNotMatch(r.stderr, /release_paths|list_leases|ids:/, "no tool words");
    return r.stderr.trim();
  };
  assert.equal(
    refusedLine(await release("99")),
    "team-table: lease 99 is unknown: no lease has this id (an ended one is remembered for 7 " +
      "days). Run 'team-table lease list' to see the live ones.",
  );
  // All or none: the live lease named beside the unknown id is still held.
  assert.match(refusedLine(await release("1", "99")), /^team-table: lease 99 is unknown/);
  const list = await _teamTable(["lease", "list", "--db", s.db], { cwd: s.repo });
  assert.match(list.stdout, /^#1 src\/\*\* exclusive, alice/);

  const released = await release("1");
  assert.equal(released.code, 0, released.stderr);
  assert.match(released.stdout, /^released #1 src\/\*\* exclusive, alice/);
  assert.match(
    refusedLine(await release("1")),
    /^team-table: lease 1 \(alice's, on 'src\/\*\*'\) has already ended, at \d{4}-\d\d-\d\dT\S+Z: released by human:human: done\. Run 'team-table lease list' to see the live ones\.$/,
  );
});

Deno.test("lease list, status and lease check name a claimed task once, with its title", async () => {
  await using s = await _setUp();
  const sqlite = openDatabase(s.db);
  const table = createTable({ db: sqlite, roles: ROLES });
  const bob = agentActor("bob");
  const task = table.tasks.create({ title: "Retry tests", by: bob });
  table.taskLeases.claim({ taskId: task.id, by: bob, paths: ["docs/**"] });
  sqlite.close();
  const line = new RegExp(`, task #${task.id}: Retry tests$`, "m");
  const list = await _teamTable(["lease", "list", "--db", s.db], { cwd: s.repo });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, line);
  assert.match(list.stdout, /^#1 src\/\*\* exclusive, alice, until \S+: refactor$/m);
  const status = await _teamTable(["status", "--db", s.db], { cwd: s.repo });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, line);
  const check = await _teamTable(
    ["lease", "check", "--db", s.db, "--agent", "alice", "docs/b.md"],
    { cwd: s.repo },
  );
  assert.equal(check.code, 2, check.stderr);
  assert.match(check.stderr, new RegExp(`for task #${task.id}: Retry tests\\. Edit`));
  for (const out of [list.stdout, status.stdout, check.stderr]) {
    assert.doesNotMatch(out, /task #\d+: task #/, out);
  }
});
