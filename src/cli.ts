/**
 * The command line: parse arguments, resolve the config once, run the command. Returns the
 * process exit code; errors the user can fix are one line on stderr, never a stack trace.
 */
import {
  ConfigError,
  readEnv,
  resolveConfig,
  resolvePollConfig,
  resolveServeConfig,
} from "./config.ts";
import { DatabaseOpenError } from "./db/open_database.ts";
import { createLogger } from "./log.ts";
import { loadRoleCatalog } from "./roles/load_roles.ts";
import { RoleFileError } from "./roles/parse_role_file.ts";
import { loadRules, RuleFileError } from "./rules_files/load_rules.ts";
import type { Config } from "./config.ts";
import { runStdio } from "./run_stdio.ts";
// serve, poll, roles and members load on demand: the stdio server (what MCP clients start, and
// start often) does not pay for their modules. deno compile embeds them all the same.
import { versionText } from "./version_text.ts";

export const USAGE = `team-table — the coordination table for teams of AI agents (MCP server)

Usage:
  team-table [options]               MCP server over stdio (what an MCP client starts)
  team-table serve [options]         MCP over HTTP (/mcp, /sse) with push events (/events/{agent})
  team-table poll <agent> [options]  print an agent's new messages and events (stdio fallback)
  team-table roles list | show NAME | check DIR
                                     the role templates: list, show one, validate a directory
  team-table members list | grant NAME ROLE
                                     who is registered; give a role (privileged ones too)
  team-table status [--since 2h]     the table at a glance: members, board, blocked tasks,
                                     unread mail, and what happened since (default 24h)
  team-table version | --version     print the versions
  team-table help | --help           print this help

Options for every command:
  --db PATH            the SQLite database (env TEAM_TABLE_DB; default ~/.team-table/team_table.db)
  --log-level LEVEL    debug, info, warn or error (env TEAM_TABLE_LOG_LEVEL; default info)
  --roles-dir DIR      role templates that replace or add to the shipped ones
                       (env TEAM_TABLE_ROLES_DIR)
  --rules FILE         workflow rules that replace or add to the shipped defaults
                       (env TEAM_TABLE_RULES)
  --channel            stdio: push table events into the session as Claude Code channel
                       notifications (env TEAM_TABLE_CHANNEL=1)
  TEAM_TABLE_TICK      seconds between runs of time-based rules (agent.idle) and the
                       expired-context sweep (default 15)

serve:
  --host HOST          address to listen on (env TEAM_TABLE_HOST; default 127.0.0.1)
  --port PORT          port, 0 picks a free one (env TEAM_TABLE_PORT; default 8741)
  --no-auth            no access token (refused unless the host is loopback)
  --allow-origin NAME  also accept this host name or origin in Host/Origin headers (repeatable)
  --heartbeat SECONDS  heartbeat interval on event streams (env TEAM_TABLE_HEARTBEAT; default 30)
  --session-idle SECONDS  end MCP sessions idle this long (env TEAM_TABLE_SESSION_IDLE; default 1800)
  --operator NAME      the name humans post under in the web view, shown as human:NAME
                       (env TEAM_TABLE_OPERATOR; default human)
  The access token is TEAM_TABLE_TOKEN, or one generated on first start and kept in the file
  'token' beside the database.

poll <agent>:
  --interval SECONDS   how often to look (default 30; fractions allowed)
  --once               print what is new since the last poll, then exit
  --json               one JSON object per line instead of text
  --exec COMMAND       run COMMAND (via sh -c) for each event; the event JSON is on its stdin
                       and in TEAM_TABLE_EVENT (also TEAM_TABLE_EVENT_ID, TEAM_TABLE_EVENT_TYPE)
  --auto-reply         acknowledge direct messages automatically; a question or decision is
                       escalated (ESCALATE line) and ends auto-replies for the run
  --max-replies N      cap on automatic replies per run (default 13)

Logs go to stderr; in stdio mode stdout carries only MCP JSON-RPC.`;

type Command =
  | "stdio"
  | "serve"
  | "poll"
  | "roles"
  | "members"
  | "status"
  | "help"
  | "version";

export interface ParsedArgs {
  command: Command;
  db?: string;
  logLevel?: string;
  rolesDir?: string;
  rules?: string;
  /** Words after the command (poll's agent, roles/members subcommands). */
  positionals?: string[];
  host?: string;
  port?: string;
  noAuth?: boolean;
  allowOrigins?: string[];
  heartbeat?: string;
  sessionIdle?: string;
  operator?: string;
  agent?: string;
  interval?: string;
  json?: boolean;
  once?: boolean;
  exec?: string;
  autoReply?: boolean;
  channel?: boolean;
  maxReplies?: string;
  since?: string;
}

type _ValueFlag =
  | "db"
  | "logLevel"
  | "rolesDir"
  | "rules"
  | "host"
  | "port"
  | "heartbeat"
  | "sessionIdle"
  | "operator"
  | "interval"
  | "exec"
  | "maxReplies"
  | "since";
type _SwitchFlag = "noAuth" | "json" | "once" | "autoReply" | "channel";

