/**
 * An actor resolved for a decision: its label, its role (agents only) and the privileges it
 * holds. Agents hold their role's privileges and must be members. A runtime rule acts for its
 * creator (its owner): it holds what that member's role holds now, and counts as that member
 * where a task's parties may act. Shipped and file rules, humans (the operator) and the system
 * hold every privilege: the operator owns the table and its rule files.
 */
import { type Actor, actorLabel, HUMAN_PREFIX, TABLE_LABEL } from "../actor.ts";
import type { MemberDirectory } from "../members/member_directory.ts";
import { type Privilege, PRIVILEGES, type RoleCatalog } from "../role_catalog.ts";

export interface Principal {
  readonly actor: Actor;
  /** As written in the audit log, feeds and message senders: "bob", "rule:x", "human:ops". */
  readonly label: string;
  /** The agent's member name (its registered spelling); null for rules, humans, the system. */
  readonly agent: string | null;
  /** The agent's role; null for the others. */
  readonly role: string | null;
  readonly privileges: ReadonlySet<Privilege>;
  /** For a runtime rule: the member (or `human:NAME`) it acts for. */
  readonly owner?: string | undefined;
}

const _NO_PRIVILEGE: ReadonlySet<Privilege> = new Set();
const _EVERY_PRIVILEGE: ReadonlySet<Privilege> = new Set(PRIVILEGES);

/** Resolves actors against the members and the role catalog. */
export class Principals {
  readonly #members: MemberDirectory;
  readonly #roles: RoleCatalog;

  constructor(deps: { members: MemberDirectory; roles: RoleCatalog }) {
    this.#members = deps.members;
    this.#roles = deps.roles;
  }

  /**
   * The member whose credential has this hash, if any, and whether the join token minted that
   * credential (false: the operator issued it).
   */
  byKeyHash(hash: string): { name: string; joined: boolean } | undefined {
    return this.#members.credentialHolder(hash);
  }

  /**
   * The principal for `actor`. An agent must have registered: otherwise a NotFoundError names
   * `field` (the parameter that named the agent).
   */
  resolve(actor: Actor, field = "agent_name"): Principal {
    if (actor.kind === "rule" && actor.owner !== undefined) return this.#ownedRule(actor);
    if (actor.kind !== "agent") {
      return {
        actor,
        label: actorLabel(actor) ?? TABLE_LABEL,
        agent: null,
        role: null,
        privileges: _EVERY_PRIVILEGE,
      };
    }
    const member = this.#members.requireSeat(actor.name, field);
    return {
      actor: { kind: "agent", name: member.name },
      label: member.name,
      agent: member.name,
      role: member.role,
      privileges: new Set(this.#roles.requireKnown(member.role, member.name).privileges),
    };
  }

  /**
   * A runtime rule, with its owner's powers: every privilege for the operator, the member's
   * role's privileges for an agent (none once the member is gone or its role unknown).
   */
  #ownedRule(actor: Extract<Actor, { kind: "rule" }>): Principal {
    const owner = actor.owner ?? "";
    const label = actorLabel(actor) ?? TABLE_LABEL;
    if (owner.startsWith(HUMAN_PREFIX)) {
      return { actor, label, agent: null, role: null, privileges: _EVERY_PRIVILEGE, owner };
    }
    const member = this.#members.find(owner);
    const role = member && this.#roles.has(member.role) ? this.#roles.get(member.role) : undefined;
    return {
      actor,
      label,
      agent: null,
      role: role?.name ?? null,
      privileges: role ? new Set(role.privileges) : _NO_PRIVILEGE,
      owner: member?.name ?? owner,
    };
  }
}
