/**
 * The judge: turns the ledger (what the agents did and saw) and, at the end, the operator's view
 * (the outbox replayed per agent from `/events`, the final tasks from `/api/tasks`) into the
 * run's figures. The judge is not an agent, so it may read the operator's view.
 */
import { CHANNEL_EVENT_TYPES } from "../../src/mcp/session_push.ts";
import { percentile } from "../stats.ts";
import type { Hold, Ledger, TaskStory } from "./ledger.ts";
import { OPERATOR_TOKEN } from "./processes.ts";
import { readSse } from "./sse_frames.ts";

export interface Figures {
  seed: number;
  coders: number;
  tasks: number;
  run_ms: number;
  board_done: boolean;
  finished_tasks: number;
  reviews: number;
  collisions: number;
  lost_notifications: number;
  doubled_notifications: number;
  /** Channel events for the crashed stdio agent while no process of it was bound (not lost). */
  missed_while_down: number;
  parents_done_early: number;
  restart_bound_ms: number | null;
  restart_back_at_task_ms: number | null;
  restart_refusals: number | null;
  crashed_work_resumed: boolean;
  reconnect_bound_ms: number | null;
  lead_share: number;
  /** Calls on the tasks it works on (claim, comment, message, hand-over...) per finished task. */
  coder_calls_per_task: number;
  /** The rest, per finished task: a next_task that found nothing, mail, acknowledgements... */
  coder_calls_between_tasks_per_task: number;
  reviewer_calls_per_task: number;
  reviewer_calls_per_review: number;
  chars_per_task: number;
  available_to_claim_p50_ms: number | null;
  available_to_claim_p95_ms: number | null;
  /**
   * The same, counting only the time some coder was idle (connected, no task in progress):
   * while every coder is busy or away the wait is the team's size, not the table's flow.
   */
  idle_available_to_claim_p50_ms: number | null;
  idle_available_to_claim_p95_ms: number | null;
  claims: number;
  /** The three longest waits from available to claimed: "#task coder: ms". */
  slowest_claims: string[];
  calls_by_agent: Record<string, number>;
  chars_by_agent: Record<string, number>;
  tools_list_bytes: Record<string, number>;
  calls_by_tool: Record<string, number>;
  /** Each agent's calls by tool. */
  calls_by_agent_and_tool: Record<string, Record<string, number>>;
}

interface OutboxEvent {
  id: number;
  type: string;
  at: number;
}

export interface RunFacts {
  seed: number;
  coders: number;
  tasks: number;
  runMs: number;
  boardDone: boolean;
  parentId: number;
  url: string;
  /** The operator's closing broadcast: the outbox is compared up to it. */
  markerMessageId: number;
}

