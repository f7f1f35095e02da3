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
import { printHelp } from "./help_command.ts";
import { missingPermission } from "./missing_permission.ts";

/** Runs `team-table ARGS` and returns the process exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  let command = "stdio";
  try {
    const invocation = await parseCommandLine(args, COMMANDS);
    if (invocation.kind === "help") return await printHelp(invocation.path, COMMANDS);
    command = invocation.path.map((c) => c.name).join(" ") || command;
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
