/**
 * `deno task simulate [--agents N] [--tasks N] [--seed S] [--json]`: a scripted team runs a
 * project on a fresh table, and the table is judged by the team's work (see
 * docs/performance.md, "Team simulation"). --agents is the number of coders (default 4).
 */
import { parseArgs } from "node:util";
import type { Figures } from "./judge.ts";
import { simulate } from "./run_simulation.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    agents: { type: "string", default: "4" },
    tasks: { type: "string", default: "12" },
    seed: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
  },
});

function count(name: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(
      `simulate: --${name} must be a whole number from ${min} to ${max}, not '${text}'`,
    );
    Deno.exit(2);
  }
  return n;
}

const figures = await simulate({
  coders: count("agents", values.agents, 1, 20),
  tasks: count("tasks", values.tasks, 1, 100),
  seed: count("seed", values.seed, 0, 2 ** 32 - 1),
  ...(values.json ? {} : { log: (line: string) => console.error(`· ${line}`) }),
});
console.log(values.json ? JSON.stringify(figures, null, 2) : table(figures));

function table(f: Figures): string {
  const ms = (n: number | null) => n === null ? "—" : `${(n / 1000).toFixed(2)} s`;
  const rows: [string, string][] = [
    ["run (plan to board done)", `${ms(f.run_ms)}, board ${f.board_done ? "done" : "NOT done"}`],
    ["finished tasks (approved), reviews", `${f.finished_tasks}, ${f.reviews}`],
    [
      "coder's calls per finished task: on it (+ between tasks)",
      `${f.coder_calls_per_task} (+${f.coder_calls_between_tasks_per_task})`,
    ],
    [
      "reviewer's calls per finished task (per review)",
      `${f.reviewer_calls_per_task} (${f.reviewer_calls_per_review})`,
    ],
    ["result characters per finished task (coders + reviewer)", f.chars_per_task.toLocaleString()],
    ["lead's share of all result characters", `${Math.round(f.lead_share * 100)}%`],
    [
      `available → claim p50 / p95 (${f.claims} claims)`,
      `${ms(f.available_to_claim_p50_ms)} / ${ms(f.available_to_claim_p95_ms)}`,
    ],
    [
      "  the same, counted while some coder was idle",
      `${ms(f.idle_available_to_claim_p50_ms)} / ${ms(f.idle_available_to_claim_p95_ms)}`,
    ],
    ["collisions (exclusive leases on a common path at once)", String(f.collisions)],
    [
      "notifications lost / doubled (missed while down)",
      `${f.lost_notifications} / ${f.doubled_notifications} (${f.missed_while_down})`,
    ],
    ["parents done before their subtasks", String(f.parents_done_early)],
    [
      "restarted stdio coder: bound / back at its task (refusals)",
      `${ms(f.restart_bound_ms)} / ${ms(f.restart_back_at_task_ms)} (${f.restart_refusals})`,
    ],
    ["crashed coder's task handed over by it and approved", f.crashed_work_resumed ? "yes" : "NO"],
    ["HTTP coder dropped without DELETE: bound again after", ms(f.reconnect_bound_ms)],
  ];
  const agents = Object.keys(f.calls_by_agent).map((name): [string, string] => [
    `  ${name}: calls, result characters, tools/list bytes`,
    `${f.calls_by_agent[name]}, ${f.chars_by_agent[name]!.toLocaleString()}, ${
      f.tools_list_bytes[name]!.toLocaleString()
    }`,
  ]);
  const all = [...rows, ["per agent", ""] as [string, string], ...agents];
  const width = Math.max(...all.map(([k]) => k.length));
  const tools = Object.entries(f.calls_by_tool).sort((a, b) => b[1] - a[1])
    .map(([tool, n]) => `${tool} ${n}`).join(", ");
  return [
    `team simulation: ${f.coders} coders, ${f.tasks} subtasks, seed ${f.seed}`,
    ...all.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    `slowest claims: ${f.slowest_claims.join(", ")}`,
    `calls by tool: ${tools}`,
  ].join("\n");
}
