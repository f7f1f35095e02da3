/**
 * Where the running `serve` listens: one row, written when it starts listening (a restart
 * overwrites it) and cleared when it stops, so that a command on the same database
 * (`team-table web-link`) can name the port serve really has. Whether the recorded process
 * still runs is the caller's to ask (src/runtime/local_processes.ts): this file only stores.
 */
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import { int, text } from "./rows.ts";
import type { Statements } from "../db/statements.ts";
import type { Transactor } from "../db/transaction.ts";

/** What serve recorded of itself. */
export interface RecordedServe {
  /** The base URL its banner prints (scheme, host, port). */
  url: string;
  pid: number;
  /** The machine (and process namespace) it runs on; "" when it could not be named. */
  host: string;
  since: string;
}

export class ServeAddress {
  readonly #sql: Statements;
  readonly #tx: Transactor;
  readonly #clock: Clock;

  constructor(deps: { sql: Statements; tx: Transactor; clock: Clock }) {
    this.#sql = deps.sql;
    this.#tx = deps.tx;
    this.#clock = deps.clock;
  }

  /** Records the serve that now listens at `url`, replacing any earlier one. */
  record(input: { url: string; pid: number; host: string }): void {
    this.#tx.run(() =>
      this.#sql.get(
        `INSERT OR REPLACE INTO serve_address (id, url, pid, host, started_at)
         VALUES (1, ?, ?, ?, ?)`,
      ).run(input.url, input.pid, input.host, this.#clock.now())
    );
  }

  /** Clears the record if it is this serve's (a newer serve's stays). */
  clear(input: { pid: number; host: string }): void {
    this.#tx.run(() =>
      this.#sql.get("DELETE FROM serve_address WHERE pid = ? AND host = ?").run(
        input.pid,
        input.host,
      )
    );
  }

  /** The recorded serve, if one is recorded. */
  current(): RecordedServe | undefined {
    const row = this.#sql.get("SELECT * FROM serve_address WHERE id = 1").get();
    return row
      ? {
        url: text(row, "url"),
        pid: int(row, "pid"),
        host: text(row, "host"),
        since: toIso(int(row, "started_at")),
      }
      : undefined;
  }
}
