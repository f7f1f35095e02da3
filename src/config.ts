/**
 * Flags and environment variables become one validated Config at start-up; nothing deeper in
 * the code reads Deno.env or Deno.args.
 */
import { join } from "node:path";
import type { LogLevel } from "./log.ts";

export interface Config {
  /** The SQLite file every process of the table shares. */
  dbPath: string;
  logLevel: LogLevel;
}

/** A mistake on the command line or in an environment variable; exit code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const _LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Reads the environment variables team-table understands, and nothing else. */
export function readEnv(): Record<string, string | undefined> {
  const names = ["TEAM_TABLE_DB", "TEAM_TABLE_LOG_LEVEL", "HOME", "USERPROFILE"];
  return Object.fromEntries(names.map((name) => [name, Deno.env.get(name)]));
}

/** The default database: ~/.team-table/team_table.db. */
export function defaultDbPath(env: Record<string, string | undefined>): string {
  const home = env["HOME"] ?? env["USERPROFILE"];
  if (!home) {
    throw new ConfigError(
      "cannot find the home folder (HOME is not set); set TEAM_TABLE_DB or pass --db",
    );
  }
  return join(home, ".team-table", "team_table.db");
}

/** Builds the Config from parsed flags (which win) and the environment. */
export function resolveConfig(
  flags: { db?: string | undefined; logLevel?: string | undefined },
  env: Record<string, string | undefined>,
): Config {
  const dbPath = flags.db ?? _nonEmpty(env["TEAM_TABLE_DB"]) ?? defaultDbPath(env);
  const level = flags.logLevel ?? _nonEmpty(env["TEAM_TABLE_LOG_LEVEL"]) ?? "info";
  const logLevel = _LEVELS.find((candidate) => candidate === level);
  if (!logLevel) {
    throw new ConfigError(`log level '${level}' is not one of ${_LEVELS.join(", ")}`);
  }
  return { dbPath, logLevel };
}

function _nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
