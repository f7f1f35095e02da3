/**
 * The wording of every input error: field first, then what was wrong, then the limit or the
 * allowed values. The core validators and the zod schemas of the tools both build their
 * messages here, so an agent reads the same sentence whatever path its input took.
 */

/**
 * A number as people write it: 10,000. Whole numbers (every count and limit) are grouped here:
 * `toLocaleString` would load ICU, tens of milliseconds at start-up, where the tools' schemas word
 * their limits; anything else is left to it.
 */
export function formatCount(value: number): string {
  if (!Number.isSafeInteger(value)) return value.toLocaleString("en-US");
  const digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+$)/g, ",");
  return value < 0 ? `-${digits}` : digits;
}

/** What a value was, for "(got ...)": `a string of 5 characters`, `the number 3`, `null`. */
export function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "string") return `a string of ${input.length} characters`;
  if (typeof input === "number") return `the number ${input}`;
  return `a ${typeof input}`;
}

/** `a string of 1–200 characters`: what a text field expects. */
export function expectedText(min: number, max: number): string {
  return `a string of ${formatCount(min)}–${formatCount(max)} characters`;
}

/** `title is required: a string of 1–200 characters`. */
export function requiredMessage(field: string, expected: string): string {
  return `${field} is required: ${expected}`;
}

/** `limit must be an integer from 1 to 500 (got the number 0)`. */
export function mustBeMessage(field: string, expected: string, input: unknown): string {
  return `${field} must be ${expected} (got ${describeInput(input)})`;
}

/** A missing value or one of the wrong type. */
export function typeMessage(field: string, expected: string, input: unknown): string {
  return input === undefined
    ? requiredMessage(field, expected)
    : mustBeMessage(field, expected, input);
}

/** `content must not be empty (a string of 1–10,000 characters)`, or too short for min > 1. */
export function tooShortMessage(field: string, length: number, min: number, max: number): string {
  return min <= 1
    ? `${field} must not be empty (${expectedText(min, max)})`
    : `${field} is too short: ${formatCount(length)} characters (${expectedText(min, max)})`;
}

/** `title is too long: 5,001 characters; the limit is 200`. */
export function tooLongMessage(field: string, length: number, max: number): string {
  return `${field} is too long: ${formatCount(length)} characters; the limit is ${
    formatCount(max)
  }`;
}

/** `capabilities has 21 entries; the limit is 20`. */
export function tooManyMessage(field: string, count: number | undefined, max: number): string {
  return `${field} has ${count === undefined ? "too many" : formatCount(count)} entries; ` +
    `the limit is ${formatCount(max)}`;
}
