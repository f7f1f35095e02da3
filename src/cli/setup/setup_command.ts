/**
 * `team-table setup`: adds team-table to the MCP clients installed for this user, as one
 * agent, over stdio or HTTP, for the user or one project; `setup status` says how each
 * client's entry differs from that. Nothing is written before the plan is shown and either
 * confirmed at the terminal or approved with --yes.
 */
import { isAbsolute, resolve } from "node:path";
import { type Config, ConfigError, readEnv, resolveConfig } from "../../config.ts";
import { installPreCommit, repositoryRoot } from "../lease_git.ts";
import { MCP_CLIENTS } from "./all_clients.ts";
import { describeSpec, expectedSpec, KEY_VAR, type SetupRequest } from "./client_entry.ts";
import { editHookStep } from "./edit_hook.ts";
import { readMemberFacts } from "./member_facts.ts";
import type { ClientContext, McpClient, Step } from "./mcp_client.ts";
import { shellLine } from "./run_program.ts";
import { parseSetupFlags, type SetupFlags } from "./setup_flags.ts";
import { setupStatus, statusText } from "./setup_status.ts";
import { stableCommand } from "./team_table_command.ts";
import { defineOwnArgs } from "../command_spec.ts";

/** `team-table setup ARGS`: it parses its own flags (setup_flags.ts). */
export const setupCommand = defineOwnArgs({
  name: "setup",
  summary: "add team-table to the MCP clients installed for this user (claude-code, codex, " +
    "cursor, vscode, gemini) as one agent; setup status: what drifted and its fix",
  details: "Shows what it would change and writes it when confirmed at the terminal or with " +
    "--yes; --dry-run only shows. --hooks also writes the Claude Code edit hook and the git " +
    "pre-commit hook. Also: --scope user|project, --project DIR, --name ENTRY (the entry's name), " +
    "--command PATH (the command entries run). setup status exits 1 on any drift.",
  usage: [
    "setup --agent NAME [--url URL] [--key KEY] [--client ID]... [--hooks] [--dry-run|--yes]",
    "setup status [--agent NAME] [--url URL] [--client ID]... [--json]",
  ],
  run: (args) => runSetup(args),
});

/** Runs `team-table setup ARGS` (the words after `setup`); returns the exit code. */
export async function runSetup(args: readonly string[]): Promise<number> {
  const flags = parseSetupFlags(args);
  const env = readEnv();
  const config = resolveConfig(
    { db: flags.db, logLevel: flags.logLevel, rolesDir: flags.rolesDir, rules: flags.rules },
    env,
  );
  const home = env["HOME"] ?? env["USERPROFILE"];
  if (home === undefined) throw new ConfigError("cannot find the home folder (HOME is not set)");
  const ctx: ClientContext = { home, project: resolve(flags.project ?? Deno.cwd()) };
  const clients = flags.clients === undefined
    ? MCP_CLIENTS
    : MCP_CLIENTS.filter((c) => flags.clients?.includes(c.id));
  const explicitDb = flags.db ?? env["TEAM_TABLE_DB"];
  const db = explicitDb === undefined || explicitDb === "" ? undefined : resolve(explicitDb);
  if (flags.status) return await _status(flags, ctx, clients, config, env, db);
  return await _setup(flags, ctx, clients, config, env, db);
}

async function _status(
  flags: SetupFlags,
  ctx: ClientContext,
  clients: readonly McpClient[],
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  db: string | undefined,
): Promise<number> {
  const command = await stableCommand(ctx.home, flags.command).catch(() => undefined);
  // The entry to show as expected: known once the agent is, and for stdio the installed command.
  const request = flags.agent === undefined || (flags.url === undefined && command === undefined)
    ? undefined
    : _request(flags, command ?? "", db, flags.key ?? env[KEY_VAR]);
  const status = await setupStatus(
    clients,
    ctx,
    {
      name: flags.name,
      scope: flags.scope,
      ...(flags.agent === undefined ? {} : { agent: flags.agent }),
      ...(flags.url === undefined ? {} : { url: flags.url }),
      ...(command === undefined ? {} : { command }),
      database: { path: config.dbPath, home: ctx.home },
      ...(request === undefined ? {} : {
        expected: (client: McpClient) => describeSpec(expectedSpec(request, client.tokenFromEnv)),
      }),
    },
    (secrets) => readMemberFacts(config, secrets),
    env,
  );
  console.log(flags.json ? JSON.stringify(status, null, 2) : statusText(status));
  return status.ok ? 0 : 1;
}

function _request(
  flags: SetupFlags,
  command: string,
  db: string | undefined,
  key: string | undefined,
): SetupRequest {
  return {
    name: flags.name,
    agent: flags.agent ?? "",
    scope: flags.scope,
    command,
    ...(flags.url === undefined ? {} : { url: flags.url }),
    ...(key === undefined || key === "" ? {} : { key }),
    ...(db === undefined ? {} : { db }),
  };
}

