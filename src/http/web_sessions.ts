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
  readonly #operatorHash: string;

  constructor(options: { table: Table; operatorToken: string }) {
    this.#table = options.table;
    this.#operatorHash = hashCredential(options.operatorToken);
  }

  /** Starts a session (ending expired ones, and the oldest beyond the bound). */
  create(address: string): NewWebSession {
    const id = _secret();
    const stored = this.#table.signIns.start({
      idHash: hashCredential(id),
      csrf: _secret(),
      operatorHash: this.#operatorHash,
      address,
      ttlMs: WEB_SESSION_TTL_MS,
      most: MAX_WEB_SESSIONS,
    });
    return { id, ...stored };
  }

  /**
   * The live session whose id is `id`: undefined for a malformed, unknown, expired or revoked
   * id, or one begun with another operator token.
   */
  find(id: string): WebSession | undefined {
    if (!isWebSecret(id)) return undefined;
    return this.#table.signIns.find(hashCredential(id), this.#operatorHash);
  }

  /** Ends a session (sign-out). */
  revoke(session: WebSession): void {
    this.#table.signIns.end(session.idHash);
  }

  /** A new one-time sign-in code (for the banner's link). */
  issueCode(): string {
    return issueSignInCode(this.#table);
  }

  /** Uses up `code`: true once for a code that was issued and has not expired. */
  redeemCode(code: string): boolean {
    return isWebSecret(code) && this.#table.signIns.redeemCode(hashCredential(code));
  }

  /** True when `token` is the operator token these sessions belong to (constant-time). */
  isOperatorToken(token: string): boolean {
    return credentialMatches(token, this.#operatorHash);
  }
}

/**
 * A new one-time code for a sign-in link (`/login?code=`), stored hashed in the table: any
 * process on the table may issue one (serve's banner, `team-table web-link`).
 */
export function issueSignInCode(table: Table): string {
  const code = _secret();
  table.signIns.addCode({
    codeHash: hashCredential(code),
    ttlMs: SIGN_IN_CODE_TTL_MS,
    most: MAX_SIGN_IN_CODES,
  });
  return code;
}

/**
 * A fresh one-time sign-in link to the web view of the serve at `base` (its scheme, host and
 * port), which must run over the same table.
 */
export function signInLink(table: Table, base: string): string {
  return `${base.replace(/\/+$/, "")}/login?code=${issueSignInCode(table)}`;
}

function _secret(): string {
  return randomBytes(32).toString("base64url");
}
