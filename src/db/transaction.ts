/**
 * One transaction per operation. BEGIN IMMEDIATE takes the write lock up front, so a
 * check-then-write inside `fn` cannot interleave with another process's write. A `run` inside
 * another `run` joins the outer transaction: one operation may build on another (an error that
 * leaves the outer `run` undoes both). `savepoint` is for the rare inner step whose failure is
 * caught and must be undone alone (it costs: SQLite journals the pages it touches, and FTS5
 * flushes on release). `afterCommit` queues work that must happen only if the current
 * transaction commits (push delivery hands over this process's new events that way).
 */
import type { DatabaseSync } from "node:sqlite";

const _keepsWrites = new WeakSet<object>();

/**
 * Marks a refusal whose writes are kept (its audit row): the transaction it leaves commits,
 * then it is thrown. Whatever the operation wrote before it is kept too.
 */
export function keepingWrites<E extends Error>(error: E): E {
  _keepsWrites.add(error);
  return error;
}

export class Transactor {
  readonly #db: DatabaseSync;
  #afterCommit: (() => void)[] = [];
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
      if (error instanceof Error && _keepsWrites.has(error)) this.#commit();
      else {
        this.#afterCommit = [];
        this.#db.exec("ROLLBACK");
      }
      throw error;
    } finally {
      this.#depth--;
    }
    this.#commit();
    return result;
  }

  #commit(): void {
    this.#db.exec("COMMIT");
    const queued = this.#afterCommit;
    this.#afterCommit = [];
    for (const fn of queued) fn();
  }

  /**
   * Runs `fn` once the current transaction commits (never if it rolls back); outside a
   * transaction the write is already durable, so `fn` runs at once.
   */
  afterCommit(fn: () => void): void {
    if (this.#depth === 0) fn();
    else this.#afterCommit.push(fn);
  }

  /** Runs `fn` inside the current transaction; if it throws, its writes alone are undone. */
  savepoint<T>(fn: () => T): T {
    if (this.#depth === 0) return this.run(fn);
    const name = `tt_${this.#depth}`;
    const queued = this.#afterCommit.length;
    this.#db.exec(`SAVEPOINT ${name}`);
    this.#depth++;
    try {
      const result = fn();
      this.#db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      if (!(error instanceof Error && _keepsWrites.has(error))) {
        this.#db.exec(`ROLLBACK TO ${name}`);
        this.#afterCommit.length = queued;
      }
      this.#db.exec(`RELEASE ${name}`);
      throw error;
    } finally {
      this.#depth--;
    }
  }
}
