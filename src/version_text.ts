/** What `team-table version` prints: our version and those of the runtime underneath. */
import { DatabaseSync } from "node:sqlite";
import { LATEST_SCHEMA_VERSION } from "./db/migrations.ts";
import { VERSION } from "./version.ts";

export function versionText(): string {
  const db = new DatabaseSync(":memory:");
  const sqlite = String(db.prepare("SELECT sqlite_version() AS v").get()?.["v"]);
  db.close();
  return `team-table ${VERSION} (deno ${Deno.version.deno}, sqlite ${sqlite}, schema ${LATEST_SCHEMA_VERSION})`;
}
