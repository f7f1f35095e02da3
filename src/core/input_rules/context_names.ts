/**
 * Where a shared value lives: its namespace (a lowercase word with dots, such as
 * `project.api`) and its key (any text of 1–128 characters).
 */
import { ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { checkText, TEXT_RULES, textProblem } from "./text_rules.ts";

/** Lowercase letters, digits, `.`, `_` and `-`. */
export const NAMESPACE_PATTERN = /^[a-z0-9._-]+$/;

/** The length of a namespace. */
export const NAMESPACE_RULE = { min: 1, max: LIMITS.namespaceMax } as const;

/** `ns 'Team A' is not a valid namespace (1–64 characters: ...)`. */
export function invalidNamespaceMessage(field: string, value: string): string {
  return `${field} '${value}' is not a valid namespace (1–${LIMITS.namespaceMax} characters: ` +
    `lowercase letters, digits, '.', '_' and '-')`;
}

/** Returns `value` when it is a valid namespace; throws ValidationError otherwise. */
export function checkNamespace(value: string, field = "ns"): string {
  const problem = textProblem(field, value, NAMESPACE_RULE) ??
    (NAMESPACE_PATTERN.test(value) ? undefined : invalidNamespaceMessage(field, value));
  if (problem !== undefined) throw new ValidationError(problem);
  return value;
}

/** A shared-context key: 1–128 characters of any kind. */
export function checkContextKey(value: string, field = "key"): string {
  return checkText(field, value, TEXT_RULES.contextKey);
}