export async function judge(ledger: Ledger, facts: RunFacts): Promise<Figures> {
  const usage = [...ledger.usage.entries()];
  const sum = (role: string, what: "calls" | "onTask" | "chars") =>
    usage.filter(([, u]) => u.role === role).reduce((n, [, u]) => n + u[what], 0);
  const allChars = usage.reduce((n, [, u]) => n + u.chars, 0);
  const finished = [...ledger.tasks.values()].filter((t) => t.doneAt !== undefined).length;
  const perTask = (n: number) => _round(n / Math.max(1, finished));
  const waits = _availableToClaim(ledger);
  const ms = waits.map((w) => w.ms);
  const idleMs = waits.map((w) => w.idleMs);
  const notifications = await _notifications(ledger, facts);
  const restart = ledger.restart;
  const byTool: Record<string, number> = {};
  for (const [, u] of usage) {
    for (const [tool, n] of Object.entries(u.byTool)) byTool[tool] = (byTool[tool] ?? 0) + n;
  }
  return {
    seed: facts.seed,
    coders: facts.coders,
    tasks: facts.tasks,
    run_ms: facts.runMs,
    board_done: facts.boardDone,
    finished_tasks: finished,
    reviews: ledger.reviews,
    collisions: _collisions(ledger.holds),
    ...notifications,
    parents_done_early: await _parentsDoneEarly(ledger, facts),
    restart_bound_ms: _span(restart?.spawnedAt, restart?.boundAt),
    restart_back_at_task_ms: _span(restart?.spawnedAt, restart?.backAtTaskAt),
    restart_refusals: restart?.refusals ?? null,
    crashed_work_resumed: restart?.handedOverAfter === true &&
      ledger.tasks.get(restart.taskId)?.doneAt !== undefined,
    reconnect_bound_ms: _span(ledger.reconnect?.droppedAt, ledger.reconnect?.boundAt),
    lead_share: _round(sum("lead", "chars") / Math.max(1, allChars), 3),
    coder_calls_per_task: perTask(sum("coder", "onTask")),
    coder_calls_between_tasks_per_task: perTask(sum("coder", "calls") - sum("coder", "onTask")),
    reviewer_calls_per_task: perTask(sum("reviewer", "calls")),
    reviewer_calls_per_review: _round(sum("reviewer", "calls") / Math.max(1, ledger.reviews)),
    chars_per_task: Math.round(perTask(sum("coder", "chars") + sum("reviewer", "chars"))),
    available_to_claim_p50_ms: ms.length ? Math.round(percentile(ms, 50)) : null,
    available_to_claim_p95_ms: ms.length ? Math.round(percentile(ms, 95)) : null,
    idle_available_to_claim_p50_ms: idleMs.length ? Math.round(percentile(idleMs, 50)) : null,
    idle_available_to_claim_p95_ms: idleMs.length ? Math.round(percentile(idleMs, 95)) : null,
    claims: ms.length,
    slowest_claims: waits.sort((a, b) => b.ms - a.ms).slice(0, 3)
      .map((w) => `#${w.task} ${w.agent}: ${Math.round(w.ms)} ms`),
    calls_by_agent: Object.fromEntries(usage.map(([name, u]) => [name, u.calls])),
    chars_by_agent: Object.fromEntries(usage.map(([name, u]) => [name, u.chars])),
    tools_list_bytes: Object.fromEntries(usage.map(([name, u]) => [name, u.toolsListBytes])),
    calls_by_tool: byTool,
    calls_by_agent_and_tool: Object.fromEntries(usage.map(([name, u]) => [name, u.byTool])),
  };
}

/**
 * Two agents holding exclusive leases on a common path at once. A hold runs from its grant's
 * result to the start of its release call, so it is certainly held throughout: an overlap of
 * two holds is a real collision, never an artefact of timing.
 */
function _collisions(holds: Hold[]): number {
  const end = Date.now();
  let collisions = 0;
  holds.forEach((a, i) => {
    for (const b of holds.slice(i + 1)) {
      if (a.agent === b.agent || !a.paths.some((p) => b.paths.includes(p))) continue;
      if (a.from < (b.to ?? end) && b.from < (a.to ?? end)) collisions++;
    }
  });
  return collisions;
}

/**
 * Per claim: from the moment the task could be taken (created or sent back, its blockers
 * approved, its files released) to the claim. Releases count from the start of the release
 * call, so a wait is never shorter than it was. Time when every coder was busy counts too.
 */
function _availableToClaim(
  ledger: Ledger,
): { task: number; agent: string; ms: number; idleMs: number }[] {
  const waits: { task: number; agent: string; ms: number; idleMs: number }[] = [];
  const busy = _busySpans(ledger);
  for (const story of ledger.tasks.values()) {
    story.claims.forEach((claim, k) => {
      const opened = k === 0
        ? story.createdAt
        : story.sentBackAt.filter((at) => at < claim.at).at(-1);
      const blockersDone = story.blockers.map((id) => ledger.tasks.get(id)?.doneAt);
      if (opened === undefined || blockersDone.includes(undefined)) return;
      const freed = _freedFor(story, claim, ledger.holds);
      const available = Math.max(opened, ...(blockersDone as number[]), ...freed);
      waits.push({
        task: story.id,
        agent: claim.agent,
        ms: Math.max(0, claim.at - available),
        idleMs: _idleWithin(busy, available, claim.at),
      });
    });
  }
  return waits;
}

/**
 * Each coder's spans of work, from a claim to its hand-over of that task (or the run's end),
 * and of absence.
 */
function _busySpans(ledger: Ledger): Map<string, { from: number; to: number }[]> {
  const spans = new Map<string, { from: number; to: number }[]>();
  for (const agent of ledger.usage.keys()) {
    if (ledger.usage.get(agent)?.role === "coder") spans.set(agent, []);
  }
  for (const story of ledger.tasks.values()) {
    for (const claim of story.claims) {
      const end = story.handOvers.find((h) => h.agent === claim.agent && h.at >= claim.at);
      spans.get(claim.agent)?.push({ from: claim.at, to: end?.at ?? Infinity });
    }
  }
  // Away is not idle: the killed coder until bound again, the dropped one until reconnected.
  const { restart, reconnect } = ledger;
  if (restart) {
    spans.get(restart.agent)?.push({ from: restart.killedAt, to: restart.boundAt ?? Infinity });
  }
  if (reconnect) {
    spans.get(reconnect.agent)?.push({
      from: reconnect.droppedAt,
      to: reconnect.boundAt ?? Infinity,
    });
  }
  return spans;
}

