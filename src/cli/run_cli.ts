/**
 * The command line: parse arguments, run the command, turn what went wrong into an exit code.
 * Errors the user can fix are one line on stderr, never a stack trace.
 */
import { ConfigError } from "../config.ts";
import { DatabaseOpenError } from "../db/open_database.ts";
import { RoleFileError, RuleFileError } from "../definitions/file_problems.ts";
import { TableError, ValidationError } from "../core/errors.ts";
import { cliWording } from "./cli_wording.ts";
import { helpCommand } from "./help_command.ts";
import { missingPermission } from "./missing_permission.ts";
import { type Command, parseArgs, type ParsedArgs } from "./parse_args.ts";
import { stdioCommand } from "./stdio_command.ts";
import { versionCommand } from "./version_command.ts";

/**
 * Each command's entry. The others load on demand: the stdio server (what MCP clients start,
 * and start often) does not pay for their modules. deno compile embeds them all the same.
 */
const _COMMANDS: Record<Command, (parsed: ParsedArgs) => number | Promise<number>> = {
  stdio: stdioCommand,
  serve: async (parsed) => (await import("./serve_command.ts")).serveCommand(parsed),
  poll: async (parsed) => (await import("./poll_command.ts")).pollCommand(parsed),
  roles: async (parsed) => (await import("./roles_command.ts")).rolesCommand(parsed),
  members: async (parsed) => (await import("./members_command.ts")).membersCommand(parsed),
  status: async (parsed) => (await import("./status_command.ts")).statusCommand(parsed),
  search: async (parsed) => (await import("./search_command.ts")).searchCommand(parsed),
  send: async (parsed) => (await import("./send_command.ts")).sendCommand(parsed),
  broadcast: async (parsed) => (await import("./send_command.ts")).broadcastCommand(parsed),
  task: async (parsed) => (await import("./task_command.ts")).taskCommand(parsed),
  context: async (parsed) => (await import("./context_command.ts")).contextCommand(parsed),
  lease: async (parsed) => (await import("./lease_command.ts")).leaseCommand(parsed),
  doctor: async (parsed) => (await import("./doctor_command.ts")).doctorCommand(parsed),
  setup: async (parsed) =>
    (await import("./setup/setup_command.ts")).setupCommand(parsed.rawArgs ?? []),
  help: helpCommand,
  version: versionCommand,
};

/** Runs `team-table ARGS` and returns the process exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  let command: Command = "stdio";
  try {
    const parsed = parseArgs(args);
    command = parsed.command;
    return await _COMMANDS[parsed.command](parsed);
  } catch (error) {
    const exit = _exitFor(error, command);
    if (exit === undefined) throw error;
    console.error(`team-table: ${exit.message}`);
    return exit.code;
  }
}

/** The exit code and one-line message for an error the user can act on. */
function _exitFor(error: unknown, command: Command): { code: number; message: string } | undefined {
  const permission = missingPermission(error, command);
  if (permission !== undefined) return { code: 1, message: permission };
  if (error instanceof ConfigError) return { code: 2, message: error.message };
  if (error instanceof ValidationError) return { code: 2, message: cliWording(error.message) };
  // The table refused (e.g. --agent names a name another live session holds).
  if (error instanceof TableError) return { code: 1, message: cliWording(error.message) };
  if (error instanceof RoleFileError) {
    return { code: 2, message: `bad role template:\n${error.message}` };
  }
  if (error instanceof RuleFileError) {
    return { code: 2, message: `bad rules file:\n${error.message}` };
  }
  if (
    error instanceof DatabaseOpenError || error instanceof Deno.errors.AddrInUse ||
    error instanceof Deno.errors.PermissionDenied
  ) {
    return { code: 1, message: error.message };
  }
  return undefined;
}
