/**
 * `team-table setup` and `setup status` against the real clients: Claude Code's and Codex's
 * own CLIs (installed from npm) and the JSON files of Cursor, VS Code and Gemini CLI, each run
 * with HOME set to a temporary folder so no real configuration is touched. The entries run the
 * command `deno task install` writes; `claude mcp list` connecting to it is the proof they work.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { agentActor } from "../src/core/actor.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { editHookCommand } from "../src/cli/setup/edit_hook.ts";
import { clientClis, denoDir, installedTeamTable } from "./support/client_clis.ts";
import { ROLES, testSession } from "./support/temp_table.ts";
import { startServe } from "./support/serve_process.ts";

const clis = await clientClis();
const skip = typeof clis === "string";
if (skip) console.log(`setup_clients_test: the client CLIs are skipped: ${clis}`);

interface _Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A user's home with Cursor, VS Code and Gemini CLI folders, and a project folder. */
async function _home(): Promise<{ home: string; project: string; env: Record<string, string> }> {
  const home = await Deno.makeTempDir({ prefix: "team-table-setup-home-" });
  const project = join(home, "project");
  for (const dir of ["project", ".cursor", ".gemini", ".config/Code/User"]) {
    await Deno.mkdir(join(home, dir), { recursive: true });
  }
  const bin = await installedTeamTable();
  const path = [bin, typeof clis === "string" ? "" : clis.bin, dirname(Deno.execPath())]
    .filter((p) => p !== "").join(":");
  const env = {
    HOME: home,
    PATH: `${path}:${Deno.env.get("PATH") ?? ""}`,
    DENO_DIR: denoDir(),
  };
  return { home, project, env };
}

