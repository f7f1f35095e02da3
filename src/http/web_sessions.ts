/**
 * Web view sessions, kept in SQLite so that they survive a restart: a random session id (the
 * cookie; only its SHA-256 is stored), a CSRF token the page sends with every change, an
 * expiry, and revocation on sign-out. Also the one-time codes of sign-in links: single use,
 * short-lived, stored hashed. Both are bounded in number; the oldest go first.
 */
import { randomBytes } from "node:crypto";
import { credentialMatches, hashCredential } from "../core/members/credentials.ts";
import type { Table } from "../core/table.ts";

/** How long a web session lasts from sign-in. */
export const WEB_SESSION_TTL_MS = 7 * 24 * 3_600_000;
/** How long a sign-in link's code may be used. */
export const SIGN_IN_CODE_TTL_MS = 15 * 60_000;
/** The most sessions kept; signing in beyond it ends the oldest. */
export const MAX_WEB_SESSIONS = 50;
/** The most unused sign-in codes kept; issuing beyond it drops the oldest. */
export const MAX_SIGN_IN_CODES = 10;

/** A session id and a code: 32 random bytes, base64url (43 characters). */
const _SECRET = /^[A-Za-z0-9_-]{43}$/;

/** A live session, as a request finds it. */
export interface WebSession {
  /** The hash the session is stored under (never the id itself). */
  readonly idHash: string;
  /** The token the page must send with each change (header `x-csrf-token`). */
  readonly csrf: string;
  readonly expiresAt: number;
}

/** A session just created: the id goes into the cookie, once. */
export interface NewWebSession extends WebSession {
  readonly id: string;
}

/** True when `value` has the shape of a session id or sign-in code. */
export function isWebSecret(value: string): boolean {
  return _SECRET.test(value);
}

/** The sessions and sign-in codes of the web view, for one operator token. */
export class WebSessions {
  readonly #table: Table;
  readonly #now: () => number;
  readonly #operatorHash: string;

  constructor(options: { table: Table; operatorToken: string; now: () => number }) {
    this.#table = options.table;
    this.#now = options.now;
    this.#operatorHash = hashCredential(options.operatorToken);
  }

  /** Starts a session (ending expired ones, and the oldest beyond the bound). */
  create(address: string): NewWebSession {
    const id = _secret();
    const session = {
      id,
      idHash: hashCredential(id),
      csrf: _secret(),
      expiresAt: this.#now() + WEB_SESSION_TTL_MS,
    };
    const db = this.#table.db;
    this.#table.tx.run(() => {
      db.prepare("DELETE FROM web_sessions WHERE expires_at <= ?").run(this.#now());
      db.prepare(
        `DELETE FROM web_sessions WHERE id_hash IN (
           SELECT id_hash FROM web_sessions ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?)`,
      ).run(MAX_WEB_SESSIONS - 1);
      db.prepare(
        `INSERT INTO web_sessions (id_hash, csrf, operator_hash, address, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(
        session.idHash,
        session.csrf,
        this.#operatorHash,
        address,
        this.#now(),
        session.expiresAt,
      );
    });
    return session;
  }

  /**
   * The live session whose id is `id`: undefined for a malformed, unknown, expired or revoked
   * id, or one begun with another operator token.
   */
  find(id: string): WebSession | undefined {
    if (!isWebSecret(id)) return undefined;
    const row = this.#table.db.prepare(
      `SELECT id_hash, csrf, expires_at FROM web_sessions
       WHERE id_hash = ? AND operator_hash = ? AND expires_at > ?`,
    ).get(hashCredential(id), this.#operatorHash, this.#now());
    if (!row) return undefined;
    const { id_hash, csrf, expires_at } = row;
    if (typeof id_hash !== "string" || typeof csrf !== "string" || typeof expires_at !== "number") {
      throw new Error("web_sessions: a row of an unexpected shape");
    }
    return { idHash: id_hash, csrf, expiresAt: expires_at };
  }

  /** Ends a session (sign-out). */
  revoke(session: WebSession): void {
    this.#table.tx.run(() =>
      this.#table.db.prepare("DELETE FROM web_sessions WHERE id_hash = ?").run(session.idHash)
    );
  }

  /** A new one-time sign-in code (for the banner's link). */
  issueCode(): string {
    const code = _secret();
    const db = this.#table.db;
    this.#table.tx.run(() => {
      db.prepare("DELETE FROM web_sign_in_codes WHERE expires_at <= ?").run(this.#now());
      db.prepare(
        `DELETE FROM web_sign_in_codes WHERE code_hash IN (
           SELECT code_hash FROM web_sign_in_codes ORDER BY created_at DESC, rowid DESC
           LIMIT -1 OFFSET ?)`,
      ).run(MAX_SIGN_IN_CODES - 1);
      db.prepare(
        "INSERT INTO web_sign_in_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)",
      ).run(hashCredential(code), this.#now(), this.#now() + SIGN_IN_CODE_TTL_MS);
    });
    return code;
  }

  /** Uses up `code`: true once for a code that was issued and has not expired. */
  redeemCode(code: string): boolean {
    if (!isWebSecret(code)) return false;
    const result = this.#table.tx.run(() =>
      this.#table.db.prepare(
        "DELETE FROM web_sign_in_codes WHERE code_hash = ? AND expires_at > ?",
      ).run(hashCredential(code), this.#now())
    );
    return Number(result.changes) === 1;
  }

  /** True when `token` is the operator token these sessions belong to (constant-time). */
  isOperatorToken(token: string): boolean {
    return credentialMatches(token, this.#operatorHash);
  }
}

function _secret(): string {
  return randomBytes(32).toString("base64url");
}