/** How long within [from, to) some coder was idle (not in a span), in 5 ms steps. */
function _idleWithin(busy: Map<string, { from: number; to: number }[]>, from: number, to: number) {
  const step = 5;
  let idle = 0;
  for (let t = from; t < to; t += step) {
    const someone = [...busy.values()].some((spans) =>
      !spans.some((span) => span.from <= t && t < span.to)
    );
    if (someone) idle += Math.min(step, to - t);
  }
  return idle;
}

/** When the task's files were released before the claim (by anyone: leased, no one could take it). */
function _freedFor(story: TaskStory, claim: { at: number }, holds: Hold[]) {
  return holds
    .filter((h) =>
      h.to !== undefined && h.to <= claim.at && h.paths.some((p) => story.paths.includes(p))
    )
    .map((h) => h.to!);
}

/**
 * What each agent received by push against what the outbox holds for it up to the closing
 * marker: over HTTP every event after its first connection (a reconnect resumes with
 * Last-Event-ID); over stdio the events the channel forwards, while a process was bound.
 */
async function _notifications(ledger: Ledger, facts: RunFacts) {
  let lost = 0, doubled = 0, missedWhileDown = 0;
  for (const [agent, usage] of ledger.usage) {
    const outbox = await _outboxFor(agent, facts);
    const windows = ledger.windows.get(agent)!;
    const got = ledger.received.get(agent)!;
    const counts = new Map<number, number>();
    for (const id of got) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const n of counts.values()) doubled += n - 1;
    for (const event of outbox) {
      if (counts.has(event.id)) continue;
      if (usage.transport === "http") {
        if (event.id > (windows[0]?.afterId ?? Infinity)) lost++;
        continue;
      }
      if (!CHANNEL_EVENT_TYPES.has(event.type) || event.at < (windows[0]?.fromAt ?? Infinity)) {
        continue;
      }
      const heard = windows.some((w) => event.at >= w.fromAt && event.at <= (w.toAt ?? Infinity));
      if (heard) lost++;
      else missedWhileDown++;
    }
  }
  return {
    lost_notifications: lost,
    doubled_notifications: doubled,
    missed_while_down: missedWhileDown,
  };
}

/** The agent's outbox, replayed from the start through `/events` up to the marker. */
async function _outboxFor(agent: string, facts: RunFacts): Promise<OutboxEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 15_000);
  const response = await fetch(`${facts.url}/events/${encodeURIComponent(agent)}?last_event_id=0`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    signal: abort.signal,
  });
  const events: OutboxEvent[] = [];
  let reachedMarker = false;
  try {
    await readSse(response.body!, (frame) => {
      if (frame.id === undefined) return;
      const data = JSON.parse(frame.data) as { at: string; message?: { id: number } };
      events.push({ id: Number(frame.id), type: frame.event, at: Date.parse(data.at) });
      if (frame.event === "broadcast" && data.message?.id === facts.markerMessageId) {
        reachedMarker = true;
        return "stop";
      }
    });
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  if (!reachedMarker) throw new Error(`the outbox of ${agent} never reached the marker`);
  return events;
}

/** The parent done while a subtask was not, from the operator's view of the final tasks. */
async function _parentsDoneEarly(ledger: Ledger, facts: RunFacts): Promise<number> {
  const completed = async (id: number) => {
    const response = await fetch(`${facts.url}/api/tasks/${id}`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    const body = await response.json() as { task: { completed_at: string | null } };
    const at = body.task.completed_at;
    return at === null ? Infinity : Date.parse(at);
  };
  const parentDone = await completed(facts.parentId);
  if (parentDone === Infinity) return 0;
  const subtasks = [...ledger.tasks.values()].filter((t) => !t.parent);
  const lastSubtask = Math.max(...await Promise.all(subtasks.map((t) => completed(t.id))));
  return parentDone < lastSubtask ? 1 : 0;
}

function _span(from: number | undefined, to: number | undefined): number | null {
  return from === undefined || to === undefined ? null : to - from;
}

function _round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}