async function _run(
  program: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<_Run> {
  const out = await new Deno.Command(program, {
    args,
    env,
    cwd,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

const _tt = (h: Awaited<ReturnType<typeof _home>>, ...args: string[]) =>
  _run("team-table", args, h.env, h.project);

async function _json(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(path));
}

/** `claude mcp list`'s line for the entry named `name`. */
async function _claudeList(h: Awaited<ReturnType<typeof _home>>, name = "team-table") {
  const out = await _run("claude", ["mcp", "list"], h.env, h.project);
  return out.stdout.split("\n").find((line) => line.startsWith(`${name}:`)) ?? out.stdout;
}

Deno.test({
  name:
    "setup: --dry-run writes nothing; --yes adds a stdio entry to every client; claude connects",
  ignore: skip,
  async fn() {
    const h = await _home();
    const command = join(await installedTeamTable(), "team-table");
    const dry = await _tt(h, "setup", "--agent", "alice", "--dry-run");
    assert.equal(dry.code, 0, dry.stderr);
    for (
      const line of [
        "claude mcp add -s user team-table",
        "codex mcp add team-table",
        ".cursor/mcp.json",
        "Code/User/mcp.json",
        ".gemini/settings.json",
      ]
    ) {
      assert.ok(dry.stdout.includes(line), `${line} in:\n${dry.stdout}`);
    }
    assert.match(dry.stdout, /dry run: nothing was written/);
    assert.equal(await Deno.stat(join(h.home, ".cursor/mcp.json")).catch(() => null), null);

    const unasked = await _tt(h, "setup", "--agent", "alice");
    assert.equal(unasked.code, 1);
    assert.match(unasked.stdout, /nothing was written \(run again with --yes to apply\)/);
    assert.equal(await Deno.stat(join(h.home, ".cursor/mcp.json")).catch(() => null), null);

    const done = await _tt(h, "setup", "--agent", "alice", "--yes");
    assert.equal(done.code, 0, done.stderr + done.stdout);
    assert.match(await _claudeList(h), /team-table: .*team-table --agent alice - ✔ Connected/);
    const codex = await _run("codex", ["mcp", "get", "team-table", "--json"], h.env, h.project);
    const transport = JSON.parse(codex.stdout).transport;
    assert.deepEqual([transport.command, transport.args], [command, ["--agent", "alice"]]);
    const stdio = { command, args: ["--agent", "alice"], env: {} };
    assert.deepEqual((await _json(join(h.home, ".cursor/mcp.json"))).mcpServers, {
      "team-table": stdio,
    });
    assert.deepEqual((await _json(join(h.home, ".gemini/settings.json"))).mcpServers, {
      "team-table": stdio,
    });
    assert.deepEqual((await _json(join(h.home, ".config/Code/User/mcp.json"))).servers, {
      "team-table": { type: "stdio", ...stdio },
    });

    const status = await _tt(h, "setup", "status", "--agent", "alice", "--json");
    assert.equal(status.code, 0, status.stdout);
    const report = JSON.parse(status.stdout);
    assert.deepEqual(
      report.clients.map((c: { client: string; problems: unknown[] }) => [c.client, c.problems]),
      ["claude-code", "codex", "cursor", "vscode", "gemini"].map((id) => [id, []]),
    );
  },
});

Deno.test({
  name: "setup status: a name that now needs a credential is named with its fix; --key mends it",
  ignore: skip,
  async fn() {
    const h = await _home();
    assert.equal(
      (await _tt(h, "setup", "--agent", "bob", "--client", "claude-code", "--yes")).code,
      0,
    );
    const added = await _tt(h, "members", "add", "bob");
    const key = added.stdout.match(/(ttk_\S+)/)?.[1] ?? "";
    assert.ok(key, added.stdout);
    assert.match(added.stdout, /team-table setup --agent bob --key <credential> --yes/);
    // What the user met: the entry fails with no reason in the client...
    assert.match(await _claudeList(h), /✘ Failed to connect/);
    // ...and status says why, and how to fix it.
    const status = await _tt(h, "setup", "status", "--agent", "bob", "--client", "claude-code");
    assert.equal(status.code, 1);
    assert.match(
      status.stdout,
      /✘ needs credential \('team-table'\): bob now has a credential and the entry does not pass it \(TEAM_TABLE_AGENT_KEY\)/,
    );
    assert.match(
      status.stdout,
      /fix: team-table setup --client claude-code --agent bob --key KEY --yes/,
    );
    // setup refuses to write an entry that would fail the same way.
    const refused = await _tt(h, "setup", "--agent", "bob", "--client", "claude-code", "--yes");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /bob has a credential: pass it with --key KEY/);
    const wrong = await _tt(h, "setup", "--agent", "bob", "--key", "ttk_not-it", "--yes");
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--key is no member's credential, not bob's/);

    const mended = await _tt(
      h,
      "setup",
      "--agent",
      "bob",
      "--key",
      key,
      "--client",
      "claude-code",
      "--yes",
    );
    assert.equal(mended.code, 0, mended.stderr);
    assert.doesNotMatch(mended.stdout, new RegExp(key), "the credential is not printed whole");
    assert.match(await _claudeList(h), /✔ Connected/);
    const ok = await _tt(h, "setup", "status", "--agent", "bob", "--client", "claude-code");
    assert.equal(ok.code, 0, ok.stdout);
  },
});

Deno.test({
  name: "setup status: a stale command, a Deno-run entry, a duplicate and a missing client entry",
  ignore: skip,
  async fn() {
    const h = await _home();
    assert.equal(
      (await _tt(h, "setup", "--agent", "carol", "--client", "cursor", "--yes")).code,
      0,
    );
    const file = join(h.home, ".cursor/mcp.json");
    const config = await _json(file);
    const servers = config.mcpServers as Record<string, unknown>;
    servers["team-table"] = { command: "/gone/bin/team-table", args: ["--agent", "carol"] };
    servers["team-table-old"] = {
      command: Deno.execPath(),
      args: ["run", "-A", "/old/checkout/main.ts", "--agent", "carol"],
    };
    await Deno.writeTextFile(file, JSON.stringify(config));
    const status = await _tt(
      h,
      "setup",
      "status",
      "--agent",
      "carol",
      "--client",
      "cursor",
      "--client",
      "gemini",
    );
    assert.equal(status.code, 1);
    assert.match(
      status.stdout,
      /✘ stale command \('team-table'\): \/gone\/bin\/team-table does not exist/,
    );
    assert.match(
      status.stdout,
      /✘ stale command \('team-table-old'\): it runs Deno directly .*main\.ts\), which breaks when Deno is upgraded or the checkout moves/,
    );
    assert.match(
      status.stdout,
      /✘ duplicate \('team-table-old'\): 'team-table-old' .* also runs team-table, beside 'team-table'/,
    );
    assert.match(
      status.stdout,
      /fix: delete "team-table-old" from "mcpServers" in .*\.cursor\/mcp\.json/,
    );
    assert.match(
      status.stdout,
      /Gemini CLI .*\n {2}no team-table entry\n.*\n {2}✘ missing: no team-table entry for carol\n {4}fix: team-table setup --client gemini --agent carol --yes/,
    );
  },
});

