/**
 * Dates given as text (`2026-11-26`, `2026-11-26T14:30:00Z`, `...+02:00`): tools, the web API
 * and the CLI read them the same way. A time without an offset is read as UTC.
 */
import { ValidationError } from "../errors.ts";

const _ISO_8601 =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** What a date field expects, for messages. */
export const EXPECTED_ISO_DATE =
  "an ISO 8601 date or date-time such as 2026-11-26 or 2026-11-26T14:30:00Z";

/** Milliseconds since the epoch for an ISO 8601 text, or undefined when it is not one. */
export function parseIsoDate(value: string): number | undefined {
  if (!_ISO_8601.test(value)) return undefined;
  const hasTime = /[T ]\d/i.test(value);
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const normalized = hasTime && !hasZone ? `${value.replace(" ", "T")}Z` : value.replace(" ", "T");
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `since 'yesterday' is not an ISO 8601 date`. */
export function invalidIsoDateMessage(field: string, value: string): string {
  return `${field} '${value}' is not an ISO 8601 date`;
}

/** Milliseconds since the epoch for `value`; throws ValidationError when it is not a date. */
export function isoDateToMs(field: string, value: string): number {
  const ms = parseIsoDate(value);
  if (ms === undefined) throw new ValidationError(invalidIsoDateMessage(field, value));
  return ms;
}
