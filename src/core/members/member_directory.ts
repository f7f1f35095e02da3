/**
 * Looking members up: by name (any case; the first spelling registered is kept), by role, or
 * all of them. Read-only, so every store can depend on it without depending on the commands.
 */
import { NotFoundError } from "../errors.ts";
import { text } from "../rows.ts";
import { closeNames } from "../suggest.ts";
import type { Statements } from "../../db/statements.ts";
import { type Member, toMember } from "./member.ts";

export class MemberDirectory {
  readonly #sql: Statements;

  constructor(sql: Statements) {
    this.#sql = sql;
  }

  /** The member with this name (any case), if there is one. */
  find(name: string): Member | undefined {
    const row = this.#sql.get("SELECT * FROM members WHERE name = ?").get(name);
    return row ? toMember(row) : undefined;
  }

  /** The member with this name (any case), or a NotFoundError that suggests close names. */
  require(name: string, field = "name"): Member {
    const member = this.find(name);
    if (member) return member;
    const known = this.#sql.get("SELECT name FROM members").all().map((row) => text(row, "name"));
    const close = closeNames(name, known);
    const hint = close.length
      ? ` Did you mean ${close.map((n) => `'${n}'`).join(" or ")}?`
      : " Call list_members with include_inactive=true to see who is registered.";
    throw new NotFoundError(`${field}: no agent named '${name}' has ever registered.${hint}`);
  }

  list(options: { includeInactive?: boolean | undefined } = {}): Member[] {
    const sql = options.includeInactive
      ? "SELECT * FROM members ORDER BY name"
      : "SELECT * FROM members WHERE status = 'active' ORDER BY name";
    return this.#sql.get(sql).all().map(toMember);
  }

  /** Names of the members (active or not) whose role is one of `roles`. */
  withRoles(roles: readonly string[]): string[] {
    if (roles.length === 0) return [];
    return this.#sql.get(
      `SELECT name FROM members WHERE role IN (SELECT value FROM json_each(?)) ORDER BY name`,
    ).all(JSON.stringify(roles)).map((row) => text(row, "name"));
  }
}
