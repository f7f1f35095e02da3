/**
 * Who may do what, as pure functions: each answers "may this principal do this to this thing"
 * with a verdict, and never touches the database. Stores call them inside the write
 * transaction (BEGIN IMMEDIATE), so the check and the change cannot interleave with another
 * process; refusal.ts turns a "no" into the error the caller reads.
 */
import { type Actor, HUMAN_PREFIX } from "../actor.ts";
import type { Privilege, Role, RoleCatalog } from "../role_catalog.ts";
import type { Principal } from "./principal.ts";
import { isToolName, TOOL_PRIVILEGES } from "./tool_privileges.ts";

/** Yes; no unless one holds `privilege` (and is not one of `only`); or no, whoever asks. */
export type Verdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly privilege: Privilege; readonly only?: string }
  | { readonly allowed: false; readonly reason: string };

/** The people a task names. */
export interface TaskParties {
  readonly creator: string;
  readonly assignee: string | null;
  readonly reviewer: string | null;
}

const _YES: Verdict = { allowed: true };

/** True when `who` holds `privilege`. */
export function holds(who: Principal, privilege: Privilege): boolean {
  return who.privileges.has(privilege);
}

/** True when `who` is `name` (names compare without regard to case). */
export function isAgentNamed(who: Principal, name: string | null): boolean {
  return who.agent !== null && name !== null && who.agent.toLowerCase() === name.toLowerCase();
}

/**
 * True when `who` counts as `name` among a task's parties: the agent itself, or a runtime rule
 * acting for that member.
 */
export function isPartyNamed(who: Principal, name: string | null): boolean {
  const party = who.agent ?? who.owner ?? null;
  return party !== null && name !== null && party.toLowerCase() === name.toLowerCase();
}

/** A privilege-only action: purging messages, managing rules, granting roles. */
export function mayUsePrivilege(who: Principal, privilege: Privilege): Verdict {
  return holds(who, privilege) ? _YES : { allowed: false, privilege };
}

/** Status, result, reviewer, parent, dependencies, blockers and resolutions of a task. */
export function mayUpdateTask(who: Principal, task: TaskParties): Verdict {
  return _partyOrUpdateAny(who, task);
}

/**
 * Adding a subtask under `parent` or moving a task under it (its subtasks decide when it is
 * done): the parent's creator, assignee or reviewer, or update_any_task.
 */
export function mayAttachSubtask(who: Principal, parent: TaskParties): Verdict {
  return _partyOrUpdateAny(who, parent);
}

/** Handing a task to another agent. */
export function mayReassignTask(who: Principal, task: TaskParties): Verdict {
  const party = [task.creator, task.assignee].some((n) => isPartyNamed(who, n));
  if (party || holds(who, "update_any_task")) return _YES;
  return {
    allowed: false,
    privilege: "update_any_task",
    only: `its creator (${_quote(task.creator)}) or its assignee (${_quote(task.assignee)})`,
  };
}

/** Claiming a pending task: anyone, unless it names an assignee. */
export function mayClaimTask(who: Principal, task: TaskParties): Verdict {
  if (task.assignee === null || isAgentNamed(who, task.assignee)) return _YES;
  if (holds(who, "claim_assigned")) return _YES;
  return {
    allowed: false,
    privilege: "claim_assigned",
    only: `its assignee (${_quote(task.assignee)})`,
  };
}

/** Claiming the review of a task awaiting review: never one's own work. */
export function mayClaimReview(who: Principal, task: TaskParties & { id: number }): Verdict {
  if (isAgentNamed(who, task.assignee)) {
    return {
      allowed: false,
      reason: `task ${task.id} is awaiting review of '${task.assignee}'s own work; another ` +
        `agent must review it`,
    };
  }
  if (task.reviewer === null || isAgentNamed(who, task.reviewer)) return _YES;
  if (holds(who, "claim_assigned")) return _YES;
  return {
    allowed: false,
    privilege: "claim_assigned",
    only: `its reviewer (${_quote(task.reviewer)})`,
  };
}

/**
 * Giving the verdict on a task awaiting review (done, or back to in_progress): whoever may
 * update it, or else whoever may claim its review (its reviewer; without one, anyone but its
 * assignee).
 */
export function mayGiveVerdict(who: Principal, task: TaskParties & { id: number }): Verdict {
  const asParty = mayUpdateTask(who, task);
  return asParty.allowed ? asParty : mayClaimReview(who, task);
}

/** Retracting a message for every recipient (a recipient removes only its own copy). */
export function mayRetractMessage(who: Principal, message: { sender: string }): Verdict {
  if (isAgentNamed(who, message.sender) || holds(who, "delete_any_message")) return _YES;
  return {
    allowed: false,
    privilege: "delete_any_message",
    only: `its sender (${_quote(message.sender)}) or its recipients`,
  };
}

/**
 * Reading a message (its thread, replying to it): an agent sees what it sent or received;
 * rules, humans (the operator) and the system see every message.
 */
export function mayReadMessage(
  who: Principal,
  message: { id: number; sender: string },
  received: boolean,
): Verdict {
  if (who.agent === null || received || isAgentNamed(who, message.sender)) return _YES;
  return {
    allowed: false,
    reason: `message ${message.id} is not one it sent or received`,
  };
}

/**
 * Whose messages a reader sees, wherever a message appears (a thread, a task's feed, search):
 * `every` for rules, humans (the operator) and the system; an agent's own (sent or received);
 * or none, for a session that has no agent yet.
 */
