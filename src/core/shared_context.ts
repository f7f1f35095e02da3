/** Shared context: facts any agent can set and read by key, with a version per key. */
import type { AuditLog } from "./audit_log.ts";
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import { NotFoundError } from "./errors.ts";
import type { MemberStore } from "./members.ts";
import { int, text } from "./rows.ts";
import type { Statements } from "../db/statements.ts";
import type { StoreDeps } from "./store_deps.ts";
import type { Transactor } from "../db/transaction.ts";

export interface ContextEntry {
  key: string;
  value: string;
  set_by: string;
  version: number;
  updated_at: string;
}

export class SharedContextStore {
  readonly #tx: Transactor;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #audit: AuditLog;
  readonly #members: MemberStore;

  constructor(deps: StoreDeps) {
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#audit = deps.audit;
    this.#members = deps.members;
  }

  /** Sets `key` to `value`; each write bumps the key's version. */
  share(input: { key: string; value: string; setBy: string }): ContextEntry {
    return this.#tx.run(() => {
      const setBy = this.#members.require(input.setBy, "set_by").name;
      this.#sql.get(
        `INSERT INTO shared_context (key, value, set_by, version, updated_at)
         VALUES (?, ?, ?, 1, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, set_by = excluded.set_by,
           version = version + 1, updated_at = excluded.updated_at`,
      ).run(input.key, input.value, setBy, this.#clock.now());
      const entry = this.get(input.key);
      this.#audit.record({
        agent: setBy,
        action: "context.shared",
        target: input.key,
        details: { version: entry.version, length: input.value.length },
      });
      return entry;
    });
  }

  get(key: string): ContextEntry {
    const row = this.#sql.get("SELECT * FROM shared_context WHERE key = ?").get(key);
    if (!row) {
      throw new NotFoundError(
        `key: nothing is shared under '${key}'. Call get_shared_context without a key to list keys.`,
      );
    }
    return _toEntry(row);
  }

  list(): ContextEntry[] {
    return this.#sql.get("SELECT * FROM shared_context ORDER BY key").all().map(_toEntry);
  }
}

function _toEntry(row: Record<string, unknown>): ContextEntry {
  return {
    key: text(row, "key"),
    value: text(row, "value"),
    set_by: text(row, "set_by"),
    version: int(row, "version"),
    updated_at: toIso(int(row, "updated_at")),
  };
}