Deno.test({
  name:
    "setup --url: an HTTP entry with the agent's token connects to serve; a wrong token is named",
  ignore: skip,
  async fn() {
    const h = await _home();
    const db = join(h.home, ".team-table", "team_table.db");
    const added = await _tt(h, "members", "add", "dave");
    const token = added.stdout.match(/(ttk_\S+)/)?.[1] ?? "";
    const serve = await startServe(db, { env: { HOME: h.home } });
    try {
      const url = `${serve.url}/mcp`;
      const done = await _tt(
        h,
        "setup",
        "--agent",
        "dave",
        "--url",
        url,
        "--key",
        token,
        "--client",
        "claude-code",
        "--client",
        "codex",
        "--yes",
      );
      assert.equal(done.code, 0, done.stderr);
      assert.match(done.stdout, /Codex reads the token from \$TEAM_TABLE_AGENT_KEY/);
      assert.match(await _claudeList(h), new RegExp(`team-table: ${url} \\(HTTP\\) - ✔ Connected`));
      const codex = await _run("codex", ["mcp", "get", "team-table", "--json"], h.env, h.project);
      assert.equal(JSON.parse(codex.stdout).transport.bearer_token_env_var, "TEAM_TABLE_AGENT_KEY");

      const claudeJson = join(h.home, ".claude.json");
      const config = await _json(claudeJson);
      const entry =
        (config.mcpServers as Record<string, { headers: Record<string, string> }>)["team-table"]!;
      entry.headers["Authorization"] = "Bearer ttk_someone-else";
      await Deno.writeTextFile(claudeJson, JSON.stringify(config));
      const status = await _tt(
        h,
        "setup",
        "status",
        "--agent",
        "dave",
        "--url",
        url,
        "--client",
        "claude-code",
      );
      assert.equal(status.code, 1);
      assert.match(
        status.stdout,
        /✘ wrong token \('team-table'\): its token is no member's credential/,
      );
    } finally {
      await serve.stop();
    }
  },
});

