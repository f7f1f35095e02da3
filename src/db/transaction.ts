/**
 * One transaction per operation. BEGIN IMMEDIATE takes the write lock up front, so a
 * check-then-write inside `fn` cannot interleave with another process's write. After each
 * commit the `onCommit` listener runs (push delivery uses it to pick up its own writes at once).
 */
import type { DatabaseSync } from "node:sqlite";

export class Transactor {
  readonly #db: DatabaseSync;
  readonly #listeners = new Set<() => void>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  run<T>(fn: () => T): T {
    this.#db.exec("BEGIN IMMEDIATE");
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
    this.#db.exec("COMMIT");
    for (const listener of this.#listeners) listener();
    return result;
  }

  /** Calls `listener` after every commit made through this transactor; returns an unsubscribe. */
  onCommit(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
