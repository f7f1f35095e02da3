/**
 * The lead (stdio, channel on): plans the feature as a parent task with subtasks (files,
 * dependencies, the reviewer named), sends one broadcast that asks for acknowledgement, then
 * follows the board by its pushes (the channel says when a task of its is done), looking with
 * list_tasks(since) only when the pushes go quiet. It never finishes the parent itself: the
 * `complete-parent` rule does, once the last subtask is done.
 */
import type { AgentClient } from "./agent_client.ts";
import { acknowledgePushed, readMail } from "./mail.ts";
import { filesLine, type PlannedTask } from "./plan.ts";
import type { Team } from "./team.ts";

/** How long the lead waits for the rule to finish the parent once the subtasks are done. */
const PARENT_GRACE_MS = 10_000;
/** With no push for this long, the lead looks at what changed. */
const QUIET_MS = 15_000;

export class Lead {
  parentId: number | undefined;
  /** Every subtask done and the parent done by the rule (false: the run's deadline passed). */
  boardDone = false;
  readonly #subtasks: number[] = [];
  /** Where list_tasks(since) starts: what changed after the lead's last look. */
  #cursor = "";

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
    // The first call bound the session: the channel speaks from now on.
    this.agent.listening();
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
            reviewer: "reviewer",
            paths: planned.paths,
            ...(blockers.length > 0 ? { blocked_by: blockers } : {}),
          },
          blockers,
          false,
        ),
      );
      ledger.task(ids.at(-1)!).paths = planned.paths;
    }
    this.#subtasks.push(...ids);
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
    const done = new Set<number>();
    let subtasksDoneAt: number | undefined;
    let heardAt = Date.now();
    while (Date.now() < this.team.deadline) {
      await this.agent.pushes.wait(500);
      const pushes = this.agent.pushes.take();
      await acknowledgePushed(this.agent, pushes);
      for (const push of pushes) {
        if (push.type === "task_updated" && push.status === "done" && push.taskId !== undefined) {
          done.add(push.taskId);
        }
      }
      if (pushes.length > 0) heardAt = Date.now();
      else if (Date.now() - heardAt > QUIET_MS) {
        await this.#look(done);
        heardAt = Date.now();
      }
      await readMail(this.agent);
      if (done.has(this.parentId!)) {
        this.boardDone = this.#subtasks.every((id) => done.has(id));
        return;
      }
      if (this.#subtasks.every((id) => done.has(id))) {
        subtasksDoneAt ??= Date.now();
        if (Date.now() - subtasksDoneAt > PARENT_GRACE_MS) return;
      }
    }
  }

  /** What changed since the last look (the first: the whole board), by list_tasks. */
  async #look(done: Set<number>): Promise<void> {
    const seen = await this.agent.ok("list_tasks", {
      limit: 200,
      ...(this.#cursor === "" ? {} : { since: this.#cursor }),
    });
    for (const task of seen["tasks"] as { id: number; status: string }[]) {
      if (task.status === "done") done.add(task.id);
      else done.delete(task.id);
    }
    this.#cursor = String(seen["changes_cursor"]);
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
      handOvers: [],
      sentBackAt: [],
    });
    return task.id;
  }
}