async function _setup(
  flags: SetupFlags,
  ctx: ClientContext,
  clients: readonly McpClient[],
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  db: string | undefined,
): Promise<number> {
  const agent = flags.agent ?? "";
  const needsCommand = flags.url === undefined || flags.hooks;
  const command = needsCommand ? await stableCommand(ctx.home, flags.command) : "";
  if (needsCommand && flags.command !== undefined && !isAbsolute(command)) {
    throw new ConfigError(`--command must be an absolute path (got '${command}')`);
  }
  const key = flags.key ?? (env[KEY_VAR] || undefined);
  await _checkCredential(config, agent, key, flags.url !== undefined);
  const request = _request(flags, command, db, key);

  const steps: Step[] = [];
  const notes: string[] = [];
  const chosen: McpClient[] = [];
  for (const client of clients) {
    const found = await client.detect(ctx);
    if (found === null) {
      if (flags.clients !== undefined) {
        throw new ConfigError(`${client.label} is not installed for this user`);
      }
      continue;
    }
    chosen.push(client);
    const spec = expectedSpec(request, client.tokenFromEnv);
    const planned = client.plan(
      ctx,
      { name: flags.name, scope: flags.scope, spec },
      await client.entries(ctx),
    );
    if (typeof planned === "string") notes.push(`${client.label}: skipped: ${planned}`);
    else steps.push(planned);
  }
  if (chosen.length === 0) {
    throw new ConfigError(
      "no MCP client found for this user (looked for Claude Code, Codex, Cursor, VS Code, " +
        "Gemini CLI); pass --client ID once one is installed",
    );
  }
  if (flags.hooks) steps.push(...await _hookSteps(flags, ctx, command, agent, db));

  console.log(flags.dryRun ? "setup would make these changes:" : "setup will make these changes:");
  for (const step of steps) for (const line of step.lines) console.log(`  ${line}`);
  for (const note of notes) console.log(`  ${note}`);
  if (flags.dryRun) {
    console.log("dry run: nothing was written");
    return 0;
  }
  if (steps.length === 0) return 0;
  if (!flags.yes && !_confirmed()) {
    console.log("nothing was written (run again with --yes to apply)");
    return 1;
  }
  for (const step of steps) {
    await step.run();
  }
  console.log(
    `done: team-table is set up as ${agent} in ${chosen.map((c) => c.label).join(", ")}` +
      `; check with: team-table setup status --agent ${agent}` +
      (flags.url === undefined ? "" : ` --url ${flags.url}`),
  );
  return 0;
}

/** Asks at the terminal; never when stdin is not one (then --yes is needed). */
function _confirmed(): boolean {
  if (!Deno.stdin.isTerminal()) return false;
  return confirm("Make these changes?");
}

/**
 * Refuses an entry that would fail to connect: a name with a credential given none, or a key
 * that is not the name's. HTTP needs the agent's token. Unchecked when the database does not
 * exist here (a remote serve).
 */
async function _checkCredential(
  config: Config,
  agent: string,
  key: string | undefined,
  http: boolean,
): Promise<void> {
  if (http && key === undefined) {
    throw new ConfigError(
      `an HTTP entry needs ${agent}'s token: pass --key TOKEN (printed by 'team-table ` +
        `members add ${agent}' or 'members token ${agent}')`,
    );
  }
  const facts = await readMemberFacts(config, key === undefined ? [] : [key]);
  if (facts === null) return;
  if (key === undefined && facts.hasCredential(agent) === true) {
    throw new ConfigError(
      `${agent} has a credential: pass it with --key KEY (or ${KEY_VAR}); without it the ` +
        `server stops at start. Lost it? 'team-table members token ${agent}' issues a new one`,
    );
  }
  if (key !== undefined && facts.holderOf(key) !== agent) {
    const holder = facts.holderOf(key);
    throw new ConfigError(
      `--key is ${holder === undefined ? "no member's credential" : `${holder}'s credential`}` +
        `, not ${agent}'s`,
    );
  }
}

/** The Claude Code edit hook and, in a git repository, the pre-commit hook. */
async function _hookSteps(
  flags: SetupFlags,
  ctx: ClientContext,
  command: string,
  agent: string,
  db: string | undefined,
): Promise<Step[]> {
  const dbArgs = db === undefined ? [] : ["--db", db];
  const check = shellLine([command, "lease", "check", "--hook", "--agent", agent, ...dbArgs]);
  const steps = [editHookStep(ctx, flags.scope, check)];
  const root = await repositoryRoot(undefined, ctx.project).catch(() => undefined);
  if (root !== undefined) {
    const staged = [command, "lease", "check", "--staged", "--agent", agent, ...dbArgs];
    steps.push({
      client: "git",
      lines: [`${root}/.git/hooks/pre-commit → ${shellLine(staged)}`],
      async run() {
        await installPreCommit(root, staged);
      },
    });
  }
  return steps;
}