const _ALL: Command[] = ["stdio", "serve", "poll", "roles", "members", "status"];
const _VALUE_FLAGS: Record<string, { key: _ValueFlag; commands: Command[] }> = {
  "--db": { key: "db", commands: _ALL },
  "--log-level": { key: "logLevel", commands: _ALL },
  "--roles-dir": { key: "rolesDir", commands: _ALL },
  "--rules": { key: "rules", commands: _ALL },
  "--host": { key: "host", commands: ["serve"] },
  "--port": { key: "port", commands: ["serve"] },
  "--heartbeat": { key: "heartbeat", commands: ["serve"] },
  "--session-idle": { key: "sessionIdle", commands: ["serve"] },
  "--operator": { key: "operator", commands: ["serve"] },
  "--interval": { key: "interval", commands: ["poll"] },
  "--exec": { key: "exec", commands: ["poll"] },
  "--max-replies": { key: "maxReplies", commands: ["poll"] },
  "--since": { key: "since", commands: ["status"] },
};
const _SWITCHES: Record<string, { key: _SwitchFlag; commands: Command[] }> = {
  "--no-auth": { key: "noAuth", commands: ["serve"] },
  "--channel": { key: "channel", commands: ["stdio"] },
  "--json": { key: "json", commands: ["poll"] },
  "--once": { key: "once", commands: ["poll"] },
  "--auto-reply": { key: "autoReply", commands: ["poll"] },
};
const _COMMANDS: Record<string, Command> = {
  serve: "serve",
  poll: "poll",
  roles: "roles",
  members: "members",
  status: "status",
  help: "help",
  "--help": "help",
  "-h": "help",
  version: "version",
  "--version": "version",
  "-V": "version",
};

/** Parses argv; throws ConfigError on an unknown command or flag. */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: "stdio" };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const command = _COMMANDS[flag];
    if (command && (i === 0 || command === "help" || command === "version")) {
      parsed.command = command;
      continue;
    }
    const valueFlag = _VALUE_FLAGS[flag];
    const switchFlag = _SWITCHES[flag];
    if (valueFlag || switchFlag || flag === "--allow-origin") {
      const commands = valueFlag?.commands ?? switchFlag?.commands ?? ["serve"];
      if (!commands.includes(parsed.command)) {
        throw new ConfigError(`${flag} is not an option of ${_name(parsed.command)}`);
      }
    }
    if (valueFlag || flag === "--allow-origin") {
      const value = inline ?? args[++i];
      if (value === undefined || value === "") throw new ConfigError(`${flag} needs a value`);
      if (valueFlag) parsed[valueFlag.key] = value;
      else parsed.allowOrigins = [...(parsed.allowOrigins ?? []), value];
      continue;
    }
    if (switchFlag) {
      parsed[switchFlag.key] = true;
      continue;
    }
    if (["poll", "roles", "members"].includes(parsed.command) && !flag.startsWith("-")) {
      parsed.positionals = [...(parsed.positionals ?? []), arg];
      if (parsed.command === "poll" && parsed.agent === undefined) parsed.agent = arg;
      else if (parsed.command === "poll") {
        throw new ConfigError(`poll takes one agent name; '${arg}' is one too many`);
      }
      continue;
    }
    throw new ConfigError(
      `unknown ${flag.startsWith("-") ? "option" : "argument"} '${flag}' (see team-table --help)`,
    );
  }
  return parsed;
}

/** What every command that opens the table needs, loaded once at start-up. */
function _deps(config: Config) {
  return {
    logger: createLogger(config.logLevel),
    roles: loadRoleCatalog(config.rolesDir),
    rules: loadRules(config.rulesFile),
  };
}

function _name(command: Command): string {
  return command === "stdio" ? "the stdio server" : `'${command}'`;
}

export async function runCli(args: readonly string[]): Promise<number> {
  try {
    const parsed = parseArgs(args);
    switch (parsed.command) {
      case "help":
        console.log(USAGE);
        return 0;
      case "version":
        console.log(versionText());
        return 0;
      case "serve": {
        const config = resolveServeConfig(parsed, readEnv());
        const { runServe } = await import("./serve.ts");
        await runServe(config, _deps(config));
        return 0;
      }
      case "poll": {
        const config = resolvePollConfig(parsed, readEnv());
        const { runPoll } = await import("./poll/run_poll.ts");
        return await runPoll(config, _deps(config));
      }
      case "roles": {
        const config = resolveConfig(parsed, readEnv());
        const { runRolesCommand } = await import("./roles/roles_command.ts");
        return runRolesCommand(parsed.positionals ?? [], config.rolesDir);
      }
      case "members": {
        const config = resolveConfig(parsed, readEnv());
        const { runMembersCommand } = await import("./members_command.ts");
        return runMembersCommand(parsed.positionals ?? [], { config, ..._deps(config) });
      }
      case "status": {
        const config = resolveConfig(parsed, readEnv());
        const { runStatusCommand } = await import("./status_command.ts");
        return runStatusCommand(config, { ..._deps(config), since: parsed.since });
      }
      case "stdio": {
        const config = resolveConfig(parsed, readEnv());
        await runStdio(config, _deps(config));
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`team-table: ${error.message}`);
      return 2;
    }
    if (error instanceof RoleFileError) {
      console.error(`team-table: bad role template:\n${error.message}`);
      return 2;
    }
    if (error instanceof RuleFileError) {
      console.error(`team-table: bad rules file:\n${error.message}`);
      return 2;
    }
    if (error instanceof DatabaseOpenError) {
      console.error(`team-table: ${error.message}`);
      return 1;
    }
    if (error instanceof Deno.errors.AddrInUse || error instanceof Deno.errors.PermissionDenied) {
      console.error(`team-table: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
