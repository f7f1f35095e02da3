/**
 * `deno task simulate`, short: a scripted team (lead and two coders on stdio, reviewer and two
 * coders over HTTP, a real serve) runs six subtasks through a crash (`kill -9` of a stdio coder
 * holding a task and a lease) and a dropped HTTP session. Only invariants, never timings.
 */
import assert from "node:assert/strict";
import { simulate } from "../bench/simulate/run_simulation.ts";

Deno.test("a simulated team finishes its project with no collision, nothing lost or doubled, and the crashed coder's work resumed", async () => {
  const figures = await simulate({ coders: 4, tasks: 6, seed: 7, limitMs: 240_000 });
  const summary = JSON.stringify(figures);
  assert.equal(figures.board_done, true, summary);
  assert.equal(figures.collisions, 0, summary);
  assert.equal(figures.lost_notifications, 0, summary);
  assert.equal(figures.doubled_notifications, 0, summary);
  assert.equal(figures.crashed_work_resumed, true, summary);
  assert.notEqual(figures.restart_bound_ms, null, summary);
  assert.notEqual(figures.reconnect_bound_ms, null, summary);
  assert.equal(figures.parents_done_early, 0, summary);
});
