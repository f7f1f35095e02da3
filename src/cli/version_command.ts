/** `team-table version`: our version and those of the runtime underneath. */
import { DatabaseSync } from "node:sqlite";
import { LATEST_SCHEMA_VERSION } from "../db/migrations.ts";
import { VERSION } from "../version.ts";

/** The version line: team-table, Deno, SQLite and the database schema. */
export function versionText(): string {
  const db = new DatabaseSync(":memory:");
  const sqlite = String(db.prepare("SELECT sqlite_version() AS v").get()?.["v"]);
  db.close();
  return `team-table ${VERSION} (deno ${Deno.version.deno}, sqlite ${sqlite}, schema ${LATEST_SCHEMA_VERSION})`;
}

/** Prints the version line to stdout. */
export function versionCommand(): number {
  console.log(versionText());
  return 0;
}
