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

/**
 * Collects garbage once, `IDLE_GC_AFTER_MS` after the last data on stdin; returns a stop
 * function (for the lifecycle's teardown).
 */
export function collectWhenFirstIdle(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onData = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stop();
      _collect();
    }, IDLE_GC_AFTER_MS);
  };
  const stop = () => {
    clearTimeout(timer);
    process.stdin.off("data", onData);
  };
  process.stdin.on("data", onData);
  return stop;
}

/** A full collection: `gc`, exposed by a V8 flag set now, read from a fresh context. */
function _collect(): void {
  try {
    process.getBuiltinModule("node:v8").setFlagsFromString("--expose-gc");
    const gc: unknown = process.getBuiltinModule("node:vm").runInNewContext("gc");
    if (typeof gc === "function") gc();
  } catch {
    // Memory only: a runtime without these keeps its young generation.
  }
}
