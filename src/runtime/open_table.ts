/** Opens the database and builds the table the way every command does. */
import type { Config } from "../config.ts";
import type { RoleCatalog } from "../core/role_catalog.ts";
import type { CompiledRule } from "../core/rules/rule_definition.ts";
import { createTable, type Table } from "../core/table.ts";
import { openDatabase } from "../db/open_database.ts";
import { localProcesses } from "./local_processes.ts";
import { loadRoleCatalog } from "../definitions/load_roles.ts";
import { loadRules } from "../definitions/load_rules.ts";
import { createLogger, type Logger } from "../log.ts";
import type { DatabaseSync } from "node:sqlite";

export interface TableDeps {
  roles: RoleCatalog;
  rules: readonly CompiledRule[];
}

/**
 * What a command that opens the table needs, loaded once at start-up (a bad file stops it).
 * Without --roles-dir and --rules it reads no file and loads no YAML parser.
 */
export async function loadTableDeps(config: Config): Promise<TableDeps & { logger: Logger }> {
  return {
    logger: createLogger(config.logLevel),
    roles: await loadRoleCatalog(config.rolesDir),
    rules: await loadRules(config.rulesFile),
  };
}

/**
 * Opens the configured database and builds the table on it; the caller closes `db`. With
 * `mustExist`, a missing database file is an error rather than a new, empty table; with `asIs`
 * too, and the file is not migrated or changed (doctor, on a schema it checked).
 */
export function openTable(
  config: Config,
  deps: TableDeps & { logger?: Logger },
  options: { mustExist?: boolean; asIs?: boolean } = {},
): { db: DatabaseSync; table: Table } {
  const db = openDatabase(config.dbPath, {
    mustExist: options.mustExist === true,
    asIs: options.asIs === true,
    warn: (message) => deps.logger?.warn(message),
  });
  try {
    const table = createTable({
      db,
      roles: deps.roles,
      rules: deps.rules,
      messageRateLimit: config.rateLimit,
      presenceMs: config.presenceMs,
      awayReleaseMs: config.awayReleaseMs,
      leaseMaxTtl: config.leaseMaxTtl,
      localProcesses: localProcesses(),
    });
    return { db, table };
  } catch (error) {
    db.close();
    throw error;
  }
}
