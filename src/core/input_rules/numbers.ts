/**
 * Whole-number inputs: ids and page sizes. They accept any value, since they also check
 * numbers parsed from a query string or a JSON body.
 */
import { ValidationError } from "../errors.ts";
import { formatCount, mustBeMessage } from "./wording.ts";

/** `an integer from 1 to 500`: what a page size expects. */
export function expectedPageSize(max: number): string {
  return `an integer from 1 to ${formatCount(max)}`;
}

/** Returns `value` when it is an integer from 1 to `max`; throws ValidationError otherwise. */
export function checkPageSize(value: unknown, max: number, field = "limit"): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= max) {
    return value;
  }
  throw new ValidationError(mustBeMessage(field, expectedPageSize(max), value));
}

/** `a positive integer id`: what an id expects. */
export const EXPECTED_ID = "a positive integer id";

/** Returns `value` when it is a positive integer id; throws ValidationError otherwise. */
export function checkId(value: unknown, field: string): number {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  throw new ValidationError(mustBeMessage(field, EXPECTED_ID, value));
}