export type MessageReader =
  | { readonly kind: "every" }
  | { readonly kind: "agent"; readonly name: string }
  | { readonly kind: "none" };

/** The reader `who` is (null: a session with no agent): the one message visibility rule. */
export function messageReaderFor(who: Principal | null): MessageReader {
  if (who === null) return { kind: "none" };
  return who.agent === null ? { kind: "every" } : { kind: "agent", name: who.agent };
}

/**
 * Deleting a shared-context key: the one author of every version readers could still get since
 * the key was (re)created, so that overwriting another agent's key does not make it one's own
 * to delete; or manage_context.
 */
export function mayDeleteContext(who: Principal, key: { authors: readonly string[] }): Verdict {
  if (key.authors.every((author) => isAgentNamed(who, author))) return _YES;
  if (holds(who, "manage_context")) return _YES;
  return { allowed: false, privilege: "manage_context" };
}

/**
 * A lease beyond what one agent may cover (lease_coverage.ts: one that reaches into every
 * folder, or more top-level globs than LIMITS.leaseTopLevelGlobsMax): manage_leases.
 */
export function mayLeaseBroadly(who: Principal): Verdict {
  return holds(who, "manage_leases") ? _YES : { allowed: false, privilege: "manage_leases" };
}

/** Ending another agent's file lease: its holder, or manage_leases (with a reason). */
export function mayReleaseLease(who: Principal, lease: { agent: string }): Verdict {
  if (isAgentNamed(who, lease.agent) || holds(who, "manage_leases")) return _YES;
  return {
    allowed: false,
    privilege: "manage_leases",
    only: `its holder (${_quote(lease.agent)})`,
  };
}

/**
 * Giving `target` the role `role` (assign_roles): never one's own role, and never a role with a
 * privilege the giver lacks (so a lead cannot make itself or anyone admin beyond its powers).
 */
export function mayGrantRole(who: Principal, role: Role, target: string): Verdict {
  if (!holds(who, "assign_roles")) return { allowed: false, privilege: "assign_roles" };
  if (isAgentNamed(who, target)) {
    return { allowed: false, reason: "an agent cannot change its own role; the operator can" };
  }
  const missing = role.privileges.find((p) => !holds(who, p));
  return missing === undefined ? _YES : { allowed: false, privilege: missing };
}

/** Taking a role at register: a privileged role only when it was granted before. */
export function maySelfAssignRole(role: Role, currentRole: string | undefined): Verdict {
  if (!role.privileged || currentRole === role.name) return _YES;
  return {
    allowed: false,
    reason: `'${role.name}' is a privileged role and cannot be self-assigned`,
  };
}

/**
 * What a rule may observe: a rule made by an agent sees a message only when its creator could
 * read it (it sent or received it, or it went to everyone); shipped and file rules, and rules
 * made by the operator, see every message. Events that are not messages are public to rules.
 */
export function mayRuleObserve(
  owner: string | undefined,
  fields: Record<string, unknown>,
): boolean {
  if (owner === undefined || owner.startsWith(HUMAN_PREFIX)) return true;
  if (!("message.sender" in fields)) return true;
  const recipient = fields["message.recipient"];
  if (recipient === "*") return true;
  const me = owner.toLowerCase();
  return [fields["message.sender"], recipient].some((name) =>
    typeof name === "string" && name.toLowerCase() === me
  );
}

/** Reading an agent's event stream: the agent itself, or the operator (a human). */
export function mayReadEvents(reader: Actor | null, agent: string): boolean {
  if (reader === null) return false;
  if (reader.kind === "human") return true;
  return reader.kind === "agent" && reader.name.toLowerCase() === agent.toLowerCase();
}

/**
 * The privilege without which `tool` always fails, if there is one: a role without it neither
 * lists nor calls the tool (every call would be refused, and its schema would cost context).
 */
export function privilegeOfTool(tool: string): Privilege | undefined {
  return isToolName(tool) ? TOOL_PRIVILEGES[tool] ?? undefined : undefined;
}

/**
 * Whether a role may call `tool` (and so lists it): register always; otherwise the role's tool
 * list includes it, and the role holds the privilege the tool needs, if any.
 */
export function mayCallTool(role: Role, tool: string): boolean {
  if (tool === "register") return true;
  const needs = privilegeOfTool(tool);
  if (needs !== undefined && !role.privileges.includes(needs)) return false;
  if (role.tools === "*") return !role.exclude.includes(tool);
  return role.tools.includes(tool);
}

/** The tools a role may call, in the server's order. */
export function toolsOf(roles: RoleCatalog, roleName: string): string[] {
  const role = roles.get(roleName);
  return roles.allTools.filter((tool) => mayCallTool(role, tool));
}

function _partyOrUpdateAny(who: Principal, task: TaskParties): Verdict {
  const party = [task.creator, task.assignee, task.reviewer].some((n) => isPartyNamed(who, n));
  if (party || holds(who, "update_any_task")) return _YES;
  return {
    allowed: false,
    privilege: "update_any_task",
    only: `its creator (${_quote(task.creator)}), its assignee (${_quote(task.assignee)}) or ` +
      `its reviewer (${_quote(task.reviewer)})`,
  };
}

function _quote(name: string | null): string {
  return name ? `'${name}'` : "none";
}
