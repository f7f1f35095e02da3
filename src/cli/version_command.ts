/** `team-table version`: our version and those of the runtime underneath. */
import { DatabaseSync } from "node:sqlite";
import { LATEST_SCHEMA_VERSION } from "../db/migrations.ts";
import { VERSION } from "../version.ts";
import { defineCommand } from "./command_spec.ts";

/** team-table's, Deno's and SQLite's versions, and the schema this build understands. */
export function versions(): { team_table: string; deno: string; sqlite: string; schema: number } {
  const db = new DatabaseSync(":memory:");
  const sqlite = String(db.prepare("SELECT sqlite_version() AS v").get()?.["v"]);
  db.close();
  return { team_table: VERSION, deno: Deno.version.deno, sqlite, schema: LATEST_SCHEMA_VERSION };
}

/** The version line: team-table, Deno, SQLite and the database schema. */
export function versionText(): string {
  const v = versions();
  return `team-table ${v.team_table} (deno ${v.deno}, sqlite ${v.sqlite}, schema ${v.schema})`;
}

/** Prints the version line to stdout (also `--version`, `-V`). */
export const versionCommand = defineCommand({
  name: "version",
  summary: "print the versions: team-table, Deno, SQLite, the database schema (also --version)",
  flags: {},
  words: [],
  run: () => {
    console.log(versionText());
    return 0;
  },
});
