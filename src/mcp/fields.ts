/**
 * Zod schemas for tool parameters. Every error message names the field, says what was wrong
 * and gives the limit or the allowed values, so an agent can correct its call in one try.
 * (The SDK appends " at <field>" to each message.)
 */
import { z } from "zod";
import { LIMITS } from "../core/limits.ts";
import { ValidationError } from "../core/errors.ts";

type Issue = { code?: string; input?: unknown };

function _got(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "string") return `a string of ${input.length} characters`;
  if (typeof input === "number") return `the number ${input}`;
  return `a ${typeof input}`;
}

/** Message for a value of the wrong type, or a missing required value. */
function _typeError(field: string, expected: string) {
  return (issue: Issue): string =>
    issue.input === undefined
      ? `${field} is required: ${expected}`
      : `${field} must be ${expected} (got ${_got(issue.input)})`;
}

function _n(value: number): string {
  return value.toLocaleString("en-US");
}

/** A string of `min`..`max` characters. */
export function textField(field: string, min: number, max: number) {
  const expected = `a string of ${_n(min)}–${_n(max)} characters`;
  return z.string({ error: _typeError(field, expected) })
    .min(min, { error: () => `${field} must not be empty (${expected})` })
    .max(max, {
      error: (issue) =>
        `${field} is too long: ${_n(String(issue.input).length)} characters; the limit is ${
          _n(max)
        }`,
    });
}

const _AGENT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9 _.-]*[A-Za-z0-9])?$/;

/** An agent name: 1–64 characters, letters or digits first and last, inner space _ . - allowed. */
export function agentNameField(field: string) {
  const expected = `an agent name of 1–${LIMITS.agentNameMax} characters`;
  return textField(field, 1, LIMITS.agentNameMax).regex(_AGENT_NAME, {
    error: (issue) =>
      `${field} '${String(issue.input)}' is not a valid agent name (${expected}: ASCII letters ` +
      `and digits, with space, '_', '.' or '-' allowed inside but not first or last)`,
  });
}

/**
 * The parameter that names the acting agent (sender, agent_name, creator, set_by): optional
 * once the session is registered, and it must match when given.
 */
export function actorField(field: string) {
  return agentNameField(field).optional().describe(
    "Your agent name; optional once registered, and must match when given",
  );
}

const _SLUG = /^[a-z][a-z0-9_-]*$/;

/** A short lowercase word such as a role (`async-worker`) or a task type (`bugfix`). */
export function slugField(field: string, noun: string) {
  return textField(field, 1, LIMITS.roleMax).regex(_SLUG, {
    error: (issue) =>
      `${field} '${String(issue.input)}' is not a valid ${noun} (lowercase letters, digits, ` +
      `'_' and '-', starting with a letter, at most ${LIMITS.roleMax} characters)`,
  });
}

/** A role name such as `coder` or `async-worker`. */
export function roleField(field: string) {
  return slugField(field, "role");
}

const _NAMESPACE = /^[a-z0-9._-]+$/;

/** A shared-context namespace: 1–64 characters of a-z 0-9 . _ - */
export function namespaceField(field: string) {
  return textField(field, 1, 64).regex(_NAMESPACE, {
    error: (issue) =>
      `${field} '${String(issue.input)}' is not a valid namespace (1–64 characters: lowercase ` +
      `letters, digits, '.', '_' and '-')`,
  });
}

/** A whole number from `min` to `max`. */
export function integerField(field: string, min: number, max: number) {
  const expected = `a whole number from ${_n(min)} to ${_n(max)}`;
  const wrong = (issue: Issue) => `${field} must be ${expected} (got ${_got(issue.input)})`;
  return z.number({ error: _typeError(field, expected) })
    .int({ error: wrong })
    .min(min, { error: wrong })
    .max(max, { error: wrong });
}

/** A positive integer id. */
export function idField(field: string) {
  const expected = "a positive integer id";
  return z.number({ error: _typeError(field, expected) })
    .int({ error: (issue) => `${field} must be ${expected} (got ${_got(issue.input)})` })
    .positive({ error: (issue) => `${field} must be ${expected} (got ${_got(issue.input)})` });
}

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
  const expected = `an integer from 1 to ${_n(max)}`;
  return z.number({ error: _typeError(field, expected) })
    .int({ error: (issue) => `${field} must be ${expected} (got ${_got(issue.input)})` })
    .min(1, { error: (issue) => `${field} must be ${expected} (got ${_got(issue.input)})` })
    .max(max, { error: (issue) => `${field} must be ${expected} (got ${_got(issue.input)})` });
}

/** A list of short strings: at most `maxItems`, each 1..`itemMax` characters. */
export function stringListField(field: string, maxItems: number, itemMax: number) {
  return z.array(textField(`each entry of ${field}`, 1, itemMax), {
    error: _typeError(field, `a list of strings`),
  }).max(maxItems, {
    error: (issue) =>
      `${field} has ${Array.isArray(issue.input) ? issue.input.length : "too many"} entries; ` +
      `the limit is ${maxItems}`,
  });
}

const _ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO 8601 date or date-time (`2026-11-26`, `2026-11-26T14:30:00Z`, `...+02:00`). A time
 * without an offset is read as UTC.
 */
export function isoDateField(field: string) {
  const expected = "an ISO 8601 date or date-time such as 2026-11-26 or 2026-11-26T14:30:00Z";
  return z.string({ error: _typeError(field, expected) }).refine(
    (value) => parseIsoDate(value) !== undefined,
    { error: (issue) => `${field} '${String(issue.input)}' is not ${expected}` },
  );
}

/** Milliseconds since the epoch for an ISO 8601 text, or undefined when it is not one. */
export function parseIsoDate(value: string): number | undefined {
  if (!_ISO_8601.test(value)) return undefined;
  const hasTime = /[T ]\d/i.test(value);
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const normalized = hasTime && !hasZone ? `${value.replace(" ", "T")}Z` : value.replace(" ", "T");
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Like parseIsoDate for a value the schema already accepted; throws if it is not a date. */
export function isoDateToMs(field: string, value: string): number {
  const ms = parseIsoDate(value);
  if (ms === undefined) throw new ValidationError(`${field} '${value}' is not an ISO 8601 date`);
  return ms;
}
