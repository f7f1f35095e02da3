/**
 * The command line: parse arguments, run the command, turn what went wrong into an exit code.
 * Errors the user can fix are one line on stderr, never a stack trace.
 */
import { TableError } from "../core/errors.ts";
import { ConfigError } from "../config.ts";
import { DatabaseOpenError } from "../db/open_database.ts";
import { RoleFileError } from "../definitions/parse_role_file.ts";
import { RuleFileError } from "../definitions/parse_rules_file.ts";
import { helpCommand } from "./help_command.ts";
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
  help: helpCommand,
  version: versionCommand,
};

/** Runs `team-table ARGS` and returns the process exit code. */
export async function runCli(args: readonly string[]): Promise<number> {
  try {
    const parsed = parseArgs(args);
    return await _COMMANDS[parsed.command](parsed);
  } catch (error) {
    const exit = _exitFor(error);
    if (exit === undefined) throw error;
    console.error(`team-table: ${exit.message}`);
    return exit.code;
  }
}

/** The exit code and one-line message for an error the user can act on. */
function _exitFor(error: unknown): { code: number; message: string } | undefined {
  if (error instanceof ConfigError) return { code: 2, message: error.message };
  // The table refused (e.g. --agent names a name another live session holds).
  if (error instanceof TableError) return { code: 1, message: error.message };
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