Deno.test("setup --hooks: the Claude Code edit hook and the git hook run the installed command", async () => {
  const h = await _home();
  const git = (...args: string[]) =>
    _run("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], h.env, h.project);
  await Deno.mkdir(join(h.project, "src"));
  await Deno.writeTextFile(join(h.project, "src/a.ts"), "export const a = 1;\n");
  assert.equal((await git("init", "-q")).code, 0);
  await git("add", ".");
  assert.equal((await git("commit", "-q", "-m", "start")).code, 0);
  // alice leases src/**; erin is the agent being set up.
  const dbPath = join(h.home, ".team-table", "team_table.db");
  await Deno.mkdir(dirname(dbPath), { recursive: true });
  const sqlite = openDatabase(dbPath);
  const table = createTable({ db: sqlite, roles: ROLES });
  for (const name of ["alice", "erin"]) {
    table.members.register({ name, session: testSession(name) });
  }
  table.leases.reserve({ by: agentActor("alice"), paths: ["src/**"], reason: "refactor" });
  sqlite.close();

  const done = await _tt(h, "setup", "--agent", "erin", "--client", "cursor", "--hooks", "--yes");
  assert.equal(done.code, 0, done.stderr + done.stdout);
  const settings = await _json(join(h.home, ".claude", "settings.json"));
  const command = editHookCommand(settings) ?? "";
  assert.match(command, /^\S*team-table lease check --hook --agent erin$/);
  assert.doesNotMatch(command, /main\.ts|deno run/);
  const hook = await Deno.readTextFile(join(h.project, ".git", "hooks", "pre-commit"));
  assert.match(hook, /exec \S*team-table lease check --staged --agent erin\n/);

  // The edit hook as Claude Code runs it: the PreToolUse JSON on stdin, exit 2 stops the edit.
  const child = new Deno.Command("sh", {
    args: ["-c", command],
    env: h.env,
    clearEnv: true,
    cwd: h.project,
    stdin: "piped",
    stderr: "piped",
    stdout: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({
    hook_event_name: "PreToolUse",
    tool_name: "Edit",
    tool_input: { file_path: join(h.project, "src/a.ts") },
    cwd: h.project,
  })));
  await writer.close();
  const edit = await child.output();
  assert.equal(edit.code, 2);
  assert.match(new TextDecoder().decode(edit.stderr), /src\/a\.ts: held exclusively by alice/);

  await Deno.writeTextFile(join(h.project, "src/a.ts"), "export const a = 2;\n");
  await git("add", "src/a.ts");
  const refused = await git("commit", "-q", "-m", "src");
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /src\/a\.ts: held exclusively by alice/);

  // Installing again replaces our hook and keeps the user's others.
  const other = { matcher: "Bash", hooks: [{ type: "command", command: "echo mine" }] };
  const hooks = settings.hooks as { PreToolUse: unknown[] };
  hooks.PreToolUse.unshift(other);
  await Deno.writeTextFile(join(h.home, ".claude", "settings.json"), JSON.stringify(settings));
  assert.equal(
    (await _tt(h, "setup", "--agent", "erin", "--client", "cursor", "--hooks", "--yes")).code,
    0,
  );
  const again = await _json(join(h.home, ".claude", "settings.json"));
  assert.equal((again.hooks as { PreToolUse: unknown[] }).PreToolUse.length, 2);
  assert.deepEqual((again.hooks as { PreToolUse: unknown[] }).PreToolUse[0], other);
});

Deno.test("doctor: the clients check reports drifted entries as setup status does", async () => {
  const h = await _home();
  assert.equal((await _tt(h, "members", "add", "fay")).code, 0);
  const none = JSON.parse((await _tt(h, "doctor", "--json")).stdout);
  assert.equal(none.checks.clients.status, "ok");
  assert.match(none.checks.clients.summary, /no MCP client has a team-table entry/);

  // An entry written before fay had a credential, by hand, in Cursor's file.
  const command = join(await installedTeamTable(), "team-table");
  await Deno.writeTextFile(
    join(h.home, ".cursor/mcp.json"),
    JSON.stringify({ mcpServers: { "team-table": { command, args: ["--agent", "fay"] } } }),
  );
  const drifted = await _tt(h, "doctor", "--json");
  assert.equal(drifted.code, 1);
  const report = JSON.parse(drifted.stdout);
  assert.equal(report.checks.clients.status, "problem");
  assert.deepEqual(report.problems.map((p: { check: string }) => p.check), ["clients"]);
  assert.match(report.problems[0].problem, /^Cursor 'team-table': fay now has a credential/);
  assert.match(report.problems[0].fix, /^team-table setup --client cursor --agent fay --key KEY/);
});

