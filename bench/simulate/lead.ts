/**
 * The lead (stdio, channel on): plans the feature as a parent task with subtasks (files,
 * dependencies), sends one broadcast that asks for acknowledgement, then watches the board
 * until every task is done. It never finishes the parent itself: the `complete-parent` rule
 * does, once the last subtask is done.
 */
import type { AgentClient } from "./agent_client.ts";
import { readMail } from "./mail.ts";
import { filesLine, type PlannedTask } from "./plan.ts";
import type { Team } from "./team.ts";

/** How long the lead waits for the rule to finish the parent once the subtasks are done. */
const PARENT_GRACE_MS = 10_000;

export class Lead {
  parentId: number | undefined;
  /** Every subtask done and the parent done by the rule (false: the run's deadline passed). */
  boardDone = false;

  constructor(readonly agent: AgentClient, readonly team: Team) {}

  async plan(tasks: PlannedTask[]): Promise<void> {
    const ledger = this.team.ledger;
    const parent = await this.#create(
      {
        title: "Export feature",
        description: "Export the table as JSON: split into the subtasks below.",
      },
      [],
      true,
    );
    this.parentId = parent;
    const ids: number[] = [];
    for (const planned of tasks) {
      const blockers = planned.after.map((i) => ids[i]!);
      ids.push(
        await this.#create(
          {
            title: planned.title,
            description: `Part of the export feature.\n${filesLine(planned.paths)}`,
            parent_id: parent,
            type: "implement",
            paths: planned.paths,
            ...(blockers.length > 0 ? { blocked_by: blockers } : {}),
          },
          blockers,
          false,
        ),
      );
      ledger.task(ids.at(-1)!).paths = planned.paths;
    }
    await this.agent.ok("broadcast", {
      content: `Plan for the export feature is on the board (#${parent}): take work with ` +
        "next_task, lease its files when you claim it, hand over for review. Acknowledge please.",
      subject: "export feature plan",
      task_id: parent,
      ack_required: true,
    });
  }

  /** Follows the board until every task is done (the parent by the rule) or the deadline. */
  async watch(): Promise<void> {
    let subtasksDoneAt: number | undefined;
    while (Date.now() < this.team.deadline) {
      await this.agent.pushes.wait(this.team.idleMs);
      await readMail(this.agent, this.agent.pushes.take());
      const board = (await this.agent.ok("list_tasks", { limit: 200 }))["tasks"] as {
        id: number;
        status: string;
      }[];
      const open = board.filter((t) => t.status !== "done").map((t) => t.id);
      if (open.length === 0) {
        this.boardDone = true;
        return;
      }
      if (open.length === 1 && open[0] === this.parentId) {
        subtasksDoneAt ??= Date.now();
        if (Date.now() - subtasksDoneAt > PARENT_GRACE_MS) return;
      }
    }
  }

  async #create(args: Record<string, unknown>, blockers: number[], parent: boolean) {
    const task = (await this.agent.ok("create_task", args))["task"] as { id: number };
    this.team.ledger.tasks.set(task.id, {
      id: task.id,
      title: String(args["title"]),
      paths: [],
      blockers,
      parent,
      createdAt: Date.now(),
      claims: [],
      sentBackAt: [],
    });
    return task.id;
  }
}
