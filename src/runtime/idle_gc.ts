/**
 * One garbage collection when a stdio server first goes quiet. Starting (the SDK, zod, our
 * modules, the first tools/list) allocates enough that V8 grows its young generation, and an
 * idle process keeps it: ~6 MB of RSS held for the life of an agent's server. A full collection
 * once the client's first burst (initialize, tools/list) is over gives it back: 77 -> 71 MB.
 * It runs once, off the path of any request (~45 ms on this machine, while nothing is asked).
 * `--max-semi-space-size` would do the same from the start, but only on the command line, and
 * the binary also runs `serve`, whose HTTP throughput the flag costs (docs/performance.md).
 */
import process from "node:process";

/** Quiet this long after the last input counts as idle. */
export const IDLE_GC_AFTER_MS = 500;

/** What collectWhenFirstIdle listens to and does; tests give their own. */
export interface IdleGcOptions {
  /** Emits "data" on input (default: stdin). */
  input?: {
    on(event: "data", fn: () => void): unknown;
    off(event: "data", fn: () => void): unknown;
  };
  /** Quiet this long counts as idle (default IDLE_GC_AFTER_MS). */
  afterMs?: number;
  /** The collection (default: a full V8 collection). */
  collect?: () => void;
  /** Runs `fn` in `ms`; returns what cancels it (default: setTimeout). */
  later?: (fn: () => void, ms: number) => () => void;
  /** Milliseconds on a clock that only moves forward (default: performance.now). */
  now?: () => number;
}

function _later(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
}

/**
 * Collects garbage once, `afterMs` after the last data on the input; returns a stop function
 * (for the lifecycle's teardown). An input only notes its time: one timer, when due, looks how
 * long the input has been quiet and waits out the rest (a timer set per input cost ~20 µs of
 * every call of a client that never pauses).
 */
export function collectWhenFirstIdle(options: IdleGcOptions = {}): () => void {
  const input = options.input ?? process.stdin;
  const afterMs = options.afterMs ?? IDLE_GC_AFTER_MS;
  const collect = options.collect ?? (() => void fullCollection());
  const later = options.later ?? _later;
  const now = options.now ?? (() => performance.now());
  let lastInput = 0;
  let cancel: (() => void) | undefined;
  const due = () => {
    cancel = undefined;
    const quiet = now() - lastInput;
    if (quiet < afterMs) {
      cancel = later(due, afterMs - quiet);
      return;
    }
    stop();
    collect();
  };
  const onData = () => {
    lastInput = now();
    cancel ??= later(due, afterMs);
  };
  const stop = () => {
    cancel?.();
    cancel = undefined;
    input.off("data", onData);
  };
  input.on("data", onData);
  return stop;
}

/**
 * A full collection: `gc`, exposed by a V8 flag set now, read from a fresh context. Returns
 * whether it ran (a runtime without these keeps its young generation).
 */
export function fullCollection(): boolean {
  try {
    process.getBuiltinModule("node:v8").setFlagsFromString("--expose-gc");
    const gc: unknown = process.getBuiltinModule("node:vm").runInNewContext("gc");
    if (typeof gc !== "function") return false;
    gc();
    return true;
  } catch {
    return false;
  }
}
