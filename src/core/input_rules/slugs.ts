/**
 * Short lowercase words that name things of the table: roles (`async-worker`), task types
 * (`bugfix`) and workflow rules (`notify-on-blocker`). One pattern, a maximum each.
 */
import { ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { textProblem } from "./text_rules.ts";

/** Lowercase letters, digits, `_` and `-`, starting with a letter. */
export const SLUG_PATTERN = /^[a-z][a-z0-9_-]*$/;

/** What a slug names, and its longest length. */
export interface SlugKind {
  readonly noun: string;
  readonly max: number;
}

/** The kinds of slug: role, task type, rule name. */
export const SLUG_KINDS = {
  role: { noun: "role", max: LIMITS.roleMax },
  taskType: { noun: "task type", max: LIMITS.taskTypeMax },
  ruleName: { noun: "rule name", max: LIMITS.ruleNameMax },
} as const satisfies Record<string, SlugKind>;

/** `type 'Big Thing' is not a valid task type (lowercase letters, ..., at most 32 characters)`. */
export function invalidSlugMessage(field: string, value: string, kind: SlugKind): string {
  return `${field} '${value}' is not a valid ${kind.noun} (lowercase letters, digits, '_' and ` +
    `'-', starting with a letter, at most ${kind.max} characters)`;
}

/** The problem with a slug, or undefined when it is one. */
export function slugProblem(field: string, value: string, kind: SlugKind): string | undefined {
  const length = textProblem(field, value, { min: 1, max: kind.max });
  if (length !== undefined) return length;
  return SLUG_PATTERN.test(value) ? undefined : invalidSlugMessage(field, value, kind);
}

/** Returns `value` when it is a valid slug of `kind`; throws ValidationError otherwise. */
export function checkSlug(value: string, field: string, kind: SlugKind): string {
  const problem = slugProblem(field, value, kind);
  if (problem !== undefined) throw new ValidationError(problem);
  return value;
}

/** A role name such as `coder`: at most 32 characters. */
export function checkRoleName(value: string, field = "role"): string {
  return checkSlug(value, field, SLUG_KINDS.role);
}

/** A task type such as `bugfix`: at most 32 characters. */
export function checkTaskType(value: string, field = "type"): string {
  return checkSlug(value, field, SLUG_KINDS.taskType);
}

/** A workflow rule's name such as `notify-on-blocker`: at most 64 characters. */
export function checkRuleName(value: string, field = "name"): string {
  return checkSlug(value, field, SLUG_KINDS.ruleName);
}
