/**
 * Bounded waits for tests: `waitFor` polls until something holds, `within` races one promise
 * against a deadline. Both fail with a message that says what was awaited and for how long.
 * Timeouts here are generous on purpose (the machine may be slow); they bound a wait, they never
 * prove that something did not happen (send a marker for that and wait for the marker).
 */

export interface WaitForOptions {
  /** What is awaited, for the error message ("the idle agent to get the task"). */
  what: string;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between probes (default 10 ms). */
  intervalMs?: number;
}

/** A probe's "not yet": undefined, null or false. Anything else is the awaited value. */
type NotYet = undefined | null | false;

/**
 * Calls `probe` until it returns a value other than undefined, null or false, and returns that
 * value; throws after `timeoutMs`. Errors thrown by `probe` propagate at once.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: WaitForOptions,
): Promise<Exclude<T, NotYet>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (!_notYet(value)) return value as Exclude<T, NotYet>;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `promise`, or a rejection naming `what` if it has not settled within `timeoutMs`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      Math.max(1, timeoutMs),
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function _notYet(value: unknown): boolean {
  return value === undefined || value === null || value === false;
}
