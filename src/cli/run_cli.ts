/**
 * The command line: parse arguments, run the command, turn what went wrong into an exit code.
 * Errors the user can fix are one line on stderr, never a stack trace.
 */
import { ConfigError } from "../config.ts";
import { DatabaseOpenError } from "../db/open_database.ts";
import { RoleFileError, RuleFileError } from "../definitions/file_problems.ts";
import { TableError, ValidationError } from "../core/errors.ts";
import { cliWording } from "./cli_wording.ts";
import { parseCommandLine } from "./command_line.ts";
import { COMMANDS } from "./commands.ts";
import { helpCommand } from "./help_command.ts";
import { missingPermission } from "./missing_permission.ts";
import { type Command, parseArgs, type ParsedArgs } from "./parse_args.ts";

/** Commands not yet described by a spec (commands.ts). */
const _OLD_COMMANDS: Partial<Record<Command, (parsed: ParsedArgs) => number | Promise<number>>> = {
  roles: async (parsed) => (await import("./roles_command.ts")).rolesCommand(parsed),
  members: async (parsed) => (await import("./members_command.ts")).membersCommand(parsed),
  search: async (parsed) => (await import("./search_command.ts")).searchCommand(parsed),
  send: async (parsed) => (await import("./send_command.ts")).sendCommand(parsed),
  broadcast: async (parsed) => (await import("./send_command.ts")).broadcastCommand(parsed),
  task: async (parsed) => (await import("./task_command.ts")).taskCommand(parsed),
  context: async (parsed) => (await import("./context_command.ts")).contextCommand(parsed),
  lease: async (parsed) => (await import("./lease_command.ts")).leaseCommand(parsed),
  help: helpCommand,
};

/** Runs `team-table ARGS` and returns the process exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  let command = "stdio";
  try {
    const parsed = parseArgs(args);
    command = parsed.command;
    const old = _OLD_COMMANDS[parsed.command];
    if (old !== undefined) return await old(parsed);
    const invocation = await parseCommandLine(args, COMMANDS);
    if (invocation.kind === "help") return helpCommand();
    command = invocation.path.map((c) => c.name).join(" ") || "stdio";
    if (invocation.kind === "own") return await invocation.command.run(invocation.args);
    return await invocation.command.run(invocation.input);
  } catch (error) {
    const exit = _exitFor(error, command);
    if (exit === undefined) throw error;
    console.error(`team-table: ${exit.message}`);
    return exit.code;
  }
}

/** The exit code and one-line message for an error the user can act on. */
function _exitFor(error: unknown, command: string): { code: number; message: string } | undefined {
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