Deno.test({
  name:
    "setup --scope project: Claude Code's local scope and the project's files; Codex says why not",
  ignore: skip,
  async fn() {
    const h = await _home();
    const command = join(await installedTeamTable(), "team-table");
    const done = await _tt(h, "setup", "--agent", "gus", "--scope", "project", "--yes");
    assert.equal(done.code, 0, done.stderr + done.stdout);
    assert.match(done.stdout, /claude mcp add -s local team-table/);
    assert.match(done.stdout, /Codex: skipped: Codex keeps MCP servers per user/);
    // Claude Code sees it from the project folder only.
    assert.match(await _claudeList(h), /team-table: .* - ✔ Connected/);
    const elsewhere = await _run("claude", ["mcp", "list"], h.env, h.home);
    assert.doesNotMatch(elsewhere.stdout, /^team-table:/m);
    const stdio = { command, args: ["--agent", "gus"], env: {} };
    assert.deepEqual((await _json(join(h.project, ".cursor/mcp.json"))).mcpServers, {
      "team-table": stdio,
    });
    assert.deepEqual((await _json(join(h.project, ".vscode/mcp.json"))).servers, {
      "team-table": { type: "stdio", ...stdio },
    });
    assert.deepEqual((await _json(join(h.project, ".gemini/settings.json"))).mcpServers, {
      "team-table": stdio,
    });
    const status = await _tt(
      h,
      "setup",
      "status",
      "--agent",
      "gus",
      "--scope",
      "project",
      "--client",
      "claude-code",
      "--client",
      "cursor",
      "--client",
      "vscode",
      "--client",
      "gemini",
    );
    assert.equal(status.code, 0, status.stdout);
    // A user-scope entry beside the project's is a duplicate.
    assert.equal((await _tt(h, "setup", "--agent", "gus", "--client", "cursor", "--yes")).code, 0);
    const twice = await _tt(
      h,
      "setup",
      "status",
      "--agent",
      "gus",
      "--scope",
      "project",
      "--client",
      "cursor",
    );
    assert.equal(twice.code, 1);
    assert.match(
      twice.stdout,
      /✘ duplicate \('team-table'\): 'team-table' \(user, .*\.cursor\/mcp\.json\) also runs team-table, beside 'team-table' \(project\)/,
    );
  },
});

Deno.test("setup --url: each JSON client's own HTTP format, other keys kept", async () => {
  const h = await _home();
  const token = (await _tt(h, "members", "add", "hal")).stdout.match(/(ttk_\S+)/)?.[1] ?? "";
  const settings = join(h.home, ".gemini/settings.json");
  await Deno.writeTextFile(
    settings,
    JSON.stringify({ theme: "dark", mcpServers: { other: { command: "x" } } }),
  );
  const url = "http://127.0.0.1:8741/mcp";
  const done = await _tt(
    h,
    "setup",
    "--agent",
    "hal",
    "--url",
    url,
    "--key",
    token,
    "--client",
    "cursor",
    "--client",
    "vscode",
    "--client",
    "gemini",
    "--yes",
  );
  assert.equal(done.code, 0, done.stderr + done.stdout);
  const headers = { Authorization: `Bearer ${token}` };
  assert.deepEqual((await _json(join(h.home, ".cursor/mcp.json"))).mcpServers, {
    "team-table": { url, headers },
  });
  assert.deepEqual((await _json(join(h.home, ".config/Code/User/mcp.json"))).servers, {
    "team-table": { type: "http", url, headers },
  });
  assert.deepEqual(await _json(settings), {
    theme: "dark",
    mcpServers: { other: { command: "x" }, "team-table": { httpUrl: url, headers } },
  });
  const status = await _tt(
    h,
    "setup",
    "status",
    "--agent",
    "hal",
    "--url",
    url,
    "--client",
    "cursor",
    "--client",
    "vscode",
    "--client",
    "gemini",
  );
  assert.equal(status.code, 0, status.stdout);
  const mode = (await Deno.stat(join(h.home, ".cursor/mcp.json"))).mode ?? 0;
  assert.equal(mode & 0o077, 0, "a new file holding a token is the user's alone");

  // A file with comments is not rewritten.
  await Deno.writeTextFile(join(h.home, ".cursor/mcp.json"), "// mine\n{}");
  const refused = await _tt(
    h,
    "setup",
    "--agent",
    "hal",
    "--url",
    url,
    "--key",
    token,
    "--client",
    "cursor",
    "--yes",
  );
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /\.cursor\/mcp\.json is not plain JSON .*add the entry by hand/);
  assert.equal(await Deno.readTextFile(join(h.home, ".cursor/mcp.json")), "// mine\n{}");
});

