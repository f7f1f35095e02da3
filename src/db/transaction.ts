/**
 * One transaction per operation. BEGIN IMMEDIATE takes the write lock up front, so a
 * check-then-write inside `fn` cannot interleave with another process's write. After each
 * commit the `onCommit` listener runs (push delivery uses it to pick up its own writes at once).
 * A `run` inside another `run` joins the outer transaction: one operation may build on another.
 */
import type { DatabaseSync } from "node:sqlite";

export class Transactor {
  readonly #db: DatabaseSync;
  readonly #listeners = new Set<() => void>();
  #depth = 0;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  run<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.#db.exec("BEGIN IMMEDIATE");
    let result: T;
    this.#depth++;
    try {
      result = fn();
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    } finally {
      this.#depth--;
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
