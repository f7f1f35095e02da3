/**
 * The faults of a run: `kill -9` of a stdio coder's process while it holds a task and a lease,
 * restarted under the same name a few seconds later; an HTTP coder that goes away without
 * DELETE and comes back with its token. Both retry binding until bound (bounded) and measure
 * how long it took.
 */
import type { AgentClient } from "./agent_client.ts";
import type { Coder, Task } from "./coder.ts";
import type { Rng } from "./rng.ts";
import { sleep } from "./rng.ts";

/** Give up binding after this long. */
export const BIND_LIMIT_MS = 90_000;
const BIND_RETRY_MS = 250;
/** Events this close to a kill may still have been in the dead process's relay. */
const IN_FLIGHT_MS = 500;

/**
 * The agent's first call after connecting (its connection names it: no register): a look at its
 * in-progress tasks, repeated while the name is still held by the gone session. The first
 * accepted call binds the session and carries what the agent holds. Returns the refusals and
 * that result; the refused calls are counted apart (restart_refusals), not among the agent's.
 */
async function bind(
  agent: AgentClient,
): Promise<{ refusals: number; data: Record<string, unknown> }> {
  const until = Date.now() + BIND_LIMIT_MS;
  const args = { assignee: agent.name, status: "in_progress" };
  for (let refusals = 0;; refusals++) {
    const outcome = await agent.call("list_tasks", args, false);
    if (!outcome.isError) {
      agent.ledger.call(agent.name, "list_tasks", outcome.chars);
      return { refusals, data: outcome.data };
    }
    if (Date.now() > until) {
      throw new Error(`${agent.name} not bound after ${BIND_LIMIT_MS} ms: ${outcome.text}`);
    }
    await sleep(BIND_RETRY_MS);
  }
}

/**
 * Kills the coder's stdio process, restarts it after 2–4 s, binds, and gets back to its task
 * from what the table says (the restarted agent remembers nothing): its in-progress task from
 * the first result, and its files, leased again unless its leases outlived the crash.
 */
export async function crashAndRestart(coder: Coder, held: Task, rng: Rng): Promise<Task> {
  const { agent, team } = coder;
  const killedAt = Date.now();
  const restart = { agent: agent.name, taskId: held.id, killedAt, refusals: 0 };
  team.ledger.restart = { ...restart, handedOverAfter: false };
  Deno.kill(agent.pid!, "SIGKILL");
  agent.deaf(killedAt - IN_FLIGHT_MS);
  await agent.drop();
  await sleep(rng.int(2_000, 4_000));
  team.ledger.restart.spawnedAt = Date.now();
  await agent.connect();
  const bound = await bind(agent);
  team.ledger.restart.refusals = bound.refusals;
  team.ledger.restart.boundAt = Date.now();
  agent.listening();
  const mine = bound.data["tasks"] as { id: number; title: string; paths?: string[] }[];
  const task = mine.find((t) => t.id === held.id);
  if (task === undefined) {
    throw new Error(`${agent.name} restarted and no longer holds #${held.id}`);
  }
  const paths = task.paths ?? [];
  const holding = bound.data["holding"] as { leases?: { path: string }[] } | undefined;
  const kept = paths.every((path) => holding?.leases?.some((l) => l.path === path) === true);
  if (paths.length > 0 && !kept) {
    const lease = await agent.ok("reserve_paths", { paths, task_id: task.id });
    if (lease["granted"] !== true) throw new Error(`${agent.name} lost its files: ${lease}`);
    team.ledger.holds.push({ agent: agent.name, paths, from: Date.now() });
  }
  team.ledger.restart.backAtTaskAt = Date.now();
  return { id: task.id, title: task.title, paths };
}

/** Drops the HTTP coder's session and push stream (no DELETE), then reconnects with its token. */
export async function dropAndReconnect(coder: Coder, rng: Rng): Promise<void> {
  const { agent, team } = coder;
  const droppedAt = Date.now();
  team.ledger.reconnect = { agent: agent.name, droppedAt, refusals: 0 };
  await agent.drop();
  await sleep(rng.int(1_000, 2_000));
  await agent.connect();
  team.ledger.reconnect.refusals = (await bind(agent)).refusals;
  team.ledger.reconnect.boundAt = Date.now();
}
