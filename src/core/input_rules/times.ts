/**
 * Times given as text, the same everywhere (tools' since/before_date, the web API, the CLI's
 * --since): a duration back from now (`30m`, `2h`, `1d`) or an ISO 8601 date
 * (iso_dates.ts). Durations are also what rule conditions compare with (`agent.idle > 5m`).
 */
import { ValidationError } from "../errors.ts";
import { parseIsoDate } from "./iso_dates.ts";

const _DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|min|h|d)$/;
const _UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** What a time field expects, for messages. */
export const EXPECTED_TIME = "a duration back from now (30m, 2h, 1d) or an ISO 8601 date " +
  "such as 2026-11-26 or 2026-11-26T14:30:00Z";

/** Milliseconds for a duration such as `5m`, or undefined when `text` is not one. */
export function parseDuration(text: string): number | undefined {
  const match = text.match(_DURATION);
  if (!match?.[1] || !match[2]) return undefined;
  return Number(match[1]) * (_UNITS[match[2]] ?? 1);
}

/** Milliseconds since the epoch for `2h` (back from `now`) or an ISO date; else undefined. */
export function parseTime(text: string, now: number): number | undefined {
  const duration = parseDuration(text);
  return duration === undefined ? parseIsoDate(text) : now - duration;
}

/** `since 'yesterday' is not a duration (30m, 2h, 1d) or an ISO 8601 date ...`. */
export function invalidTimeMessage(field: string, value: string): string {
  return `${field} '${value}' is not ${EXPECTED_TIME}`;
}

/** Milliseconds since the epoch for `value`; throws ValidationError when it is not a time. */
export function timeToMs(field: string, value: string, now: number): number {
  const ms = parseTime(value, now);
  if (ms === undefined) throw new ValidationError(invalidTimeMessage(field, value));
  return ms;
}
