/**
 * The command line: parse arguments, resolve the config once, run the command. Returns the
 * process exit code; errors the user can fix are one line on stderr, never a stack trace.
 */
import { ConfigError, readEnv, resolveConfig } from "./config.ts";
import { DatabaseOpenError } from "./db/open_database.ts";
import { createLogger } from "./log.ts";
import { runStdio } from "./run_stdio.ts";
import { versionText } from "./version_text.ts";

export const USAGE = `team-table — the coordination table for teams of AI agents (MCP server)

Usage:
  team-table [options]             run the MCP server over stdio (what MCP clients start)
  team-table version | --version   print the version
  team-table help | --help         print this help

Options:
  --db PATH          the SQLite database (env TEAM_TABLE_DB; default ~/.team-table/team_table.db)
  --log-level LEVEL  debug, info, warn or error (env TEAM_TABLE_LOG_LEVEL; default info)

Logs go to stderr; in stdio mode stdout carries only MCP JSON-RPC.`;

interface ParsedArgs {
  command: "stdio" | "help" | "version";
  db?: string;
  logLevel?: string;
}

/** Parses argv; throws ConfigError on an unknown command or flag. */
export function parseArgs(args: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: "stdio" };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const [flag, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++i];
      if (next === undefined || next === "") throw new ConfigError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "help":
      case "--help":
      case "-h":
        parsed.command = "help";
        break;
      case "version":
      case "--version":
      case "-V":
        parsed.command = "version";
        break;
      case "--db":
        parsed.db = value();
        break;
      case "--log-level":
        parsed.logLevel = value();
        break;
      default:
        throw new ConfigError(
          `unknown ${
            flag.startsWith("-") ? "option" : "command"
          } '${flag}' (see team-table --help)`,
        );
    }
  }
  return parsed;
}

export async function runCli(args: readonly string[]): Promise<number> {
  try {
    const parsed = parseArgs(args);
    if (parsed.command === "help") {
      console.log(USAGE);
      return 0;
    }
    if (parsed.command === "version") {
      console.log(versionText());
      return 0;
    }
    const config = resolveConfig(parsed, readEnv());
    await runStdio(config, createLogger(config.logLevel));
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`team-table: ${error.message}`);
      return 2;
    }
    if (error instanceof DatabaseOpenError) {
      console.error(`team-table: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
