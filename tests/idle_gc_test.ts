/**
 * A stdio server collects garbage once when its client first goes quiet (it gives back the
 * young generation its start grew): once, after the last input, never while input keeps coming.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { collectWhenFirstIdle, fullCollection } from "../src/runtime/idle_gc.ts";

/** A timer the test fires by hand: `due()` runs what is pending. */
function handTimer() {
  let pending: (() => void) | undefined;
  return {
    later(fn: () => void, ms: number) {
      assert.equal(ms, 500);
      pending = fn;
      return () => (pending = undefined);
    },
    due() {
      const fn = pending;
      pending = undefined;
      fn?.();
    },
    get armed() {
      return pending !== undefined;
    },
  };
}

/** collectWhenFirstIdle on a test input and hand timer, counting its collections. */
function watched() {
  const input = new EventEmitter();
  const timer = handTimer();
  const seen = { collections: 0 };
  const stop = collectWhenFirstIdle({
    input,
    afterMs: 500,
    later: timer.later,
    collect: () => seen.collections++,
  });
  return { input, timer, seen, stop };
}

Deno.test("one collection when the input goes quiet, none while it keeps coming", () => {
  const { input, timer, seen, stop } = watched();
  assert.equal(timer.armed, false, "nothing before any input");
  input.emit("data");
  input.emit("data");
  assert.equal(seen.collections, 0, "each input starts the quiet time again");
  timer.due();
  assert.equal(seen.collections, 1, "quiet: one collection");
  assert.equal(input.listenerCount("data"), 0, "and it stopped listening");
  input.emit("data");
  assert.equal(timer.armed, false);
  stop();
});

Deno.test("stopping before the input goes quiet collects nothing", () => {
  const { input, timer, seen, stop } = watched();
  input.emit("data");
  stop();
  assert.equal(timer.armed, false, "the pending collection is cancelled");
  assert.equal(seen.collections, 0);
  assert.equal(input.listenerCount("data"), 0);
});

Deno.test("the full collection runs in this runtime", () => {
  assert.equal(fullCollection(), true);
});
