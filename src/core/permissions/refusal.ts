/**
 * The one place refusals are worded. A refusal names who was refused, what they tried, who
 * else may, and the privilege that would allow it with the roles that hold it in this table
 * (read from the role catalog, so the text stays true when role files change).
 */
import { ForbiddenError } from "../errors.ts";
import type { RoleCatalog } from "../role_catalog.ts";
import { privilegeOfTool, toolsOf, type Verdict } from "./permissions.ts";
import type { Principal } from "./principal.ts";

export interface Attempt {
  who: Pick<Principal, "label" | "role" | "owner">;
  /** What was attempted, after "may not": "update task 3", "purge messages". */
  what: string;
  /** The parameter the refusal is about, when there is one ("task_id"). */
  field?: string;
  /** What to do instead, when there is something better than asking for the privilege. */
  advice?: string;
}

/** Throws the refusal for `verdict` unless it allows the attempt. */
export function enforce(verdict: Verdict, attempt: Attempt, roles: RoleCatalog): void {
  if (verdict.allowed) return;
  throw refusal(verdict, attempt, roles);
}

/** The error for a refused attempt. */
export function refusal(
  verdict: Exclude<Verdict, { allowed: true }>,
  attempt: Attempt,
  roles: RoleCatalog,
): ForbiddenError {
  const owner = attempt.who.owner === undefined ? "" : ` (acting for '${attempt.who.owner}')`;
  const head = `${attempt.field ? `${attempt.field}: ` : ""}'${attempt.who.label}'${owner} ` +
    `may not ${attempt.what}`;
  const advice = attempt.advice ? ` ${attempt.advice}` : "";
  if ("reason" in verdict) return new ForbiddenError(`${head}: ${verdict.reason}.${advice}`);
  const holders = roles.withPrivilege(verdict.privilege);
  const lacks = `${
    attempt.who.role === null ? "it lacks" : `role '${attempt.who.role}' lacks`
  } the privilege ${verdict.privilege} (roles with it: ${holders.join(", ") || "none"})`;
  return new ForbiddenError(
    verdict.only === undefined
      ? `${head}: ${lacks}.${advice}`
      : `${head}: only ${verdict.only} may, and ${lacks}.${advice}`,
  );
}

/**
 * The refusal of a tool the caller's role does not list: the privilege it lacks and the roles
 * that hold it, or else the tools it has.
 */
export function toolRefusal(
  input: { agent: string; role: string; tool: string },
  roles: RoleCatalog,
): ForbiddenError {
  const needs = privilegeOfTool(input.tool);
  const why = needs !== undefined && !roles.hasPrivilege(input.role, needs)
    ? `: it lacks the privilege ${needs} (roles with it: ${
      roles.withPrivilege(needs).join(", ") || "none"
    })`
    : `. Its tools: ${toolsOf(roles, input.role).join(", ")}`;
  return new ForbiddenError(
    `Role '${input.role}' may not call ${input.tool}${why}. An operator can change the role ` +
      `(team-table members grant ${input.agent} ROLE).`,
  );
}