Deno.test("setup status: an entry on another database is named, and its credential is not judged", async () => {
  const h = await _home();
  assert.equal((await _tt(h, "members", "add", "ivy")).code, 0);
  const command = join(await installedTeamTable(), "team-table");
  await Deno.writeTextFile(
    join(h.home, ".cursor/mcp.json"),
    JSON.stringify({
      mcpServers: {
        "team-table": { command, args: ["--agent", "ivy", "--db", "/elsewhere/t.db"] },
      },
    }),
  );
  const status = await _tt(h, "setup", "status", "--agent", "ivy", "--client", "cursor");
  assert.equal(status.code, 1);
  const db = join(h.home, ".team-table", "team_table.db");
  assert.match(
    status.stdout,
    new RegExp(
      `✘ other database \\('team-table'\\): it uses the database /elsewhere/t\\.db, not this table's ${db}`,
    ),
  );
  assert.match(
    status.stdout,
    new RegExp(`fix: team-table setup --client cursor --agent ivy --db ${db} --yes`),
  );
  assert.doesNotMatch(status.stdout, /needs credential/);
});

Deno.test("setup status: an HTTP entry beside the stdio one is fine; two entries alike are a duplicate", async () => {
  const h = await _home();
  const token = (await _tt(h, "members", "add", "kim")).stdout.match(/(ttk_\S+)/)?.[1] ?? "";
  const url = "http://127.0.0.1:8741/mcp";
  const setup = (...args: string[]) =>
    _tt(h, "setup", "--agent", "kim", "--key", token, "--client", "cursor", ...args, "--yes");
  assert.equal((await setup()).code, 0);
  const http = await setup("--url", url, "--name", "team-table-http");
  assert.equal(http.code, 0, http.stderr + http.stdout);
  const file = join(h.home, ".cursor/mcp.json");
  assert.deepEqual(Object.keys((await _json(file)).mcpServers as object), [
    "team-table",
    "team-table-http",
  ]);
  const both = await _tt(h, "setup", "status", "--agent", "kim", "--client", "cursor");
  assert.equal(both.code, 0, both.stdout);
  assert.match(both.stdout, /user 'team-table': TEAM_TABLE_AGENT_KEY=ttk_\S+ \S+ --agent kim/);
  assert.match(both.stdout, new RegExp(`user 'team-table-http': ${url} \\(token ttk_\\S+\\)`));
  assert.match(both.stdout, /✔ as expected/);
  assert.doesNotMatch(both.stdout, /duplicate/);

  // A second entry reaching the same address as the same agent, and a second stdio one for
  // the same agent and database, are duplicates; each is named beside the one it repeats.
  const config = await _json(file);
  const servers = config.mcpServers as Record<string, unknown>;
  servers["team-table-lan"] = servers["team-table-http"];
  servers["team-table-2"] = servers["team-table"];
  await Deno.writeTextFile(file, JSON.stringify(config));
  const twice = await _tt(h, "setup", "status", "--agent", "kim", "--client", "cursor", "--json");
  assert.equal(twice.code, 1, twice.stdout);
  const problems = JSON.parse(twice.stdout).clients[0].problems as {
    kind: string;
    entry: string;
    problem: string;
  }[];
  assert.deepEqual(
    problems.map((p) => [p.kind, p.entry, p.problem.replace(/ \(user, .*?\)/, "")]),
    [
      [
        "duplicate",
        "team-table-lan",
        `'team-table-lan' also runs team-table, beside 'team-table-http' (user): both reach ${url} as kim`,
      ],
      [
        "duplicate",
        "team-table-2",
        "'team-table-2' also runs team-table, beside 'team-table' (user): both start agent kim " +
        "over stdio, on the same database",
      ],
    ],
  );
});

