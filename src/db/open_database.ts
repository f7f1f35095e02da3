/**
 * Opens (creating when missing) the team-table SQLite file with the pragmas every process must
 * share: WAL so readers never block the writer, a 5 s busy timeout so concurrent writers queue
 * instead of failing, NORMAL sync (safe with WAL), foreign keys on. Then migrates it.
 */
import { DatabaseSync } from "node:sqlite";
import { dirname } from "node:path";
import { migrate } from "./migrations.ts";

export const BUSY_TIMEOUT_MS = 5_000;

/** Any reason the database could not be opened; the message is one line naming the path. */
export class DatabaseOpenError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`cannot open database ${path}: ${reason}`);
    this.name = "DatabaseOpenError";
  }
}

export interface OpenDatabaseOptions {
  /** Migrate up to this version instead of the latest (tests of migration paths). */
  migrateTo?: number;
  /** Refuse a file that does not exist instead of creating it (read-only commands). */
  mustExist?: boolean;
  /** Told about permissions that are looser than they should be (see `_checkModes`). */
  warn?: (message: string) => void;
  /**
   * Open an existing file as it is, for inspection (doctor): no file or folder created, no
   * journal mode set, no migration, no permission changed.
   */
  asIs?: boolean;
}

/** Opens the database at `path`; throws DatabaseOpenError with a one-line reason. */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): DatabaseSync {
  if (options.mustExist || options.asIs) _requireFile(path);
  if (options.asIs) return _openAsIs(path);
  _ensureFile(path);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw new DatabaseOpenError(path, _reason(error));
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const mode = db.prepare("PRAGMA journal_mode = WAL").get()?.["journal_mode"];
    if (mode !== "wal") throw new Error(`journal_mode is ${String(mode)}, WAL could not be set`);
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA temp_store = MEMORY");
    migrate(db, options.migrateTo);
  } catch (error) {
    db.close();
    throw new DatabaseOpenError(path, _reason(error));
  }
  // Only now that it is known to be a team-table database.
  if (Deno.build.os !== "windows") _checkModes(path, options.warn ?? (() => {}));
  return db;
}

function _openAsIs(path: string): DatabaseSync {
  try {
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec("PRAGMA foreign_keys = ON");
    return db;
  } catch (error) {
    throw new DatabaseOpenError(path, _reason(error));
  }
}

/** A missing file is refused with the reason, not created. */
function _requireFile(path: string): void {
  try {
    if (Deno.statSync(path).isFile) return;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw new DatabaseOpenError(path, _reason(error));
    throw new DatabaseOpenError(
      path,
      "no such file (check --db or TEAM_TABLE_DB; the table is created when the first agent " +
        "connects)",
    );
  }
  throw new DatabaseOpenError(path, "not a file");
}

/** Creates the parent folder (0700) and an empty file (0600) when they are missing. */
function _ensureFile(path: string): void {
  const dir = dirname(path);
  try {
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      throw new DatabaseOpenError(path, `cannot create folder ${dir}: ${_reason(error)}`);
    }
  }
  try {
    const file = Deno.openSync(path, { createNew: true, write: true, mode: 0o600 });
    file.close();
    if (Deno.build.os !== "windows") Deno.chmodSync(path, 0o600);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return;
    throw new DatabaseOpenError(path, _reason(error));
  }
}

/**
 * An existing database file that others may read or write is ours to fix: it is made 0600, and
 * so are its -wal and -shm files (SQLite gave them its mode). Its folder is not changed (it may be a
 * shared or project folder, or /tmp), but a folder that other users may write is warned about:
 * they could replace the database file.
 */
function _checkModes(path: string, warn: (message: string) => void): void {
  const dir = dirname(path);
  try {
    const mode = Deno.statSync(path).mode! & 0o777;
    if ((mode & 0o077) !== 0) {
      try {
        for (const file of [path, `${path}-wal`, `${path}-shm`]) {
          try {
            Deno.chmodSync(file, 0o600);
          } catch (error) {
            if (!(error instanceof Deno.errors.NotFound) || file === path) throw error;
          }
        }
        warn(`database ${path} was readable by other users (${_octal(mode)}): made it 0600`);
      } catch (error) {
        warn(
          `database ${path} is readable by other users (${_octal(mode)}) and could not be made ` +
            `0600: ${_reason(error)}`,
        );
      }
    }
    const dirMode = Deno.statSync(dir).mode! & 0o7777;
    if ((dirMode & 0o022) !== 0) {
      warn(
        `the folder ${dir} of the database can be written by other users (${
          _octal(dirMode)
        }): they could replace the database or put files beside it; use a folder of your own (chmod 700)`,
      );
    }
  } catch (error) {
    warn(`could not check the permissions of ${path}: ${_reason(error)}`);
  }
}

function _octal(mode: number): string {
  return `0${mode.toString(8)}`;
}

function _reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Deno's fs errors append ": <syscall> '<path>'"; keep the first line, which says why.
  return message.split("\n")[0] ?? "unknown error";
}
