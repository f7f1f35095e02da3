/**
 * How long each free text may be, and the validators that hold the stores to it. A store calls
 * them on every entry point, so a title from a rule, the web API or the CLI meets the same
 * limit as one from a tool.
 */
import { ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { tooLongMessage, tooManyMessage, tooShortMessage } from "./wording.ts";

/** A text's allowed length in characters, both ends included. */
export interface TextRule {
  readonly min: number;
  readonly max: number;
}

/** Every free text of the table and its length; the maxima come from LIMITS. */
export const TEXT_RULES = {
  /** A message or comment. */
  content: { min: 1, max: LIMITS.contentMax },
  title: { min: 1, max: LIMITS.titleMax },
  /** A message's subject. */
  subject: { min: 1, max: LIMITS.subjectMax },
  /** The note with an acknowledgement. */
  ackNote: { min: 1, max: LIMITS.ackNoteMax },
  searchQuery: { min: 1, max: LIMITS.searchQueryMax },
  description: { min: 0, max: LIMITS.descriptionMax },
  result: { min: 0, max: LIMITS.resultMax },
  contextKey: { min: 1, max: LIMITS.contextKeyMax },
  contextValue: { min: 0, max: LIMITS.contextValueMax },
  /** One entry of a member's capabilities. */
  capability: { min: 1, max: LIMITS.capabilityMax },
  /** Someone who acts or is addressed but need not be an agent: `rule:x`, `human:y`, `role:z`. */
  actorName: { min: 1, max: LIMITS.actorNameMax },
  ruleDescription: { min: 0, max: LIMITS.ruleDescriptionMax },
  ruleCondition: { min: 1, max: LIMITS.ruleConditionMax },
  /** A rule action's message, comment or content. */
  ruleText: { min: 1, max: LIMITS.ruleTextMax },
  roleDescription: { min: 1, max: LIMITS.roleDescriptionMax },
  roleGuidelines: { min: 1, max: LIMITS.roleGuidelinesMax },
  auditAction: { min: 1, max: LIMITS.auditActionMax },
} as const satisfies Record<string, TextRule>;

/** The problem with `value` under `rule`, worded for the agent, or undefined when it fits. */
export function textProblem(field: string, value: string, rule: TextRule): string | undefined {
  if (value.length < rule.min) return tooShortMessage(field, value.length, rule.min, rule.max);
  if (value.length > rule.max) return tooLongMessage(field, value.length, rule.max);
  return undefined;
}

/** Returns `value` when its length fits `rule`; throws ValidationError naming field and limit. */
export function checkText(field: string, value: string, rule: TextRule): string {
  const problem = textProblem(field, value, rule);
  if (problem !== undefined) throw new ValidationError(problem);
  return value;
}

/** A message or comment: 1–10,000 characters. */
export function checkContent(value: string, field = "content"): string {
  return checkText(field, value, TEXT_RULES.content);
}

/** A task title: 1–200 characters. */
export function checkTitle(value: string, field = "title"): string {
  return checkText(field, value, TEXT_RULES.title);
}

/** A message's subject: 1–120 characters. */
export function checkSubject(value: string, field = "subject"): string {
  return checkText(field, value, TEXT_RULES.subject);
}

/** A task description: at most 5,000 characters. */
export function checkDescription(value: string, field = "description"): string {
  return checkText(field, value, TEXT_RULES.description);
}

/** A task result: at most 5,000 characters. */
export function checkResult(value: string, field = "result"): string {
  return checkText(field, value, TEXT_RULES.result);
}

/** A shared-context value: at most 50,000 characters. */
export function checkContextValue(value: string, field = "value"): string {
  return checkText(field, value, TEXT_RULES.contextValue);
}

/** A list of short texts (capabilities): at most `maxItems` entries, each within `item`. */
export function checkTextList(
  field: string,
  values: readonly string[],
  maxItems: number,
  item: TextRule,
): readonly string[] {
  if (values.length > maxItems) {
    throw new ValidationError(tooManyMessage(field, values.length, maxItems));
  }
  for (const value of values) checkText(`each entry of ${field}`, value, item);
  return values;
}

/** A member's capabilities: at most 20 entries of 1–64 characters. */
export function checkCapabilities(
  values: readonly string[],
  field = "capabilities",
): readonly string[] {
  return checkTextList(field, values, LIMITS.capabilitiesMax, TEXT_RULES.capability);
}
