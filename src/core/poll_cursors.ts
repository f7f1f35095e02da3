/** Where `team-table poll` left off for each agent, so that `--once` shows only what is new. */
import { int } from "./rows.ts";
import type { Statements } from "../db/statements.ts";
import type { Transactor } from "../db/transaction.ts";

export class PollCursors {
  readonly #tx: Transactor;
  readonly #sql: Statements;

  constructor(deps: { tx: Transactor; sql: Statements }) {
    this.#tx = deps.tx;
    this.#sql = deps.sql;
  }

  get(agent: string): number | undefined {
    const row = this.#sql.get("SELECT last_event_id FROM poll_cursors WHERE agent = ?").get(agent);
    return row ? int(row, "last_event_id") : undefined;
  }

  set(agent: string, lastEventId: number): void {
    this.#tx.run(() =>
      this.#sql.get(
        `INSERT INTO poll_cursors (agent, last_event_id) VALUES (?, ?)
         ON CONFLICT (agent) DO UPDATE SET last_event_id = max(last_event_id, excluded.last_event_id)`,
      ).run(agent, lastEventId)
    );
  }
}
