/**
 * A stdio server collects garbage once when its client first goes quiet (it gives back the
 * young generation its start grew): once, after the last input, never while input keeps coming.
 */
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { collectWhenFirstIdle, fullCollection } from "../src/runtime/idle_gc.ts";

/**
 * A clock and a timer the test moves by hand: `advance(ms)` moves the clock and runs what has
 * come due.
 */
function handTime() {
  let at = 1_000;
  let pending: { fn: () => void; at: number } | undefined;
  const armed: number[] = [];
  return {
    now: () => at,
    later(fn: () => void, ms: number) {
      armed.push(ms);
      const entry = { fn, at: at + ms };
      pending = entry;
      return () => {
        if (pending === entry) pending = undefined;
      };
    },
    advance(ms: number) {
      at += ms;
      while (pending && pending.at <= at) {
        const { fn } = pending;
        pending = undefined;
        fn();
      }
    },
    get armed() {
      return pending !== undefined;
    },
    /** The delay of every timer set so far. */
    delays: armed,
  };
}

/** collectWhenFirstIdle on a test input, clock and timer, counting its collections. */
function watched() {
  const input = new EventEmitter();
  const timer = handTime();
  const seen = { collections: 0 };
  const stop = collectWhenFirstIdle({
    input,
    afterMs: 500,
    later: timer.later,
    now: timer.now,
    collect: () => seen.collections++,
  });
  return { input, timer, seen, stop };
}

Deno.test("one collection when the input goes quiet, none while it keeps coming", () => {
  const { input, timer, seen, stop } = watched();
  assert.equal(timer.armed, false, "nothing before any input");
  input.emit("data");
  timer.advance(300);
  input.emit("data");
  input.emit("data");
  assert.deepEqual(timer.delays, [500], "one timer, however many inputs");
  timer.advance(200);
  assert.equal(seen.collections, 0, "each input starts the quiet time again");
  assert.deepEqual(timer.delays, [500, 300], "it waits out the rest of the quiet time");
  timer.advance(299);
  assert.equal(seen.collections, 0);
  timer.advance(1);
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
