/**
 * The judge's notebook: what each agent did and saw, written down by the agents from their own
 * tool results and pushes (never read by an agent to decide anything). Times are Date.now() ms.
 */

export type Role = "lead" | "reviewer" | "coder";

export interface Usage {
  role: Role;
  transport: "stdio" | "http";
  calls: number;
  /** Calls on a task it works on: those naming a task, and a next_task that claimed one. */
  onTask: number;
  /** Characters of tool results as a model reads them: the text blocks, the badge included. */
  chars: number;
  byTool: Record<string, number>;
  toolsListBytes: number;
}

/** When an agent could hear pushes: stdio by time (while bound), HTTP from an event id on. */
export interface ListenWindow {
  fromAt: number;
  toAt?: number;
  /** HTTP: the `connected` frame's last_event_id (replays resume from there). */
  afterId?: number;
}

/** An exclusive lease an agent knows it holds: from its grant's result to its release call. */
export interface Hold {
  agent: string;
  paths: string[];
  from: number;
  to?: number;
}

export interface TaskStory {
  id: number;
  title: string;
  paths: string[];
  blockers: number[];
  parent: boolean;
  createdAt: number;
  claims: { agent: string; at: number }[];
  /** Its assignee's hand-overs (from the start of the update_task call). */
  handOvers: { agent: string; at: number }[];
  sentBackAt: number[];
  doneAt?: number;
}

export interface Restart {
  agent: string;
  taskId: number;
  killedAt: number;
  spawnedAt?: number;
  boundAt?: number;
  backAtTaskAt?: number;
  /** Binding refusals before it was bound. */
  refusals: number;
  handedOverAfter: boolean;
}

export interface Reconnect {
  agent: string;
  droppedAt: number;
  boundAt?: number;
  refusals: number;
}

export class Ledger {
  readonly usage = new Map<string, Usage>();
  /** Event ids each agent received by push, in arrival order (doubles kept). */
  readonly received = new Map<string, number[]>();
  readonly windows = new Map<string, ListenWindow[]>();
  readonly holds: Hold[] = [];
  readonly tasks = new Map<number, TaskStory>();
  restart: Restart | undefined;
  reconnect: Reconnect | undefined;
  /** Reviews: approvals and send-backs. */
  reviews = 0;

  join(agent: string, role: Role, transport: "stdio" | "http"): void {
    this.usage.set(agent, {
      role,
      transport,
      calls: 0,
      onTask: 0,
      chars: 0,
      byTool: {},
      toolsListBytes: 0,
    });
    this.received.set(agent, []);
    this.windows.set(agent, []);
  }

  used(agent: string): Usage {
    const usage = this.usage.get(agent);
    if (usage === undefined) throw new Error(`unknown agent ${agent}`);
    return usage;
  }

  call(agent: string, tool: string, chars: number, onTask = false): void {
    const usage = this.used(agent);
    usage.calls++;
    if (onTask) usage.onTask++;
    usage.chars += chars;
    usage.byTool[tool] = (usage.byTool[tool] ?? 0) + 1;
  }

  task(id: number): TaskStory {
    const story = this.tasks.get(id);
    if (story === undefined) throw new Error(`task ${id} was never created by the lead`);
    return story;
  }

  /** Ends `agent`'s open holds on `paths` (all of them when omitted) at `at`. */
  release(agent: string, at: number, paths?: string[]): void {
    for (const hold of this.holds) {
      if (hold.agent !== agent || hold.to !== undefined) continue;
      if (paths === undefined || hold.paths.some((p) => paths.includes(p))) hold.to = at;
    }
  }
}
