/**
 * The default of a switch that must name every case: the compiler refuses the call when a case
 * is missing (a new change or event type), and names it.
 */
export function assertNever(value: never, what: string): never {
  throw new TypeError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
