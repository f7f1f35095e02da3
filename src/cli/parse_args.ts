/**
 * Command-line words and flags into ParsedArgs: which command, and which flags apply to it.
 * Unknown commands and flags, or flags of another command, are ConfigErrors (exit code 2).
 */
import { ConfigError } from "../config.ts";

export type Command =
  | "stdio"
  | "serve"
  | "poll"
  | "roles"
  | "members"
  | "status"
  | "search"
  | "send"
  | "broadcast"
  | "task"
  | "context"
  | "lease"
  | "doctor"
  | "setup"
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
  joinToken?: boolean;
  maxSessions?: string;
  maxSessionsPerCredential?: string;
  bodyTimeout?: string;
  tlsCert?: string;
  tlsKey?: string;
  role?: string;
  maxReplies?: string;
  since?: string;
  /** search: the kinds to look through (comma-separated) and how many results. */
  kinds?: string;
  limit?: string;
  assignee?: string;
  priority?: string;
  description?: string;
  status?: string;
  result?: string;
  ns?: string;
  ttl?: string;
  taskId?: string;
  /** lease: the repository root, a force-release reason, the hook's stdin, staged files. */
  root?: string;
  reason?: string;
  hook?: boolean;
  staged?: boolean;
  /** doctor: serve's address, and whether to fix what it can. */
  url?: string;
  fix?: boolean;
  /** serve: no /metrics endpoint. */
  noMetrics?: boolean;
  /** setup: every word but the command word, which setup parses itself. */
  rawArgs?: string[];
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
  | "maxSessions"
  | "maxSessionsPerCredential"
  | "bodyTimeout"
  | "tlsCert"
  | "tlsKey"
  | "operator"
  | "interval"
  | "exec"
  | "maxReplies"
  | "since"
  | "agent"
  | "role"
  | "kinds"
  | "limit"
  | "assignee"
  | "priority"
  | "description"
  | "status"
  | "result"
  | "ns"
  | "ttl"
  | "taskId"
  | "root"
  | "reason"
  | "url";
type _SwitchFlag =
  | "noAuth"
  | "json"
  | "once"
  | "autoReply"
  | "channel"
  | "joinToken"
  | "hook"
  | "staged"
  | "fix"
  | "noMetrics";

