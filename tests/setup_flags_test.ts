/**
 * `team-table setup`'s own flags (node:util parseArgs) and the pieces that need no client:
 * bad input is a ConfigError naming the flag and what it accepts; the edit hook keeps the
 * user's other hooks; a plan never shows a credential whole.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../src/config.ts";
import { parseCommandLine } from "../src/cli/command_line.ts";
import { COMMANDS } from "../src/cli/commands.ts";
import { describeSpec, expectedSpec } from "../src/cli/setup/client_entry.ts";
import { editHookCommand, withEditHook } from "../src/cli/setup/edit_hook.ts";
import { parseSetupFlags } from "../src/cli/setup/setup_flags.ts";

Deno.test("setup flags: what is accepted", async () => {
  const flags = parseSetupFlags([
    "--agent",
    "alice",
    "--client",
    "codex",
    "--client=cursor",
    "--scope",
    "project",
    "--url",
    "http://127.0.0.1:8741/mcp",
    "--key",
    "ttk_x",
    "--dry-run",
  ]);
  assert.deepEqual(
    [flags.agent, flags.clients, flags.scope, flags.url, flags.key, flags.dryRun, flags.yes],
    ["alice", ["codex", "cursor"], "project", "http://127.0.0.1:8741/mcp", "ttk_x", true, false],
  );
  assert.equal(parseSetupFlags(["status", "--json"]).status, true);
  assert.equal(parseSetupFlags(["--agent", "a", "-y"]).yes, true);
  // The command line hands setup its words untouched, global flags before it included.
  const invocation = await parseCommandLine(
    ["--db", "x.db", "setup", "--agent", "a", "--hooks"],
    COMMANDS,
  );
  assert.equal(invocation.kind, "own");
  assert.deepEqual(
    invocation.kind === "own" ? invocation.args : [],
    ["--db", "x.db", "--agent", "a", "--hooks"],
  );
});

Deno.test("setup flags: bad input names the flag and what it accepts", () => {
  const refused: [string[], RegExp][] = [
    [[], /setup needs --agent NAME/],
    [
      ["--agent", "a", "--client", "emacs"],
      /--client 'emacs' is not one of claude-code, codex, cursor, vscode, gemini/,
    ],
    [["--agent", "a", "--scope", "global"], /--scope must be user or project \(got 'global'\)/],
    [["--agent", "a", "--url", "nope"], /--url 'nope' is not a URL/],
    [["--agent", "a", "--url", "ftp://h/mcp"], /--url must be http:\/\/ or https:\/\//],
    [
      ["--agent", "a", "--url", "http://h:1/"],
      /--url must be serve's \/mcp address \(e\.g\. http:\/\/h:1\/mcp\)/,
    ],
    [["--agent", "a", "--dry-run", "--yes"], /--dry-run and --yes contradict each other/],
    [["status", "--yes"], /setup status only reads/],
    [["--agent", "a", "--bogus"], /Unknown option '--bogus'.*usage: team-table setup/],
    [["--agent", "a", "extra"], /unknown argument 'extra'/],
    [["--agent", "-bad-"], /--agent/],
  ];
  for (const [args, message] of refused) {
    assert.throws(() => parseSetupFlags(args), (error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, message);
      return true;
    }, args.join(" "));
  }
});

Deno.test("the edit hook replaces only its own PreToolUse entry", () => {
  const mine = { matcher: "Bash", hooks: [{ type: "command", command: "echo mine" }] };
  const old = {
    matcher: "Edit",
    hooks: [{ type: "command", command: "/old/deno run main.ts lease check --hook" }],
  };
  const hooks = withEditHook(
    { PreToolUse: [mine, old], Stop: [mine] },
    "/bin/team-table lease check --hook --agent a",
  );
  assert.deepEqual(hooks["Stop"], [mine]);
  assert.deepEqual(hooks["PreToolUse"], [
    mine,
    {
      matcher: "Edit|Write|MultiEdit|NotebookEdit",
      hooks: [{ type: "command", command: "/bin/team-table lease check --hook --agent a" }],
    },
  ]);
  assert.equal(
    editHookCommand({ hooks }),
    "/bin/team-table lease check --hook --agent a",
  );
  assert.equal(editHookCommand({}), undefined);
});

Deno.test("a plan shows credentials shortened; Codex's HTTP entry reads its token from a variable", () => {
  const request = {
    name: "team-table",
    agent: "bob",
    scope: "user" as const,
    command: "/bin/team-table",
    key: "ttk_0123456789abcdef",
  };
  assert.equal(
    describeSpec(expectedSpec(request)),
    "TEAM_TABLE_AGENT_KEY=ttk_0123… /bin/team-table --agent bob",
  );
  const http = { ...request, url: "http://127.0.0.1:8741/mcp" };
  assert.equal(describeSpec(expectedSpec(http)), "http://127.0.0.1:8741/mcp (token ttk_0123…)");
  assert.equal(
    describeSpec(expectedSpec(http, true)),
    "http://127.0.0.1:8741/mcp (token from $TEAM_TABLE_AGENT_KEY)",
  );
  assert.deepEqual(expectedSpec({ ...request, db: "/data/t.db" }), {
    transport: "stdio",
    command: "/bin/team-table",
    args: ["--agent", "bob", "--db", "/data/t.db"],
    env: { TEAM_TABLE_AGENT_KEY: "ttk_0123456789abcdef" },
  });
});
