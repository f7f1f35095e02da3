/**
 * Who is at the table. A member is registered once and then active or inactive; an inactive
 * member keeps its name, role and mail, and becomes active again when it registers or beats.
 * Names are unique without regard to case; the first spelling registered is kept.
 * Each member has a role from the role catalog; privileged roles are granted, never taken.
 */
import type { AuditLog } from "./audit_log.ts";
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors.ts";
import { DEFAULT_ROLE, type Privilege, type RoleCatalog } from "./role_catalog.ts";
import { int, text } from "./rows.ts";
import type { BaseDeps } from "./store_deps.ts";
import type { TriggerSink } from "./rules/trigger_sink.ts";
import { closeNames } from "./suggest.ts";
import type { Statements } from "../db/statements.ts";
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

export class MemberStore {
  readonly #tx: Transactor;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #audit: AuditLog;
  readonly #roles: RoleCatalog;
  readonly #triggers: TriggerSink;

  constructor(deps: BaseDeps) {
    this.#triggers = deps.triggers;
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#audit = deps.audit;
    this.#roles = deps.roles;
  }

  /**
   * Registers a new member or brings a returning one back: active again, role and capabilities
   * replaced when given, kept when omitted. The role's default capabilities are merged in. A
   * privileged role is refused unless it was already granted to this member.
   */
  register(input: RegisterInput): RegisterResult {
    return this.#tx.run(() => {
      const now = this.#clock.now();
      const existing = this.#find(input.name);
      const kept = existing && this.#roles.has(existing.role) ? existing.role : DEFAULT_ROLE;
      const roleName = input.role ?? kept;
      this.#requireRole(roleName, "role");
      const role = this.#roles.get(roleName);
      if (role.privileged && existing?.role !== role.name) {
        throw new ForbiddenError(
          `role: '${role.name}' is a privileged role and cannot be self-assigned. A human ` +
            `operator grants it with: team-table members grant ${input.name} ${role.name} ` +
            `(or an agent with the assign_roles privilege calls assign_role). Register ` +
            `without it for now.`,
        );
      }
      const given = input.capabilities ?? existing?.capabilities ?? [];
      const capabilities = [...new Set([...given, ...role.capabilities])];
      if (existing) {
        this.#sql.get(
          `UPDATE members SET status = 'active', last_seen = ?, role = ?, capabilities = ?
           WHERE name = ?`,
        ).run(now, role.name, JSON.stringify(capabilities), existing.name);
      } else {
        this.#sql.get(
          `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen)
           VALUES (?, ?, ?, 'active', ?, ?)`,
        ).run(input.name, role.name, JSON.stringify(capabilities), now, now);
      }
      const member = this.require(input.name);
      this.#audit.record({
        agent: member.name,
        action: existing ? "member.returned" : "member.registered",
        target: member.name,
        details: { role: member.role, capabilities: member.capabilities },
      });
      this.#triggers.emit("agent.registered", {
        "agent.name": member.name,
        "agent.role": member.role,
        "event.returning": existing !== undefined,
      }, { agent: member.name });
      return { member, created: !existing };
    });
  }

  /**
   * Gives `name` a role, privileged ones included. `by` is the agent doing it (it needs the
   * assign_roles privilege), or null for the operator's CLI, which may also pre-register a
   * name that has not joined yet (it stays inactive until the agent registers).
   */
  grant(input: { name: string; role: string; by: string | null }): Member {
    return this.#tx.run(() => {
      this.#requireRole(input.role, "role");
      if (input.by !== null) this.requirePrivilege(input.by, "assign_roles", "assign roles");
      const existing = this.#find(input.name);
      const now = this.#clock.now();
      if (existing) {
        this.#sql.get("UPDATE members SET role = ? WHERE name = ?").run(input.role, existing.name);
      } else if (input.by === null) {
        this.#sql.get(
          `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen)
           VALUES (?, ?, '[]', 'inactive', ?, ?)`,
        ).run(input.name, input.role, now, now);
      } else {
        this.require(input.name);
      }
      const member = this.require(input.name);
      this.#audit.record({
        agent: input.by,
        action: "member.role_granted",
        target: member.name,
        details: { from: existing?.role ?? null, to: input.role, by: input.by ?? "operator" },
      });
      return member;
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

  /**
   * Records a tool call as a sign of life, at most every `everyMs` (an idle rule measures from
   * it). One conditional UPDATE: nothing is written when the last one is recent.
   */
  touch(name: string, everyMs = 10_000): void {
    const now = this.#clock.now();
    this.#sql.get("UPDATE members SET last_seen = ? WHERE name = ? AND last_seen < ?")
      .run(now, name, now - everyMs);
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

  /** Names of the members (active or not) whose role is one of `roles`. */
  withRoles(roles: readonly string[]): string[] {
    if (roles.length === 0) return [];
    return this.#sql.get(
      `SELECT name FROM members WHERE role IN (SELECT value FROM json_each(?)) ORDER BY name`,
    ).all(JSON.stringify(roles)).map((row) => text(row, "name"));
  }

  /** True when the member's role holds `privilege`. */
  hasPrivilege(name: string, privilege: Privilege): boolean {
    const member = this.#find(name);
    return member !== undefined && this.#roles.hasPrivilege(member.role, privilege);
  }

  /** Refuses unless the member's role holds `privilege`; `what` says what was attempted. */
  requirePrivilege(name: string, privilege: Privilege, what: string): void {
    const member = this.require(name);
    if (this.#roles.hasPrivilege(member.role, privilege)) return;
    const holders = this.#roles.list().filter((r) => r.privileges.includes(privilege))
      .map((r) => r.name);
    throw new ForbiddenError(
      `'${member.name}' may not ${what}: role '${member.role}' lacks the privilege ` +
        `${privilege} (roles with it: ${holders.join(", ") || "none"}).`,
    );
  }

  #requireRole(role: string, field: string): void {
    if (this.#roles.has(role)) return;
    throw new ValidationError(
      `${field}: there is no role '${role}'. Roles: ${this.#roles.names().join(", ")} ` +
        `(list_roles describes them).`,
    );
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
