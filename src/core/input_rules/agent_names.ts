/**
 * What may be an agent's name, and what never can: `*` addresses everyone (the event outbox's
 * broadcast marker), and `rule:...` and `human:...` are actors of the table itself. The
 * pattern already keeps all three out (no `*`, no `:`); the reserved check says why.
 */
import { HUMAN_PREFIX, RULE_PREFIX, TABLE_LABEL } from "../actor.ts";
import { ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { textProblem } from "./text_rules.ts";

/** Letters or digits first and last, inner space _ . - allowed; the length is AGENT_NAME_RULE. */
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 _.-]*[A-Za-z0-9])?$/;

/** The length of an agent's name. */
export const AGENT_NAME_RULE = { min: 1, max: LIMITS.agentNameMax } as const;

/** The recipient that means everyone (a broadcast); never a member. */
export const EVERYONE = "*";

/** Prefixes of actors that are not agents: a workflow rule, a human in the web view. */
export const ACTOR_PREFIXES = [RULE_PREFIX, HUMAN_PREFIX] as const;

/** True for a name no member may have: `*`, or one starting with `rule:` or `human:`. */
export function isReservedName(name: string): boolean {
  const lower = name.toLowerCase();
  return name === EVERYONE || lower === TABLE_LABEL ||
    ACTOR_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

function _reservedReason(value: string): string {
  if (value === EVERYONE) return `; '${EVERYONE}' is reserved: it addresses everyone`;
  if (!isReservedName(value)) return "";
  if (value.toLowerCase() === TABLE_LABEL) return `; '${TABLE_LABEL}' is how the table signs`;
  const prefixes = ACTOR_PREFIXES.map((prefix) => `'${prefix}'`).join(" and ");
  return `; names starting with ${prefixes} are reserved for rules and humans`;
}

/** `name 'x!' is not a valid agent name (...)`, saying why when the name is reserved. */
export function invalidAgentNameMessage(field: string, value: string): string {
  return `${field} '${value}' is not a valid agent name (an agent name of ` +
    `1–${LIMITS.agentNameMax} characters: ASCII letters and digits, with space, '_', '.' or ` +
    `'-' allowed inside but not first or last)${_reservedReason(value)}`;
}

/** The problem with an agent's name, or undefined when it is a valid, unreserved one. */
export function agentNameProblem(field: string, value: string): string | undefined {
  const length = textProblem(field, value, AGENT_NAME_RULE);
  if (length !== undefined) return length;
  if (isReservedName(value) || !AGENT_NAME_PATTERN.test(value)) {
    return invalidAgentNameMessage(field, value);
  }
  return undefined;
}

/** Returns `value` when it may name an agent; throws ValidationError saying what is wrong. */
export function checkAgentName(value: string, field = "name"): string {
  const problem = agentNameProblem(field, value);
  if (problem !== undefined) throw new ValidationError(problem);
  return value;
}

/** A recipient: `*` (everyone) or an agent's name. */
export function checkRecipient(value: string, field = "recipient"): string {
  return value === EVERYONE ? value : checkAgentName(value, field);
}
