/**
 * The doctor's checks of the database file: whole and ours and of a schema this build
 * understands, the size of its write-ahead log, and who else may read or replace it.
 */
import { type FileHealth, looseModes, readFileHealth, walBytes } from "../../db/database_health.ts";
import { type CheckResult, failed, noted, passed, skipped } from "./doctor_check.ts";

/** A write-ahead log larger than this is a problem: checkpoints are not keeping up. */
export const WAL_LIMIT_BYTES = 64 * 1024 * 1024;

/** The database check, and the file's health for the checks that need a usable table. */
export function checkDatabase(path: string): { result: CheckResult; health: FileHealth } {
  const health = readFileHealth(path);
  return { result: _databaseResult(path, health), health };
}

function _databaseResult(path: string, health: FileHealth): CheckResult {
  const moveAside = `mv ${path} ${path}.broken`;
  switch (health.kind) {
    case "missing":
      // Right after setup no agent has started yet: nothing is wrong.
      return noted(
        `not created yet: ${path} is created when the first agent starts (if this is not the ` +
          "database you meant, check --db or TEAM_TABLE_DB)",
        { exists: false },
      );
    case "unreadable":
      return failed(`cannot read ${path}`, [{
        problem: `cannot read ${path}: ${health.reason}`,
        fix: `ls -l ${path} (it must be a file this user can read and write)`,
      }], { exists: true, readable: false });
    case "not_sqlite":
      return failed("not a database", [{
        problem: `${path} is not a SQLite database (${health.reason})`,
        fix: `check --db or TEAM_TABLE_DB; if it was the table's, restore a backup (${moveAside})`,
      }], { exists: true, sqlite: false });
    case "corrupt":
      return failed("damaged", [{
        problem: `${path} is damaged: quick_check found ${health.errors.join("; ")}`,
        fix: `stop every team-table process, ${moveAside}, then restore a backup or salvage it ` +
          `with sqlite3 ${path}.broken .recover | sqlite3 ${path}`,
      }], { exists: true, sqlite: true, integrity: health.errors });
    case "foreign":
      return failed("not a team-table database", [{
        problem: `${path} is a SQLite database, but not team-table's (no team-table schema)`,
        fix: "point --db or TEAM_TABLE_DB at the table's database (default " +
          "~/.team-table/team_table.db)",
      }], { exists: true, sqlite: true, integrity: "ok", schema: 0 });
    case "sqlite": {
      const details = {
        exists: true,
        sqlite: true,
        integrity: "ok",
        schema: health.schema,
        supported_schema: health.supported,
      };
      if (health.schema > health.supported) {
        return failed(`schema ${health.schema}, newer than this build's ${health.supported}`, [{
          problem: `the database's schema ${health.schema} was written by a newer team-table; ` +
            `this one understands up to ${health.supported} and refuses to open it`,
          fix: "upgrade team-table (deno task install in an up-to-date checkout), then " +
            "team-table --version",
        }], details);
      }
      if (health.schema < health.supported) {
        return failed(`schema ${health.schema}, older than this build's ${health.supported}`, [{
          problem: `the database's schema ${health.schema} is older than this build's ` +
            `${health.supported}; it is migrated when this build first opens it`,
          fix: "team-table doctor --fix (migrates it now)",
        }], details);
      }
      return passed(`whole (quick_check ok), schema ${health.schema}`, details);
    }
  }
}

/** The write-ahead log beside the database. */
export function checkWal(path: string, health: FileHealth): CheckResult {
  if (health.kind === "missing") return skipped("no database yet");
  const bytes = walBytes(path);
  const details = { bytes, limit_bytes: WAL_LIMIT_BYTES };
  if (bytes <= WAL_LIMIT_BYTES) return passed(`${_mib(bytes)}`, details);
  return failed(`${_mib(bytes)}, over ${_mib(WAL_LIMIT_BYTES)}`, [{
    problem: `the write-ahead log ${path}-wal is ${_mib(bytes)}: a long-running reader keeps ` +
      "checkpoints from shrinking it",
    fix: "team-table doctor --fix (checkpoints and truncates it)",
  }], details);
}

/** Who else may read the table's files or replace them. */
export function checkPermissions(path: string, tokenFiles: readonly string[]): CheckResult {
  if (Deno.build.os === "windows") return skipped("not checked on Windows");
  const loose = looseModes(path, tokenFiles);
  const details = { loose: loose.map(({ path, mode, others }) => ({ path, mode, others })) };
  if (loose.length === 0) return passed("files 0600, folder not writable by others", details);
  return failed(
    `${loose.length} too open`,
    loose.map((entry) => ({
      problem: entry.others === "read"
        ? `${entry.path} is ${entry.mode}: other users may read it (it must be 0600)`
        : `the folder ${entry.path} is ${entry.mode}: other users may replace the database ` +
          "in it (it must be 0700)",
      fix: entry.fix,
    })),
    details,
  );
}

function _mib(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.ceil(bytes / 1024)} KiB`
    : `${(bytes / 1048576).toFixed(1)} MiB`;
}
