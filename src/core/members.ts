/**
 * Who is at the table. A member is registered once and then active or inactive; an inactive
 * member keeps its name, role and mail, and becomes active again when it registers or beats.
 * Names are unique without regard to case; the first spelling registered is kept.
 */
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import type { AuditLog } from "./audit_log.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import { PRIVILEGED_ROLES } from "./limits.ts";
import { int, text } from "./rows.ts";
import { closeNames } from "./suggest.ts";
import type { Statements } from "../db/statements.ts";
import type { BaseDeps } from "./store_deps.ts";
import type { Transactor } from "../db/transaction.ts";

export type MemberStatus = "active" | "inactive";

export interface Member {
  name: string;
  role: string;
  capabilities: string[];
  status: MemberStatus;
  registered_at: string;
  last_seen: string;
}

export interface RegisterInput {
  name: string;
  role?: string | undefined;
  capabilities?: readonly string[] | undefined;
}

export interface RegisterResult {
  member: Member;
  /** False when the name was already registered (a returning agent). */
  created: boolean;
}

export const DEFAULT_ROLE = "agent";

export class MemberStore {
  readonly #tx: Transactor;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #audit: AuditLog;

  constructor(deps: BaseDeps) {
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#audit = deps.audit;
  }

  /**
   * Registers a new member or brings a returning one back: active again, role and capabilities
   * replaced when given, kept when omitted.
   */
  register(input: RegisterInput): RegisterResult {
    return this.#tx.run(() => {
      const now = this.#clock.now();
      const existing = this.#find(input.name);
      const capabilities = input.capabilities ? _unique(input.capabilities) : undefined;
      if (existing) {
        this.#sql.get(
          `UPDATE members SET status = 'active', last_seen = ?,
             role = coalesce(?, role), capabilities = coalesce(?, capabilities)
           WHERE name = ?`,
        ).run(
          now,
          input.role ?? null,
          capabilities ? JSON.stringify(capabilities) : null,
          existing.name,
        );
      } else {
        this.#sql.get(
          `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen)
           VALUES (?, ?, ?, 'active', ?, ?)`,
        ).run(
          input.name,
          input.role ?? DEFAULT_ROLE,
          JSON.stringify(capabilities ?? []),
          now,
          now,
        );
      }
      const member = this.require(input.name);
      this.#audit.record({
        agent: member.name,
        action: existing ? "member.returned" : "member.registered",
        target: member.name,
        details: { role: member.role, capabilities: member.capabilities },
      });
      return { member, created: !existing };
    });
  }

  /** Marks a member inactive. Its mail keeps arriving and waits for its return. */
  deregister(name: string): Member {
    return this.#tx.run(() => {
      const member = this.require(name);
      this.#sql.get("UPDATE members SET status = 'inactive', last_seen = ? WHERE name = ?")
        .run(this.#clock.now(), member.name);
      this.#audit.record({
        agent: member.name,
        action: "member.deregistered",
        target: member.name,
      });
      return this.require(member.name);
    });
  }

  /**
   * Records that a member is alive. Only a change of status (inactive -> active) is audited:
   * beats are liveness, not actions, and would flood the log.
   */
  heartbeat(name: string): Member {
    return this.#tx.run(() => {
      const member = this.require(name);
      this.#sql.get("UPDATE members SET status = 'active', last_seen = ? WHERE name = ?")
        .run(this.#clock.now(), member.name);
      if (member.status === "inactive") {
        this.#audit.record({ agent: member.name, action: "member.returned", target: member.name });
      }
      return this.require(member.name);
    });
  }

  list(options: { includeInactive?: boolean | undefined } = {}): Member[] {
    const sql = options.includeInactive
      ? "SELECT * FROM members ORDER BY name"
      : "SELECT * FROM members WHERE status = 'active' ORDER BY name";
    return this.#sql.get(sql).all().map(_toMember);
  }

  /** The member with this name (any case), or a NotFoundError that suggests close names. */
  require(name: string, field = "name"): Member {
    const member = this.#find(name);
    if (member) return member;
    const known = this.#sql.get("SELECT name FROM members").all().map((row) => text(row, "name"));
    const close = closeNames(name, known);
    const hint = close.length
      ? ` Did you mean ${close.map((n) => `'${n}'`).join(" or ")}?`
      : " Call list_members with include_inactive=true to see who is registered.";
    throw new NotFoundError(`${field}: no agent named '${name}' has ever registered.${hint}`);
  }

  /** Names of the members (active or not) that have `role`. */
  withRole(role: string): string[] {
    return this.#sql.get("SELECT name FROM members WHERE role = ? ORDER BY name").all(role)
      .map((row) => text(row, "name"));
  }

  /** True when the member's role may act on anything (admin, lead). */
  isPrivileged(name: string): boolean {
    const member = this.#find(name);
    return member !== undefined && PRIVILEGED_ROLES.has(member.role);
  }

  /** Refuses unless the member has a privileged role; `what` says what was attempted. */
  requirePrivileged(name: string, what: string): void {
    const member = this.require(name);
    if (!PRIVILEGED_ROLES.has(member.role)) {
      throw new ForbiddenError(
        `Only an admin or lead may ${what}; '${member.name}' has role '${member.role}'.`,
      );
    }
  }

  #find(name: string): Member | undefined {
    const row = this.#sql.get("SELECT * FROM members WHERE name = ?").get(name);
    return row ? _toMember(row) : undefined;
  }
}

function _toMember(row: Record<string, unknown>): Member {
  const capabilities: unknown = JSON.parse(text(row, "capabilities"));
  return {
    name: text(row, "name"),
    role: text(row, "role"),
    capabilities: Array.isArray(capabilities) ? capabilities.map(String) : [],
    status: text(row, "status") === "active" ? "active" : "inactive",
    registered_at: toIso(int(row, "registered_at")),
    last_seen: toIso(int(row, "last_seen")),
  };
}

function _unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
