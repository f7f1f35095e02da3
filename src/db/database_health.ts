/**
 * What `team-table doctor` asks of the database file itself, without changing it: is it SQLite,
 * is it whole (`PRAGMA quick_check`), is it a team-table database and of which schema, how big
 * is its write-ahead log, who may read it. The one place besides opening and migrating that
 * runs PRAGMAs on it; nothing here migrates, creates or chmods.
 */
import { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { BUSY_TIMEOUT_MS } from "./open_database.ts";
import { LATEST_SCHEMA_VERSION, schemaVersion } from "./migrations.ts";

/** What the file holds, read without writing. */
export type FileHealth =
  | { kind: "missing" }
  | { kind: "unreadable"; reason: string }
  | { kind: "not_sqlite"; reason: string }
  | { kind: "corrupt"; errors: string[] }
  | { kind: "foreign" }
  | { kind: "sqlite"; schema: number; supported: number };

/** quick_check lists at most this many errors. */
const _MAX_ERRORS = 5;

/**
 * Opens `path` as it is (no journal mode, no migration) and reads its health. A missing file is
 * reported, not created.
 */
export function readFileHealth(path: string): FileHealth {
  try {
    if (!Deno.statSync(path).isFile) return { kind: "unreadable", reason: "not a file" };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "missing" };
    return { kind: "unreadable", reason: _reason(error) };
  }
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    return { kind: "unreadable", reason: _reason(error) };
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    let rows: Record<string, unknown>[];
    try {
      rows = db.prepare(`PRAGMA quick_check(${_MAX_ERRORS})`).all();
    } catch (error) {
      const reason = _reason(error);
      return /not a database/i.test(reason)
        ? { kind: "not_sqlite", reason }
        : { kind: "corrupt", errors: [reason] };
    }
    const errors = rows.map((row) => String(Object.values(row)[0])).filter((line) => line !== "ok");
    if (errors.length > 0) return { kind: "corrupt", errors };
    const schema = schemaVersion(db);
    const members = db.prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'members'",
    ).get()?.["n"];
    if (schema === 0 || members !== 1) return { kind: "foreign" };
    return { kind: "sqlite", schema, supported: LATEST_SCHEMA_VERSION };
  } finally {
    db.close();
  }
}

/** The size of the write-ahead log beside `path` in bytes (0 when there is none). */
export function walBytes(path: string): number {
  try {
    return Deno.statSync(`${path}-wal`).size;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
}

/** A file or folder whose permission bits let others in, with the bits and how to fix it. */
export interface LooseMode {
  path: string;
  mode: string;
  /** What others may do: "read" or "write". */
  others: "read" | "write";
  fix: string;
}

/**
 * The files of the table others may read (the database, its -wal and -shm, the token files
 * beside it: they must be 0600) and its folder if others may write it (they could replace the
 * database: 0700). The same rules `openDatabase` enforces and warns about. Unix only.
 */
export function looseModes(path: string, tokenFiles: readonly string[]): LooseMode[] {
  const loose: LooseMode[] = [];
  for (const file of [path, `${path}-wal`, `${path}-shm`, ...tokenFiles]) {
    const mode = _mode(file);
    if (mode !== undefined && (mode & 0o077) !== 0) {
      loose.push({ path: file, mode: _octal(mode), others: "read", fix: `chmod 600 ${file}` });
    }
  }
  const dir = dirname(path);
  const dirMode = _mode(dir);
  if (dirMode !== undefined && (dirMode & 0o022) !== 0) {
    loose.push({ path: dir, mode: _octal(dirMode), others: "write", fix: `chmod 700 ${dir}` });
  }
  return loose;
}

/**
 * Checkpoints the write-ahead log into the database and truncates it (what serve does when it
 * stops); false when a reader kept part of it.
 */
export function truncateWal(db: DatabaseSync): boolean {
  const row = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)").get();
  return row?.["busy"] === 0;
}

function _mode(path: string): number | undefined {
  try {
    return Deno.statSync(path).mode! & 0o7777;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

function _octal(mode: number): string {
  return `0${mode.toString(8)}`;
}

function _reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? "unknown error";
}
