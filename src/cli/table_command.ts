/**
 * What the one-shot commands share (status, members, send, broadcast, task, context): resolve
 * the config, open the table, run, close. Humans act as `human:OPERATOR`.
 */
import {
  type CommonFlags,
  type Config,
  ConfigError,
  readEnv,
  resolveConfig,
  resolveOperator,
} from "../config.ts";
import { type Actor, humanActor } from "../core/actor.ts";
import type { Table } from "../core/table.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";

/** What a one-shot command runs with. */
export interface TableCommandContext {
  table: Table;
  config: Config;
  /** The human running the command: human:OPERATOR (--operator, TEAM_TABLE_OPERATOR). */
  human: Actor;
}

/**
 * Opens the table for one command and closes it afterwards. `mustExist`: a missing database is
 * refused (commands that only read, or that need members) instead of created empty.
 */
export async function withTable<T>(
  flags: CommonFlags & { operator?: string | undefined },
  options: { mustExist: boolean },
  run: (context: TableCommandContext) => T,
): Promise<T> {
  const env = readEnv();
  const config = resolveConfig(flags, env);
  const human = humanActor(resolveOperator(flags, env));
  const { db, table } = openTable(config, await loadTableDeps(config), options);
  try {
    return run({ table, config, human });
  } finally {
    db.close();
  }
}

/** A usage error (exit code 2). */
export function usageError(usage: string): ConfigError {
  return new ConfigError(`usage: team-table ${usage}`);
}

/** A positive whole number given on the command line (a task id, seconds). */
export function wholeNumber(text: string, what: string): number {
  if (!/^[1-9]\d{0,12}$/.test(text)) {
    throw new ConfigError(`${what} must be a positive whole number (got '${text}')`);
  }
  return Number(text);
}
