/**
 * Zod schemas for tool parameters, built from the core's input rules (src/core/input_rules/):
 * the same limits, patterns and wording as the stores, the web API and the CLI. Every error
 * message names the field, says what was wrong and gives the limit or the allowed values, so
 * an agent can correct its call in one try. (The SDK appends " at <field>" to each message.)
 */
import { z } from "zod";
import {
  AGENT_NAME_PATTERN,
  AGENT_NAME_RULE,
  invalidAgentNameMessage,
} from "../core/input_rules/agent_names.ts";
import {
  invalidNamespaceMessage,
  NAMESPACE_PATTERN,
  NAMESPACE_RULE,
} from "../core/input_rules/context_names.ts";
import { EXPECTED_ISO_DATE, parseIsoDate } from "../core/input_rules/iso_dates.ts";
import { EXPECTED_TIME, invalidTimeMessage, parseTime } from "../core/input_rules/times.ts";
import { EXPECTED_ID, expectedPageSize } from "../core/input_rules/numbers.ts";
import {
  invalidSlugMessage,
  SLUG_KINDS,
  SLUG_PATTERN,
  type SlugKind,
} from "../core/input_rules/slugs.ts";
import type { TextRule } from "../core/input_rules/text_rules.ts";
import {
  expectedText,
  formatCount,
  mustBeMessage,
  tooLongMessage,
  tooManyMessage,
  tooShortMessage,
  typeMessage,
} from "../core/input_rules/wording.ts";

export { isoDateToMs, parseIsoDate } from "../core/input_rules/iso_dates.ts";
export { timeToMs } from "../core/input_rules/times.ts";

type Issue = { input?: unknown };

/** Message for a value of the wrong type, or a missing required value. */
function _typeError(field: string, expected: string) {
  return (issue: Issue): string => typeMessage(field, expected, issue.input);
}

/** Message for a value of the right type that breaks the rule. */
function _mustBe(field: string, expected: string) {
  return (issue: Issue): string => mustBeMessage(field, expected, issue.input);
}

/** A string of `min`..`max` characters; a wrong length is the one error (no pattern check). */
export function textField(field: string, min: number, max: number) {
  return z.string({ error: _typeError(field, expectedText(min, max)) })
    .min(min, {
      abort: true,
      error: (issue) => tooShortMessage(field, String(issue.input).length, min, max),
    })
    .max(max, {
      abort: true,
      error: (issue) => tooLongMessage(field, String(issue.input).length, max),
    });
}

/** A string whose length follows one of the core's TEXT_RULES (title, content, ...). */
export function textFieldOf(field: string, rule: TextRule) {
  return textField(field, rule.min, rule.max);
}

/** An agent name: 1–64 characters, letters or digits first and last, inner space _ . - allowed. */
export function agentNameField(field: string) {
  return textFieldOf(field, AGENT_NAME_RULE).regex(AGENT_NAME_PATTERN, {
    error: (issue) => invalidAgentNameMessage(field, String(issue.input)),
  });
}

/**
 * The parameter that names the acting agent (sender, agent_name, creator, set_by): optional
 * once the session is registered, and it must match when given. Not advertised: the session
 * acts as its registered agent.
 */
export function actorField(field: string) {
  // `actor` keeps it out of the advertised schema (advertised_schema.ts); it is still accepted.
  return agentNameField(field).optional().meta({
    description: "Your agent name; optional once registered, and must match when given",
    actor: true,
  });
}

/**
 * A short lowercase word: a role (`async-worker`), a task type (`bugfix`) or a rule name.
 * `kind` is one of the core's SLUG_KINDS, or its noun ("task type").
 */
export function slugField(field: string, kind: SlugKind | string) {
  const rule = typeof kind === "string" ? _slugKind(kind) : kind;
  return textField(field, 1, rule.max).regex(SLUG_PATTERN, {
    error: (issue) => invalidSlugMessage(field, String(issue.input), rule),
  });
}

function _slugKind(noun: string): SlugKind {
  return Object.values(SLUG_KINDS).find((kind) => kind.noun === noun) ??
    { noun, max: SLUG_KINDS.role.max };
}

/** A role name such as `coder` or `async-worker`. */
export function roleField(field: string) {
  return slugField(field, SLUG_KINDS.role);
}

/** A shared-context namespace: 1–64 characters of a-z 0-9 . _ - */
export function namespaceField(field: string) {
  return textFieldOf(field, NAMESPACE_RULE).regex(NAMESPACE_PATTERN, {
    error: (issue) => invalidNamespaceMessage(field, String(issue.input)),
  });
}

/** A whole number from `min` to `max`. */
export function integerField(field: string, min: number, max: number) {
  const expected = `a whole number from ${formatCount(min)} to ${formatCount(max)}`;
  const wrong = _mustBe(field, expected);
  return z.number({ error: _typeError(field, expected) })
    .int({ error: wrong })
    .min(min, { error: wrong })
    .max(max, { error: wrong });
}

/** A positive integer id. */
export function idField(field: string) {
  const wrong = _mustBe(field, EXPECTED_ID);
  return z.number({ error: _typeError(field, EXPECTED_ID) })
    .int({ error: wrong })
    .positive({ error: wrong });
}

/** true or false. */
export function boolField(field: string) {
  return z.boolean({ error: _typeError(field, "true or false") });
}

/** One of a fixed list of values. */
export function enumField<const T extends readonly [string, ...string[]]>(
  field: string,
  values: T,
) {
  const allowed = values.map((v) => `'${v}'`).join(", ");
  return z.enum(values, {
    error: (issue) =>
      issue.input === undefined
        ? `${field} is required: one of ${allowed}`
        : `${field} must be one of ${allowed} (got ${JSON.stringify(issue.input)})`,
  });
}

/** A page size from 1 to `max`. */
export function limitField(field: string, max: number) {
  const expected = expectedPageSize(max);
  const wrong = _mustBe(field, expected);
  return z.number({ error: _typeError(field, expected) })
    .int({ error: wrong })
    .min(1, { error: wrong })
    .max(max, { error: wrong });
}

/** A list of short strings: at most `maxItems`, each 1..`itemMax` characters. */
export function stringListField(field: string, maxItems: number, itemMax: number) {
  return z.array(textField(`each entry of ${field}`, 1, itemMax), {
    error: _typeError(field, "a list of strings"),
  }).max(maxItems, {
    error: (issue) =>
      tooManyMessage(field, Array.isArray(issue.input) ? issue.input.length : undefined, maxItems),
  });
}

/**
 * A time: a duration back from now (`2h`) or an ISO 8601 date. The tool converts it with
 * timeToMs(field, value, table.clock.now()).
 */
export function timeField(field: string) {
  return z.string({ error: _typeError(field, EXPECTED_TIME) }).refine(
    (value) => parseTime(value, 0) !== undefined,
    { error: (issue) => invalidTimeMessage(field, String(issue.input)) },
  );
}

/**
 * An ISO 8601 date or date-time (`2026-11-26`, `2026-11-26T14:30:00Z`, `...+02:00`). A time
 * without an offset is read as UTC.
 */
export function isoDateField(field: string) {
  return z.string({ error: _typeError(field, EXPECTED_ISO_DATE) }).refine(
    (value) => parseIsoDate(value) !== undefined,
    { error: (issue) => `${field} '${String(issue.input)}' is not ${EXPECTED_ISO_DATE}` },
  );
}
