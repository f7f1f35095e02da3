/**
 * Reading the task board: one task, filtered lists, the next task for an agent, and a task's
 * detail with its feed. Nothing here writes.
 */
import { NotFoundError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import type { RoleCatalog } from "../role_catalog.ts";
import { int } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import type { TaskActivityLog } from "./task_activity.ts";
import { SELECT_TASKS, type Task, type TaskDetail, type TaskStatus, toTask } from "./task_model.ts";
import type { TaskStructure } from "./task_structure.ts";

export interface TaskFilter {
  status?: TaskStatus | undefined;
  assignee?: string | undefined;
  reviewer?: string | undefined;
  parentId?: number | undefined;
  /**
   * A member (name and role): pending tasks it can take and whose type its role prefers come
   * first.
   */
  mineFirst?: { name: string; role: string } | undefined;
}

export class TaskQueries {
  readonly #sql: Statements;
  readonly #roles: RoleCatalog;
  readonly #activity: TaskActivityLog;
  readonly #structure: TaskStructure;

  constructor(
    deps: {
      sql: Statements;
      roles: RoleCatalog;
      activity: TaskActivityLog;
      structure: TaskStructure;
    },
  ) {
    this.#sql = deps.sql;
    this.#roles = deps.roles;
    this.#activity = deps.activity;
    this.#structure = deps.structure;
  }

  get(id: number): Task {
    const row = this.#sql.get(`${SELECT_TASKS} WHERE id = ?`).get(id);
    if (!row) throw new NotFoundError(`task_id: no task with id ${id}. Call list_tasks.`);
    return toTask(row);
  }

  /** Tasks, highest priority first, then oldest first; optionally filtered. */
  list(filter: TaskFilter = {}): Task[] {
    const me = filter.mineFirst;
    const affinity = JSON.stringify(me ? this.#roles.get(me.role).task_affinity : []);
    return this.#sql.get(
      `${SELECT_TASKS} WHERE (:status IS NULL OR status = :status)
         AND (:assignee IS NULL OR assignee = :assignee)
         AND (:reviewer IS NULL OR reviewer = :reviewer)
         AND (:parent IS NULL OR parent_id = :parent)
       ORDER BY
         CASE WHEN :me IS NOT NULL AND status = 'pending' AND (assignee IS NULL OR assignee = :me)
           AND type IN (SELECT value FROM json_each(:affinity)) THEN 0 ELSE 1 END,
         CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, id
       LIMIT :limit`,
    ).all({
      status: filter.status ?? null,
      assignee: filter.assignee ?? null,
      reviewer: filter.reviewer ?? null,
      parent: filter.parentId ?? null,
      me: me?.name ?? null,
      affinity,
      limit: LIMITS.listLimitMax,
    }).map(toTask);
  }

  /**
   * The id of the pending, unblocked task `member` should take next: one assigned to it first,
   * then one whose type its role prefers, then by priority and age; `skip` passes over some.
   */
  nextFor(
    member: { name: string; role: string },
    skip: (taskId: number) => boolean = () => false,
  ): number | null {
    const rows = this.#sql.get(
      `SELECT id FROM tasks WHERE status = 'pending' AND (assignee IS NULL OR assignee = :me)
         AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.blocker_id
                         WHERE d.task_id = tasks.id AND b.status <> 'done')
       ORDER BY CASE WHEN assignee = :me THEN 0 ELSE 1 END,
         CASE WHEN type IN (SELECT value FROM json_each(:affinity)) THEN 0 ELSE 1 END,
         CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, id
       LIMIT :limit`,
    ).all({
      me: member.name,
      affinity: JSON.stringify(this.#roles.get(member.role).task_affinity),
      limit: LIMITS.listLimitMax,
    });
    const ids = rows.map((row) => int(row, "id"));
    return ids.find((id) => !skip(id)) ?? null;
  }

  /** The id of a pending or in-progress task assigned to `agent`, if it has one. */
  openTaskOf(agent: string): number | null {
    const row = this.#sql.get(
      `SELECT id FROM tasks WHERE assignee = ? AND status IN ('pending', 'in_progress')
       ORDER BY id LIMIT 1`,
    ).get(agent);
    return row ? int(row, "id") : null;
  }

  /** The task, its activity and linked messages in order, and the rendered feed. */
  detail(taskId: number): TaskDetail {
    const task = this.get(taskId);
    const entries = this.#activity.feed(task.id);
    return {
      task,
      subtasks: this.#structure.children(task.id),
      blockers: this.#structure.blockers(task.id),
      entries,
      comment_count: entries.filter((e) => e.type !== "status_change" && e.type !== "message")
        .length,
      message_count: entries.filter((e) => e.type === "message").length,
      feed: entries.map((e) => e.line).join("\n"),
    };
  }
}
