/**
 * Roles as templates the server enforces: which tools a role may call, which privileges it
 * holds, how an agent in it should behave (guidelines), what work it prefers, and who hears
 * about its blockers. The catalog is built once at start-up from the role files; permissions/permissions.ts decides
 * from it.
 */
import { ForbiddenError } from "./errors.ts";
import { compareNames } from "./name_order.ts";

export const PRIVILEGES = [
  "delete_any_message",
  "purge_messages",
  "claim_assigned",
  "update_any_task",
  "manage_rules",
  "assign_roles",
  "manage_context",
  "manage_leases",
] as const;
export type Privilege = typeof PRIVILEGES[number];

export const DEFAULT_ROLE = "agent";

export interface Escalation {
  role?: string | undefined;
  agent?: string | undefined;
}

export interface Role {
  name: string;
  description: string;
  guidelines: string;
  capabilities: string[];
  /** "*" (every tool but `exclude`) or an explicit list. */
  tools: "*" | string[];
  exclude: string[];
  privileges: Privilege[];
  /** Privileged roles cannot be self-assigned at register. */
  privileged: boolean;
  task_affinity: string[];
  escalation: Escalation | null;
  /** Where the role came from: "shipped" or the override file's path. */
  source: string;
}

export class RoleCatalog {
  readonly #roles: Map<string, Role>;
  readonly #allTools: readonly string[];

  constructor(roles: Iterable<Role>, allTools: readonly string[]) {
    this.#roles = new Map([...roles].map((role) => [role.name, role]));
    this.#allTools = allTools;
    if (!this.#roles.has(DEFAULT_ROLE)) {
      throw new Error(`the role catalog needs a '${DEFAULT_ROLE}' role (the default)`);
    }
  }

  list(): Role[] {
    return [...this.#roles.values()].sort((a, b) => compareNames(a.name, b.name));
  }

  has(name: string): boolean {
    return this.#roles.has(name);
  }

  /** The role, or the default role for a name that is no longer in the catalog. */
  get(name: string): Role {
    return this.#roles.get(name) ?? this.#roles.get(DEFAULT_ROLE)!;
  }

  /**
   * The role of member `agent`, refusing a role this process does not know (it may have been
   * granted by a process started with another --roles-dir) rather than acting under the default.
   */
  requireKnown(name: string, agent: string): Role {
    const role = this.#roles.get(name);
    if (role) return role;
    throw new ForbiddenError(
      `'${agent}' has the role '${name}', which this team-table does not know (its roles: ` +
        `${this.names().join(", ")}). It may come from a --roles-dir (TEAM_TABLE_ROLES_DIR) ` +
        `another team-table was started with: start this one with the same folder, or give ` +
        `'${agent}' a known role (team-table members grant ${agent} ROLE).`,
    );
  }

  names(): string[] {
    return this.list().map((role) => role.name);
  }

  /** Every tool name the server has (what a role's "*" means). */
  get allTools(): readonly string[] {
    return this.#allTools;
  }

  hasPrivilege(roleName: string, privilege: Privilege): boolean {
    return this.get(roleName).privileges.includes(privilege);
  }

  /** The names of the roles that hold `privilege`. */
  withPrivilege(privilege: Privilege): string[] {
    return this.list().filter((role) => role.privileges.includes(privilege)).map((r) => r.name);
  }

  /** Roles whose task affinity includes `type` (e.g. the roles that review). */
  rolesWithAffinity(type: string): string[] {
    return this.list().filter((role) => role.task_affinity.includes(type)).map((r) => r.name);
  }
}
