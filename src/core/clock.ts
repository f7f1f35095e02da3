/** Where the domain gets "now" from: real time in production, a fake in tests. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests. */
export class FakeClock implements Clock {
  #now: number;
  constructor(start = Date.parse("2026-01-01T00:00:00Z")) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Renders a stored millisecond timestamp as ISO 8601 (UTC). */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
