/** Opens the database and builds the table the way every command does. */
import type { Config } from "./config.ts";
import type { RoleCatalog } from "./core/role_catalog.ts";
import type { CompiledRule } from "./core/rules/rule_definition.ts";
import { createTable, type Table } from "./core/table.ts";
import { openDatabase } from "./db/open_database.ts";
import type { DatabaseSync } from "node:sqlite";

export interface TableDeps {
  roles: RoleCatalog;
  rules: readonly CompiledRule[];
}

export function openTable(config: Config, deps: TableDeps): { db: DatabaseSync; table: Table } {
  const db = openDatabase(config.dbPath);
  const table = createTable({
    db,
    roles: deps.roles,
    rules: deps.rules,
    messageRateLimit: config.rateLimit,
  });
  return { db, table };
}