/** util-linux `script` gives setup a terminal, where it asks before writing. */
const hasScript = await new Deno.Command("script", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((out) => out.success, () => false);
if (!hasScript) {
  console.log("setup_clients_test: the terminal question is skipped: no 'script' command");
}

Deno.test({
  name: "setup at a terminal: the plan is shown and asked; no writes nothing, yes writes",
  ignore: !hasScript,
  async fn() {
    const h = await _home();
    const file = join(h.home, ".cursor/mcp.json");
    const answer = async (reply: string) => {
      const child = new Deno.Command("script", {
        args: ["-qec", "team-table setup --agent zed --client cursor", "/dev/null"],
        env: h.env,
        clearEnv: true,
        cwd: h.project,
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(`${reply}\n`));
      await writer.close();
      return new TextDecoder().decode((await child.output()).stdout);
    };
    const declined = await answer("n");
    assert.match(declined, /\.cursor\/mcp\.json: "mcpServers"\."team-table" = .*--agent zed/);
    assert.match(declined, /Make these changes\? \[y\/N\]/);
    assert.match(declined, /nothing was written/);
    assert.equal(await Deno.stat(file).catch(() => null), null);
    const accepted = await answer("y");
    assert.match(accepted, /done: team-table is set up as zed in Cursor/);
    assert.deepEqual(
      ((await _json(file)).mcpServers as Record<string, { args: string[] }>)["team-table"]?.args,
      ["--agent", "zed"],
    );
  },
});

Deno.test({
  name: "setup status --agent: a client set up as another agent is that agent's seat, not a drift",
  ignore: skip,
  async fn() {
    // The quick start: each client its own agent.
    const h = await _home();
    for (const agent of ["claude-code", "codex"]) {
      const done = await _tt(h, "setup", "--client", agent, "--agent", agent, "--yes");
      assert.equal(done.code, 0, done.stderr + done.stdout);
    }
    const only = ["--client", "claude-code", "--client", "codex"];
    // Each client's id is the name of the agent it was set up as.
    for (const agent of ["claude-code", "codex"]) {
      const other = agent === "codex" ? "claude-code" : "codex";
      const otherClient = other;
      const text = await _tt(h, "setup", "status", "--agent", agent, ...only);
      assert.equal(text.code, 0, text.stdout);
      assert.match(
        text.stdout,
        new RegExp(
          `○ 'team-table' is ${other}'s entry \\(another agent's seat\\): not checked here; ` +
            `check it with: team-table setup status --agent ${other} --client ${otherClient}`,
        ),
      );
      assert.doesNotMatch(text.stdout, /wrong agent|✘|fix:/);
      assert.match(text.stdout, /✔ as expected/);
      assert.match(text.stdout, /every entry is as expected$/m);
      const json = await _tt(h, "setup", "status", "--agent", agent, ...only, "--json");
      const report = JSON.parse(json.stdout) as {
        ok: boolean;
        clients: {
          client: string;
          expected?: string;
          problems: unknown[];
          entries: { other_agent?: string }[];
        }[];
      };
      assert.equal(report.ok, true);
      const byId = new Map(report.clients.map((c) => [c.client, c]));
      assert.deepEqual(byId.get(otherClient)?.entries.map((e) => e.other_agent), [other]);
      assert.deepEqual(byId.get(otherClient)?.problems, []);
      assert.equal(byId.get(otherClient)?.expected, undefined);
      assert.deepEqual(byId.get(agent)?.entries.map((e) => e.other_agent), [undefined]);
    }
  },
});

Deno.test("setup status --agent: another agent's JSON entry is shown, not checked; one naming no agent still is", async () => {
  const h = await _home();
  assert.equal((await _tt(h, "setup", "--client", "cursor", "--agent", "ann", "--yes")).code, 0);
  assert.equal((await _tt(h, "setup", "--client", "gemini", "--agent", "ben", "--yes")).code, 0);
  const status = await _tt(
    h,
    "setup",
    "status",
    "--agent",
    "ann",
    "--client",
    "cursor",
    "--client",
    "gemini",
  );
  assert.equal(status.code, 0, status.stdout);
  assert.match(status.stdout, /○ 'team-table' is ben's entry \(another agent's seat\)/);
  assert.doesNotMatch(status.stdout, /--agent ann --yes|wrong agent/);

  // An entry naming no agent is still checked, and its fix names the agent asked about.
  const file = join(h.home, ".gemini/settings.json");
  const config = await _json(file);
  const servers = config.mcpServers as Record<string, { args: string[] }>;
  servers["team-table"]!.args = [];
  await Deno.writeTextFile(file, JSON.stringify(config));
  const bare = await _tt(h, "setup", "status", "--agent", "ann", "--client", "gemini");
  assert.equal(bare.code, 1, bare.stdout);
  assert.match(bare.stdout, /✘ no agent \('team-table'\)/);
  assert.match(bare.stdout, /fix: team-table setup --client gemini --agent ann --yes/);
});
