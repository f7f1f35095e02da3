/**
 * The task board. Claims and updates are single conditional UPDATEs inside a transaction, so
 * when processes race, exactly one wins and the others are told who did.
 */
import type { AuditLog } from "./audit_log.ts";
import type { EventOutbox } from "./event_outbox.ts";
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import type { MemberStore } from "./members.ts";
import { int, intOrNull, text, textOrNull } from "./rows.ts";
import type { Statements } from "../db/statements.ts";
import type { StoreDeps } from "./store_deps.ts";
import type { Transactor } from "../db/transaction.ts";

export const TASK_STATUSES = ["pending", "in_progress", "done", "blocked"] as const;
export type TaskStatus = typeof TASK_STATUSES[number];
export const TASK_PRIORITIES = ["low", "medium", "high"] as const;
export type TaskPriority = typeof TASK_PRIORITIES[number];

export interface Task {
  id: number;
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  creator: string;
  assignee: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
  claimed_at: string | null;
  completed_at: string | null;
}

export interface CreateTaskInput {
  title: string;
  creator: string;
  description?: string | undefined;
  assignee?: string | undefined;
  priority?: TaskPriority | undefined;
}

export class TaskStore {
  readonly #tx: Transactor;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #audit: AuditLog;
  readonly #members: MemberStore;
  readonly #events: EventOutbox;

  constructor(deps: StoreDeps) {
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#audit = deps.audit;
    this.#members = deps.members;
    this.#events = deps.events;
  }

