/**
 * The operator's sign-ins, as rows: sessions (by the hash of their id, with the token the page
 * must send with changes) and one-time sign-in codes (by hash). Bounded in number, the oldest
 * going first; times come from the table's clock. Making the secrets and hashing them is the
 * caller's (src/http/web_sessions.ts): this file only stores and finds.
 */
import type { Clock } from "./clock.ts";
import { int, text } from "./rows.ts";
import type { Statements } from "../db/statements.ts";
import type { Transactor } from "../db/transaction.ts";

/** A stored session. */
export interface SignInSession {
  idHash: string;
  csrf: string;
  expiresAt: number;
}

export class OperatorSignIns {
  readonly #sql: Statements;
  readonly #tx: Transactor;
  readonly #clock: Clock;

  constructor(deps: { sql: Statements; tx: Transactor; clock: Clock }) {
    this.#sql = deps.sql;
    this.#tx = deps.tx;
    this.#clock = deps.clock;
  }

  /** Stores a session that lasts `ttlMs`, ending expired ones and the oldest beyond `most`. */
  start(input: {
    idHash: string;
    csrf: string;
    operatorHash: string;
    address: string;
    ttlMs: number;
    most: number;
  }): SignInSession {
    const now = this.#clock.now();
    const session = { idHash: input.idHash, csrf: input.csrf, expiresAt: now + input.ttlMs };
    this.#tx.run(() => {
      this.#sql.get("DELETE FROM web_sessions WHERE expires_at <= ?").run(now);
      this.#sql.get(
        `DELETE FROM web_sessions WHERE id_hash IN (
           SELECT id_hash FROM web_sessions ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?)`,
      ).run(input.most - 1);
      this.#sql.get(
        `INSERT INTO web_sessions (id_hash, csrf, operator_hash, address, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(input.idHash, input.csrf, input.operatorHash, input.address, now, session.expiresAt);
    });
    return session;
  }

  /** The unexpired session stored under `idHash` for `operatorHash`. */
  find(idHash: string, operatorHash: string): SignInSession | undefined {
    const row = this.#sql.get(
      `SELECT id_hash, csrf, expires_at FROM web_sessions
       WHERE id_hash = ? AND operator_hash = ? AND expires_at > ?`,
    ).get(idHash, operatorHash, this.#clock.now());
    return row
      ? { idHash: text(row, "id_hash"), csrf: text(row, "csrf"), expiresAt: int(row, "expires_at") }
      : undefined;
  }

  /** Ends the session stored under `idHash` (sign-out). */
  end(idHash: string): void {
    this.#tx.run(() => this.#sql.get("DELETE FROM web_sessions WHERE id_hash = ?").run(idHash));
  }

  /** Stores a code that may be used once within `ttlMs`, dropping the oldest beyond `most`. */
  addCode(input: { codeHash: string; ttlMs: number; most: number }): void {
    const now = this.#clock.now();
    this.#tx.run(() => {
      this.#sql.get("DELETE FROM web_sign_in_codes WHERE expires_at <= ?").run(now);
      this.#sql.get(
        `DELETE FROM web_sign_in_codes WHERE code_hash IN (
           SELECT code_hash FROM web_sign_in_codes ORDER BY created_at DESC, rowid DESC
           LIMIT -1 OFFSET ?)`,
      ).run(input.most - 1);
      this.#sql.get(
        "INSERT INTO web_sign_in_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)",
      ).run(input.codeHash, now, now + input.ttlMs);
    });
  }

  /** Uses up the code stored under `codeHash`: true once, while it has not expired. */
  redeemCode(codeHash: string): boolean {
    const result = this.#tx.run(() =>
      this.#sql.get("DELETE FROM web_sign_in_codes WHERE code_hash = ? AND expires_at > ?")
        .run(codeHash, this.#clock.now())
    );
    return Number(result.changes) === 1;
  }
}
