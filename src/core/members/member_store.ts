/**
 * Joining and leaving the table. A member is registered once and then active or inactive; an
 * inactive member keeps its name, role and mail, and becomes active again when it registers
 * or beats. Each member has a role from the role catalog; privileged roles are granted, never
 * taken.
 */
import type { StoreContext } from "../store_context.ts";
import { checkAgentName } from "../input_rules/agent_names.ts";
import { checkRoleName } from "../input_rules/slugs.ts";
import { checkCapabilities } from "../input_rules/text_rules.ts";
import type { Actor } from "../actor.ts";
import { ValidationError } from "../errors.ts";
import { maySelfAssignRole, mayUsePrivilege } from "../permissions/permissions.ts";
import { enforce, refusal } from "../permissions/refusal.ts";
import { DEFAULT_ROLE } from "../role_catalog.ts";
import type { Member } from "./member.ts";

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
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /**
   * Registers a new member or brings a returning one back: active again, role and capabilities
   * replaced when given, kept when omitted. The role's default capabilities are merged in. A
   * privileged role is refused unless it was already granted to this member.
   */
  register(input: RegisterInput): RegisterResult {
    checkAgentName(input.name);
    if (input.role !== undefined) checkRoleName(input.role);
    if (input.capabilities !== undefined) checkCapabilities(input.capabilities);
    return this.#ctx.tx.run(() => {
      const now = this.#ctx.clock.now();
      const existing = this.#ctx.directory.find(input.name);
      if (existing && input.role === undefined) {
        this.#ctx.roles.requireKnown(existing.role, existing.name);
      }
      const roleName = input.role ?? existing?.role ?? DEFAULT_ROLE;
      this.#requireRole(roleName, "role");
      const role = this.#ctx.roles.get(roleName);
      const verdict = maySelfAssignRole(role, existing?.role);
      if (!verdict.allowed) {
        throw refusal(verdict, {
          who: { label: input.name, role: existing?.role ?? null },
          what: `take the role '${role.name}'`,
          field: "role",
          advice: `A human operator grants it with: team-table members grant ${input.name} ` +
            `${role.name} (or an agent with the assign_roles privilege calls assign_role). ` +
            `Register without it for now.`,
        }, this.#ctx.roles);
      }
      const given = input.capabilities ?? existing?.capabilities ?? [];
      const capabilities = [...new Set([...given, ...role.capabilities])];
      if (existing) {
        this.#ctx.sql.get(
          `UPDATE members SET status = 'active', last_seen = ?, role = ?, capabilities = ?
           WHERE name = ?`,
        ).run(now, role.name, JSON.stringify(capabilities), existing.name);
      } else {
        this.#ctx.sql.get(
          `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen)
           VALUES (?, ?, ?, 'active', ?, ?)`,
        ).run(input.name, role.name, JSON.stringify(capabilities), now, now);
      }
      const member = this.#ctx.directory.require(input.name);
      this.#ctx.publisher.publish({
        type: "member.registered",
        by: { kind: "agent", name: member.name },
        member,
        returning: existing !== undefined,
      });
      return { member, created: !existing };
    });
  }

  /**
   * Gives `name` a role, privileged ones included. An agent needs the assign_roles privilege;
   * a human operator (the CLI) may also pre-register a name that has not joined yet (it stays
   * inactive until the agent registers).
   */
  grant(input: { name: string; role: string; by: Actor }): Member {
    checkAgentName(input.name);
    checkRoleName(input.role);
    return this.#ctx.tx.run(() => {
      this.#requireRole(input.role, "role");
      const who = this.#ctx.principals.resolve(input.by);
      enforce(mayUsePrivilege(who, "assign_roles"), { who, what: "assign roles" }, this.#ctx.roles);
      const existing = this.#ctx.directory.find(input.name);
      const now = this.#ctx.clock.now();
      if (existing) {
        this.#ctx.sql.get("UPDATE members SET role = ? WHERE name = ?").run(
          input.role,
          existing.name,
        );
      } else if (input.by.kind === "human") {
        this.#ctx.sql.get(
          `INSERT INTO members (name, role, capabilities, status, registered_at, last_seen)
           VALUES (?, ?, '[]', 'inactive', ?, ?)`,
        ).run(input.name, input.role, now, now);
      } else {
        this.#ctx.directory.require(input.name);
      }
      const member = this.#ctx.directory.require(input.name);
      this.#ctx.publisher.publish({
        type: "member.role_granted",
        by: who.actor,
        member,
        from: existing?.role ?? null,
      });
      return member;
    });
  }

  /** Marks a member inactive. Its mail keeps arriving and waits for its return. */
  deregister(by: Actor): Member {
    return this.#ctx.tx.run(() => {
      const member = this.#self(by);
      this.#ctx.sql.get("UPDATE members SET status = 'inactive', last_seen = ? WHERE name = ?")
        .run(this.#ctx.clock.now(), member.name);
      this.#ctx.publisher.publish({ type: "member.deregistered", by, member });
      return this.#ctx.directory.require(member.name);
    });
  }

  /**
   * Records that a member is alive. Only a change of status (inactive -> active) is audited:
   * beats are liveness, not actions, and would flood the log.
   */
  heartbeat(by: Actor): Member {
    return this.#ctx.tx.run(() => {
      const member = this.#self(by);
      this.#ctx.sql.get("UPDATE members SET status = 'active', last_seen = ? WHERE name = ?")
        .run(this.#ctx.clock.now(), member.name);
      if (member.status === "inactive") {
        this.#ctx.publisher.publish({ type: "member.came_back", by, member });
      }
      return this.#ctx.directory.require(member.name);
    });
  }

  /**
   * Records a tool call as a sign of life, at most every `everyMs` (an idle rule measures from
   * it). One conditional UPDATE: nothing is written when the last one is recent.
   */
  touch(name: string, everyMs = 10_000): void {
    const now = this.#ctx.clock.now();
    this.#ctx.sql.get("UPDATE members SET last_seen = ? WHERE name = ? AND last_seen < ?")
      .run(now, name, now - everyMs);
  }

  list(options: { includeInactive?: boolean | undefined } = {}): Member[] {
    return this.#ctx.directory.list(options);
  }

  /** The member with this name (any case), or a NotFoundError that suggests close names. */
  require(name: string, field = "name"): Member {
    return this.#ctx.directory.require(name, field);
  }

  /** The acting agent's own member row (only an agent has one). */
  #self(by: Actor): Member {
    if (by.kind !== "agent") {
      throw new ValidationError("name: only an agent can deregister or beat for itself.");
    }
    return this.#ctx.directory.require(by.name);
  }

  #requireRole(role: string, field: string): void {
    if (this.#ctx.roles.has(role)) return;
    throw new ValidationError(
      `${field}: there is no role '${role}'. Roles: ${this.#ctx.roles.names().join(", ")} ` +
        `(list_roles describes them).`,
    );
  }
}
