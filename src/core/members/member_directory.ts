/**
 * Looking members up: by name (any case; the first spelling registered is kept), by role, or
 * all of them, with their presence. Read-only, so every store can depend on it without
 * depending on the commands.
 */
import type { Clock } from "../clock.ts";
import { NotFoundError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { cursorKey, type Page, pageOf, type PageRequest, pageSize } from "../pages.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import { closeNames } from "../suggest.ts";
import type { Statements } from "../../db/statements.ts";
import { type Member, toMember } from "./member.ts";

/** How long a session may go unseen before its name is free, by default. */
export const DEFAULT_PRESENCE_MS = 60_000;
/**
 * How long an agent may be away (no session, event stream or process) before its open tasks
 * and leases go back, by default: longer than a restart or a client reconnecting, short enough
 * that a crashed agent's work is back on the board while the team is still on the same step.
 */
export const DEFAULT_AWAY_RELEASE_MS = 10 * 60_000;

/** Who holds a name right now, from the members row. */
export interface NameHold {
  /** The member's role (read with the hold: a tool call needs both). */
  role: string;
  sessionId: string | null;
  where: string | null;
  since: number | null;
  seenAt: number;
  /** The session was seen within the presence timeout. */
  live: boolean;
  /** The stdio process that runs the holding session, and its host (null over HTTP). */
  pid: number | null;
  host: string | null;
}

export class MemberDirectory {
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #presenceMs: number;
  readonly #awayReleaseMs: number;

  constructor(
    deps: { sql: Statements; clock: Clock; presenceMs: number; awayReleaseMs?: number },
  ) {
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#presenceMs = deps.presenceMs;
    this.#awayReleaseMs = deps.awayReleaseMs ?? DEFAULT_AWAY_RELEASE_MS;
  }

  /** How long a session may go unseen before its name is free (and its agent away). */
  get presenceMs(): number {
    return this.#presenceMs;
  }

  /** How long an agent may be away before its tasks and leases are given back (the grace). */
  get awayReleaseMs(): number {
    return this.#awayReleaseMs;
  }

  /** Sessions seen before this time no longer hold their names. */
  staleBefore(now = this.#clock.now()): number {
    return now - this.#presenceMs;
  }

  /** Agents away and unseen since before this time are gone for good: their work goes back. */
  goneBefore(now = this.#clock.now()): number {
    return now - this.#awayReleaseMs;
  }

  /** The member with this name (any case), if there is one. */
  find(name: string): Member | undefined {
    const row = this.#row(name);
    return row ? toMember(row, this.staleBefore()) : undefined;
  }

  /** The member with this name (any case), or a NotFoundError that suggests close names. */
  require(name: string, field = "name"): Member {
    return this.find(name) ?? this.#notFound(name, field);
  }

  /**
   * The member's registered spelling and role (what deciding and addressing need), or the same
   * NotFoundError as `require`: one narrow read on the hot path.
   */
  requireSeat(name: string, field = "name"): { name: string; role: string } {
    const row = this.#sql.get("SELECT name, role FROM members WHERE name = ?").get(name);
    return row ? { name: text(row, "name"), role: text(row, "role") } : this.#notFound(name, field);
  }

  #notFound(name: string, field: string): never {
    const known = this.#sql.get("SELECT name FROM members").all().map((row) => text(row, "name"));
    const close = closeNames(name, known);
    const hint = close.length
      ? ` Did you mean ${close.map((n) => `'${n}'`).join(" or ")}?`
      : " Call list_members with include_inactive=true to see who is registered.";
    throw new NotFoundError(`${field}: no agent named '${name}' has ever registered.${hint}`);
  }

  /** The member's role, if there is such a member. */
  roleOf(name: string): string | undefined {
    const row = this.#sql.get("SELECT role FROM members WHERE name = ?").get(name);
    return row ? text(row, "role") : undefined;
  }

  /** The stored hash of the member's credential, null when it has none. */
  keyHash(name: string): string | null {
    const row = this.#row(name);
    return row ? textOrNull(row, "key_hash") : null;
  }

  /** The member whose credential has this hash, if any. */
  byKeyHash(hash: string): Member | undefined {
    const row = this.#sql.get("SELECT * FROM members WHERE key_hash = ?").get(hash);
    return row ? toMember(row, this.staleBefore()) : undefined;
  }

  /**
   * Who holds the credential with this hash: its name, and whether the join token minted it
   * (false: the operator issued it).
   */
  credentialHolder(hash: string): { name: string; joined: boolean } | undefined {
    const row = this.#sql.get("SELECT name, joined_from FROM members WHERE key_hash = ?").get(hash);
    return row
      ? { name: text(row, "name"), joined: textOrNull(row, "joined_from") !== null }
      : undefined;
  }

  /** The member's role when `sessionId` holds `name`; one narrow read on every tool call. */
  heldRole(name: string, sessionId: string): string | undefined {
    const row = this.#sql.get("SELECT role FROM members WHERE name = ? AND session_id = ?")
      .get(name, sessionId);
    return row ? text(row, "role") : undefined;
  }

  /** Who holds the name, if it exists. */
  hold(name: string): NameHold | undefined {
    const row = this.#sql.get(
      `SELECT role, session_id, session_where, session_since, seen_at, session_pid, session_host
       FROM members WHERE name = ?`,
    ).get(name);
    if (!row) return undefined;
    const sessionId = textOrNull(row, "session_id");
    const seenAt = int(row, "seen_at");
    return {
      role: text(row, "role"),
      sessionId,
      where: textOrNull(row, "session_where"),
      since: intOrNull(row, "session_since"),
      seenAt,
      live: sessionId !== null && seenAt >= this.staleBefore(),
      pid: intOrNull(row, "session_pid"),
      host: textOrNull(row, "session_host"),
    };
  }

  /** The names held by a session that recorded its process (stdio), with the process. */
  processHolds(): {
    name: string;
    pid: number;
    host: string;
    where: string | null;
    seenAt: number;
  }[] {
    return this.#sql.get(
      `SELECT name, session_pid, session_host, session_where, seen_at FROM members
       WHERE session_id IS NOT NULL AND session_pid IS NOT NULL AND session_host IS NOT NULL
       ORDER BY name`,
    ).all().map((row) => ({
      name: text(row, "name"),
      pid: int(row, "session_pid"),
      host: text(row, "session_host"),
      where: textOrNull(row, "session_where"),
      seenAt: int(row, "seen_at"),
    }));
  }

  list(options: { includeInactive?: boolean | undefined } = {}): Member[] {
    return this.#select(options, null, -1);
  }

  /** A page of list(options), by name: `limit` (LIMITS.pages.members), after `cursor`. */
  page(
    options: { includeInactive?: boolean | undefined },
    page: PageRequest = {},
  ): Page<Member> {
    const size = pageSize(page.limit, LIMITS.pages.members);
    const after = page.cursor === undefined
      ? null
      : String(cursorKey(page.cursor, ["string"], "list_members")[0]);
    return pageOf(this.#select(options, after, size + 1), size, (member) => [member.name]);
  }

  #select(
    options: { includeInactive?: boolean | undefined },
    after: string | null,
    limit: number,
  ): Member[] {
    const stale = this.staleBefore();
    return this.#sql.get(
      `SELECT * FROM members WHERE (:all = 1 OR status = 'active')
         AND (:after IS NULL OR name > :after)
       ORDER BY name LIMIT :limit`,
    ).all({ all: options.includeInactive ? 1 : 0, after, limit })
      .map((row) => toMember(row, stale));
  }

  /** The names of the active members, in order. */
  names(): string[] {
    return this.#sql.get("SELECT name FROM members WHERE status = 'active' ORDER BY name").all()
      .map((row) => text(row, "name"));
  }

  /** Names of the members (active or not) whose role is one of `roles`. */
  withRoles(roles: readonly string[]): string[] {
    if (roles.length === 0) return [];
    return this.#sql.get(
      `SELECT name FROM members WHERE role IN (SELECT value FROM json_each(?)) ORDER BY name`,
    ).all(JSON.stringify(roles)).map((row) => text(row, "name"));
  }

  #row(name: string): Record<string, unknown> | undefined {
    return this.#sql.get("SELECT * FROM members WHERE name = ?").get(name);
  }
}