  create(input: CreateTaskInput): Task {
    return this.#tx.run(() => {
      const now = this.#clock.now();
      const creator = this.#members.require(input.creator, "creator").name;
      const assignee = input.assignee === undefined
        ? null
        : this.#members.require(input.assignee, "assignee").name;
      const priority = input.priority ?? "medium";
      const id = Number(
        this.#sql.get(
          `INSERT INTO tasks (title, description, status, priority, creator, assignee,
             created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?)`,
        ).run(input.title, input.description ?? "", priority, creator, assignee, now, now)
          .lastInsertRowid,
      );
      this.#audit.record({
        agent: creator,
        action: "task.created",
        target: id,
        details: { title: input.title, assignee, priority },
      });
      const task = this.get(id);
      this.#events.append(
        assignee ? { recipient: assignee, type: "task_created", payload: { task, by: creator } } : {
          recipient: "*",
          except: creator,
          type: "task_created",
          payload: { task, by: creator },
        },
      );
      return task;
    });
  }

  /** Tasks, highest priority first, then oldest first; optionally by status and/or assignee. */
  list(filter: { status?: TaskStatus | undefined; assignee?: string | undefined } = {}): Task[] {
    return this.#sql.get(
      `SELECT * FROM tasks WHERE (? IS NULL OR status = ?) AND (? IS NULL OR assignee = ?)
       ORDER BY CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, id
       LIMIT ?`,
    ).all(
      filter.status ?? null,
      filter.status ?? null,
      filter.assignee ?? null,
      filter.assignee ?? null,
      LIMITS.listLimitMax,
    ).map(_toTask);
  }

  /**
   * Claims a pending task for `agent`: status in_progress, assignee the claimer. A task with a
   * named assignee can be claimed only by that agent or an admin/lead.
   */
  claim(input: { taskId: number; agent: string }): Task {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const privileged = this.#members.isPrivileged(agent);
      const now = this.#clock.now();
      const previousAssignee = this.#sql.get("SELECT assignee FROM tasks WHERE id = ?")
        .get(input.taskId)?.["assignee"];
      const changed = this.#sql.get(
        `UPDATE tasks SET status = 'in_progress', assignee = ?, claimed_at = ?, updated_at = ?
         WHERE id = ? AND status = 'pending' AND (assignee IS NULL OR assignee = ? OR ?)`,
      ).run(agent, now, now, input.taskId, agent, privileged ? 1 : 0).changes;
      if (Number(changed) === 0) throw this.#claimRefusal(input.taskId, agent);
      this.#audit.record({ agent, action: "task.claimed", target: input.taskId });
      const task = this.get(input.taskId);
      const others = typeof previousAssignee === "string" ? [previousAssignee] : [];
      this.#notifyParties(task, agent, "task_claimed", {}, others);
      return task;
    });
  }

  /**
   * Sets a task's status (and result). Only its creator, its assignee or an admin/lead may:
   * the check is part of the UPDATE itself, so no path skips it.
   */
  update(input: {
    taskId: number;
    agent: string;
    status: TaskStatus;
    result?: string | undefined;
  }): Task {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const before = this.get(input.taskId);
      const privileged = this.#members.isPrivileged(agent);
      const now = this.#clock.now();
      const changed = this.#sql.get(
        `UPDATE tasks SET status = ?, result = coalesce(?, result), updated_at = ?,
           assignee = CASE WHEN ? = 'in_progress' AND assignee IS NULL THEN ? ELSE assignee END,
           claimed_at = CASE WHEN ? = 'in_progress' AND claimed_at IS NULL THEN ? ELSE claimed_at END,
           completed_at = CASE WHEN ? = 'done' THEN ? ELSE NULL END
         WHERE id = ? AND (creator = ? COLLATE NOCASE OR assignee = ? OR ?)`,
      ).run(
        input.status,
        input.result ?? null,
        now,
        input.status,
        agent,
        input.status,
        now,
        input.status,
        now,
        input.taskId,
        agent,
        agent,
        privileged ? 1 : 0,
      ).changes;
      if (Number(changed) === 0) {
        throw new ForbiddenError(
          `task_id: '${agent}' may not update task ${before.id}: only its creator ` +
            `('${before.creator}'), its assignee (${
              before.assignee ? `'${before.assignee}'` : "none"
            }) or an admin/lead may.`,
        );
      }
      this.#audit.record({
        agent,
        action: "task.updated",
        target: before.id,
        details: {
          from: before.status,
          to: input.status,
          result: input.result === undefined ? undefined : input.result.slice(0, 200),
        },
      });
      const task = this.get(before.id);
      this.#notifyParties(task, agent, "task_updated", { from: before.status, to: task.status }, [
        before.assignee ?? "",
      ]);
      return task;
    });
  }

  get(id: number): Task {
    const row = this.#sql.get("SELECT * FROM tasks WHERE id = ?").get(id);
    if (!row) throw new NotFoundError(`task_id: no task with id ${id}. Call list_tasks.`);
    return _toTask(row);
  }

  /** Tells the task's creator and assignee (and `others`) what `actor` did, never the actor. */
  #notifyParties(
    task: Task,
    actor: string,
    type: "task_claimed" | "task_updated",
    extra: Record<string, unknown>,
    others: string[],
  ): void {
    const seen = new Set([actor.toLowerCase(), ""]);
    for (const name of [task.creator, task.assignee ?? "", ...others]) {
      if (seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      this.#events.append({ recipient: name, type, payload: { task, by: actor, ...extra } });
    }
  }

  #claimRefusal(taskId: number, agent: string): Error {
    const task = this.get(taskId);
    if (task.status !== "pending") {
      return new ConflictError(
        task.assignee
          ? `Task ${task.id} is already claimed by '${task.assignee}' (status ${task.status}).`
          : `Task ${task.id} cannot be claimed: its status is ${task.status}, not pending.`,
      );
    }
    return new ForbiddenError(
      `Task ${task.id} is assigned to '${task.assignee}'; only '${task.assignee}' or an ` +
        `admin/lead may claim it, not '${agent}'.`,
    );
  }
}

function _toTask(row: Record<string, unknown>): Task {
  const claimed = intOrNull(row, "claimed_at");
  const completed = intOrNull(row, "completed_at");
  return {
    id: int(row, "id"),
    title: text(row, "title"),
    description: text(row, "description"),
    status: _oneOf(TASK_STATUSES, text(row, "status")),
    priority: _oneOf(TASK_PRIORITIES, text(row, "priority")),
    creator: text(row, "creator"),
    assignee: textOrNull(row, "assignee"),
    result: textOrNull(row, "result"),
    created_at: toIso(int(row, "created_at")),
    updated_at: toIso(int(row, "updated_at")),
    claimed_at: claimed === null ? null : toIso(claimed),
    completed_at: completed === null ? null : toIso(completed),
  };
}

function _oneOf<T extends string>(allowed: readonly T[], value: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new TypeError(`unexpected stored value '${value}'`);
  return found;
}
