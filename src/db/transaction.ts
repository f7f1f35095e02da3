/**
 * One transaction per operation. BEGIN IMMEDIATE takes the write lock up front, so a
 * check-then-write inside `fn` cannot interleave with another process's write.
 */
import type { DatabaseSync } from "node:sqlite";

export function inTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  let result: T;
  try {
    result = fn();
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
  db.exec("COMMIT");
  return result;
}
