/**
 * The faults of a run: `kill -9` of a stdio coder's process while it holds a task and a lease,
 * restarted under the same name a few seconds later; an HTTP coder that goes away without
 * DELETE and comes back with its token. Both retry binding until bound (bounded) and measure
 * how long it took.
 */
import type { AgentClient } from "./agent_client.ts";
import type { Coder, Task } from "./coder.ts";
import { filesOf } from "./plan.ts";
import type { Rng } from "./rng.ts";
import { sleep } from "./rng.ts";

/** Give up binding after this long. */
export const BIND_LIMIT_MS = 90_000;
const BIND_RETRY_MS = 250;
/** Events this close to a kill may still have been in the dead process's relay. */
const IN_FLIGHT_MS = 500;

/**
 * Calls `register` until the table gives the name back; returns the refusals, or throws. The
 * refused calls are counted apart (restart_refusals), not among the agent's calls.
 */
async function bind(agent: AgentClient): Promise<number> {
  const until = Date.now() + BIND_LIMIT_MS;
  for (let refusals = 0;; refusals++) {
    const outcome = await agent.call("register", { name: agent.name }, false);
    if (!outcome.isError) {
      agent.ledger.call(agent.name, "register", outcome.chars);
      return refusals;
    }
    if (Date.now() > until) {
      throw new Error(`${agent.name} not bound after ${BIND_LIMIT_MS} ms: ${outcome.text}`);
    }
    await sleep(BIND_RETRY_MS);
  }
}

/**
 * Kills the coder's stdio process, restarts it after 2–4 s, binds, and gets back to its task
 * from what the table says (the restarted agent remembers nothing): its in-progress task and
 * its files leased again.
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
  team.ledger.restart.refusals = await bind(agent);
  team.ledger.restart.boundAt = Date.now();
  agent.listening();
  const mine = (await agent.ok("list_tasks", { assignee: agent.name, status: "in_progress" }))[
    "tasks"
  ] as Task[];
  const task = mine.find((t) => t.id === held.id);
  if (task === undefined) {
    throw new Error(`${agent.name} restarted and no longer holds #${held.id}`);
  }
  const detail =
    (await agent.ok("get_task_detail", { task_id: task.id, limit: 1 }))["task"] as Task;
  const paths = filesOf(detail.description);
  if (paths.length > 0) {
    const lease = await agent.ok("reserve_paths", { paths, task_id: task.id });
    if (lease["granted"] !== true) throw new Error(`${agent.name} lost its files: ${lease}`);
    team.ledger.holds.push({ agent: agent.name, paths, from: Date.now() });
  }
  team.ledger.restart.backAtTaskAt = Date.now();
  return detail;
}

/** Drops the HTTP coder's session and push stream (no DELETE), then reconnects with its token. */
export async function dropAndReconnect(coder: Coder, rng: Rng): Promise<void> {
  const { agent, team } = coder;
  const droppedAt = Date.now();
  team.ledger.reconnect = { agent: agent.name, droppedAt, refusals: 0 };
  await agent.drop();
  await sleep(rng.int(1_000, 2_000));
  await agent.connect();
  team.ledger.reconnect.refusals = await bind(agent);
  team.ledger.reconnect.boundAt = Date.now();
}
