/**
 * An actor resolved for a decision: its label, its role (agents only) and the privileges it
 * holds. Agents hold their role's privileges and must be members. Rules, humans (the operator)
 * and the system hold every privilege: rules are set up by agents with manage_rules, and the
 * operator owns the table.
 */
import { type Actor, actorLabel, TABLE_LABEL } from "../actor.ts";
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
}

const _EVERY_PRIVILEGE: ReadonlySet<Privilege> = new Set(PRIVILEGES);

/** Resolves actors against the members and the role catalog. */
export class Principals {
  readonly #members: MemberDirectory;
  readonly #roles: RoleCatalog;

  constructor(deps: { members: MemberDirectory; roles: RoleCatalog }) {
    this.#members = deps.members;
    this.#roles = deps.roles;
  }

  /** The name of the member whose credential has this hash, if any. */
  byKeyHash(hash: string): string | undefined {
    return this.#members.byKeyHash(hash)?.name;
  }

  /**
   * The principal for `actor`. An agent must have registered: otherwise a NotFoundError names
   * `field` (the parameter that named the agent).
   */
  resolve(actor: Actor, field = "agent_name"): Principal {
    if (actor.kind !== "agent") {
      return {
        actor,
        label: actorLabel(actor) ?? TABLE_LABEL,
        agent: null,
        role: null,
        privileges: _EVERY_PRIVILEGE,
      };
    }
    const member = this.#members.require(actor.name, field);
    return {
      actor: { kind: "agent", name: member.name },
      label: member.name,
      agent: member.name,
      role: member.role,
      privileges: new Set(this.#roles.requireKnown(member.role, member.name).privileges),
    };
  }
}
