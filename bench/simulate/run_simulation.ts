/**
 * One simulated project: a fresh table (temp database) with a real `serve`, a lead and half the
 * coders on stdio (each its own process, channel on), the reviewer and the other coders over
 * HTTP with their own agent tokens; the faults; then the judge's figures.
 */
import { AgentClient } from "./agent_client.ts";
import { Coder, type Faults } from "./coder.ts";
import { crashAndRestart, dropAndReconnect } from "./faults.ts";
import { type Figures, judge } from "./judge.ts";
import { Lead } from "./lead.ts";
import { Ledger, type Role } from "./ledger.ts";
import { planFeature } from "./plan.ts";
import { addMember, OPERATOR_TOKEN, startServe } from "./processes.ts";
import { Reviewer } from "./reviewer.ts";
import { Rng } from "./rng.ts";
import type { Team } from "./team.ts";

export interface SimulationOptions {
  coders: number;
  tasks: number;
  seed: number;
  /** The run gives up (board not done) after this long. */
  limitMs?: number;
  log?: (line: string) => void;
}

export async function simulate(options: SimulationOptions): Promise<Figures> {
  const log = options.log ?? (() => {});
  const rng = new Rng(options.seed);
  const dir = await Deno.makeTempDir({ prefix: "team-table-simulate-" });
  const db = `${dir}/team_table.db`;
  const ledger = new Ledger();
  const coderNames = Array.from({ length: options.coders }, (_, i) => `coder-${i + 1}`);
  const stdioCoders = Math.ceil(options.coders / 2);
  log(`seating the team: lead, reviewer, ${coderNames.join(", ")}`);
  const keys = new Map<string, string>();
  for (
    const [name, role] of [["lead", "lead"], ["reviewer", "reviewer"]].concat(
      coderNames.map((name) => [name, "coder"]),
    )
  ) {
    keys.set(name!, await addMember(db, name!, role!));
  }
  const serve = await startServe(db);
  const client = (name: string, role: Role, kind: "stdio" | "http") =>
    new AgentClient(
      name,
      role,
      kind === "stdio"
        ? { kind, db, key: keys.get(name)! }
        : { kind, url: serve.url, key: keys.get(name)! },
      ledger,
    );
  const team: Team = {
    ledger,
    coders: coderNames,
    over: false,
    deadline: Date.now() + (options.limitMs ?? 300_000),
    idleMs: 15_000,
    workMs: [400, 1_500],
  };
  const lead = new Lead(client("lead", "lead", "stdio"), team);
  const reviewer = new Reviewer(client("reviewer", "reviewer", "http"), rng.fork(), team);
  const faultRng = rng.fork();
  const faults: Faults = {
    crash: (coder, task) => crashAndRestart(coder, task, faultRng),
    drop: (coder) => dropAndReconnect(coder, faultRng),
  };
  const coders = coderNames.map((name, i) =>
    new Coder(client(name, "coder", i < stdioCoders ? "stdio" : "http"), rng.fork(), team, faults)
  );
  const agents = [lead.agent, reviewer.agent, ...coders.map((c) => c.agent)];
  try {
    // Each connection names its agent (stdio --agent, an HTTP token): no register. A coder's
    // first call, asking for work, binds its session; the lead's is its first create_task.
    await Promise.all(agents.map(async (agent) => {
      await agent.connect();
      await agent.listTools();
    }));
    await Promise.all(coders.map(async (coder) => {
      if (await coder.take() !== undefined) throw new Error("work before the plan");
      coder.agent.listening();
    }));
    reviewer.agent.listening();
    const started = Date.now();
    log(`planning ${options.tasks} subtasks`);
    await lead.plan(planFeature(options.tasks, rng.fork()));
    const working = Promise.all([reviewer.run(), ...coders.map((c) => c.run())]);
    await lead.watch();
    const runMs = Date.now() - started;
    team.over = true;
    await working;
    log(`board ${lead.boardDone ? "done" : "NOT done"} after ${runMs} ms; judging`);
    const markerMessageId = await _closingBroadcast(serve.url);
    await Promise.all(agents.map((agent) => _awaitMarker(agent, markerMessageId)));
    return await judge(ledger, {
      seed: options.seed,
      coders: options.coders,
      tasks: options.tasks,
      runMs,
      boardDone: lead.boardDone,
      parentId: lead.parentId!,
      url: serve.url,
      markerMessageId,
    });
  } finally {
    team.over = true;
    await Promise.all(agents.map((agent) => agent.close().catch(() => {})));
    await serve.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The operator's broadcast that closes the run: every push before it counts. */
async function _closingBroadcast(url: string): Promise<number> {
  const response = await fetch(`${url}/api/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ to: "*", content: "The run is over." }),
  });
  const body = await response.json() as { message?: { id: number }; id?: number };
  const id = body.message?.id ?? body.id;
  if (!response.ok || id === undefined) {
    throw new Error(`closing broadcast: ${JSON.stringify(body)}`);
  }
  return id;
}

/** Waits (bounded) until the agent has received the closing broadcast by push. */
async function _awaitMarker(agent: AgentClient, messageId: number): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (agent.pushes.take().some((p) => p.messageId === messageId)) return;
    await agent.pushes.wait(until - Date.now());
  }
}