/** The commands a human uses to act on the table, as `human:OPERATOR`. */
const _HUMAN: Command[] = ["send", "broadcast", "task", "context"];
const _ALL: Command[] = [
  "stdio",
  "serve",
  "poll",
  "roles",
  "members",
  "status",
  "search",
  "lease",
  "doctor",
  ..._HUMAN,
];
/** Commands that take words after them (poll's agent, subcommands, texts). */
const _TAKES_WORDS: Command[] = ["poll", "roles", "members", "search", "lease", ..._HUMAN];
const _VALUE_FLAGS: Record<string, { key: _ValueFlag; commands: Command[] }> = {
  "--db": { key: "db", commands: _ALL },
  "--log-level": { key: "logLevel", commands: _ALL },
  "--roles-dir": { key: "rolesDir", commands: _ALL },
  "--rules": { key: "rules", commands: _ALL },
  "--host": { key: "host", commands: ["serve"] },
  "--port": { key: "port", commands: ["serve"] },
  "--heartbeat": { key: "heartbeat", commands: ["serve"] },
  "--session-idle": { key: "sessionIdle", commands: ["serve"] },
  "--max-sessions": { key: "maxSessions", commands: ["serve"] },
  "--max-sessions-per-credential": { key: "maxSessionsPerCredential", commands: ["serve"] },
  "--body-timeout": { key: "bodyTimeout", commands: ["serve"] },
  "--tls-cert": { key: "tlsCert", commands: ["serve"] },
  "--tls-key": { key: "tlsKey", commands: ["serve"] },
  "--operator": { key: "operator", commands: ["serve", "lease", ..._HUMAN] },
  "--interval": { key: "interval", commands: ["poll"] },
  "--exec": { key: "exec", commands: ["poll"] },
  "--max-replies": { key: "maxReplies", commands: ["poll"] },
  "--since": { key: "since", commands: ["status", "search"] },
  "--agent": { key: "agent", commands: ["stdio", "search", "lease"] },
  "--role": { key: "role", commands: ["members"] },
  "--kinds": { key: "kinds", commands: ["search"] },
  "--limit": { key: "limit", commands: ["search"] },
  "--assignee": { key: "assignee", commands: ["task"] },
  "--priority": { key: "priority", commands: ["task"] },
  "--description": { key: "description", commands: ["task"] },
  "--status": { key: "status", commands: ["task"] },
  "--result": { key: "result", commands: ["task"] },
  "--task": { key: "taskId", commands: ["send", "broadcast"] },
  "--ns": { key: "ns", commands: ["context"] },
  "--ttl": { key: "ttl", commands: ["context"] },
  "--root": { key: "root", commands: ["lease"] },
  "--reason": { key: "reason", commands: ["lease"] },
  "--url": { key: "url", commands: ["doctor"] },
};
const _SWITCHES: Record<string, { key: _SwitchFlag; commands: Command[] }> = {
  "--no-auth": { key: "noAuth", commands: ["serve"] },
  "--join-token": { key: "joinToken", commands: ["serve"] },
  "--channel": { key: "channel", commands: ["stdio"] },
  "--json": { key: "json", commands: ["poll", "search", "doctor"] },
  "--once": { key: "once", commands: ["poll"] },
  "--auto-reply": { key: "autoReply", commands: ["poll"] },
  "--hook": { key: "hook", commands: ["lease"] },
  "--staged": { key: "staged", commands: ["lease"] },
  "--fix": { key: "fix", commands: ["doctor"] },
  "--no-metrics": { key: "noMetrics", commands: ["serve"] },
};
const _COMMANDS: Record<string, Command> = {
  serve: "serve",
  poll: "poll",
  roles: "roles",
  members: "members",
  status: "status",
  search: "search",
  send: "send",
  broadcast: "broadcast",
  task: "task",
  context: "context",
  lease: "lease",
  doctor: "doctor",
  setup: "setup",
  help: "help",
  "--help": "help",
  "-h": "help",
  version: "version",
  "--version": "version",
  "-V": "version",
};

/** Every option the command line knows. */
export const FLAG_NAMES: readonly string[] = [
  ...Object.keys(_VALUE_FLAGS),
  ...Object.keys(_SWITCHES),
  "--allow-origin",
];

/** Every command word (and its aliases: --help, -V...). */
export const COMMAND_WORDS: readonly string[] = Object.keys(_COMMANDS);

/**
 * Parses argv; throws ConfigError on an unknown command or flag. The command is the first word
 * that is not a flag or a flag's value, so options may come before or after it
 * (`team-table --db X status` and `team-table status --db X` are the same).
 */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const commandAt = _commandIndex(args);
  const parsed: ParsedArgs = { command: commandAt === -1 ? "stdio" : _COMMANDS[args[commandAt]!]! };
  if (parsed.command === "setup") {
    return { command: "setup", rawArgs: args.filter((_, i) => i !== commandAt) };
  }
  for (let i = 0; i < args.length; i++) {
    if (i === commandAt) continue;
    const arg = args[i] ?? "";
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const command = _COMMANDS[flag];
    if (command === "help" || command === "version") {
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
    if (_TAKES_WORDS.includes(parsed.command) && (!flag.startsWith("-") || flag === "-")) {
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

/** Where the command word is: the first word that is not a flag or a flag's value; -1: none. */
function _commandIndex(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg.startsWith("-")) {
      if ((_VALUE_FLAGS[arg] || arg === "--allow-origin") && !arg.includes("=")) i++;
      continue;
    }
    const command = _COMMANDS[arg];
    return command && command !== "help" && command !== "version" ? i : -1;
  }
  return -1;
}

function _name(command: Command): string {
  return command === "stdio" ? "the stdio server" : `'${command}'`;
}
