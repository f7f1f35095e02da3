/**
 * How tasks hang together: subtasks (parent_id) and dependencies (a task is blocked by other
 * tasks until they are done). Cycles are refused in both. Call inside a transaction.
 */
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { int, text } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import { LIMITS } from "../limits.ts";
import { cursorKey, type Page, pageOf, type PageRequest, pageSize } from "../pages.ts";

export interface TaskRef {
  id: number;
  title: string;
  status: string;
  assignee: string | null;
}

/** How many open subtasks a refusal names (the rest are counted). */
const _NAMED_MAX = 10;

export class TaskStructure {
  readonly #sql: Statements;

  constructor(sql: Statements) {
    this.#sql = sql;
  }

  /** Refuses a parent that does not exist or would make a cycle. */
  checkParent(taskId: number | null, parentId: number): void {
    this.#requireExists(parentId, "parent_id");
    if (taskId === null) return;
    const cycle = parentId === taskId || this.#sql.get(
          `WITH RECURSIVE up(id) AS (
         SELECT parent_id FROM tasks WHERE id = ?
         UNION SELECT t.parent_id FROM tasks t JOIN up ON t.id = up.id
           WHERE t.parent_id IS NOT NULL)
       SELECT 1 AS hit FROM up WHERE id = ?`,
        ).get(parentId, taskId) !== undefined;
    if (cycle) {
      throw new ConflictError(
        `parent_id: task ${parentId} is task ${taskId} itself or one of its subtasks; a task ` +
          `cannot be its own ancestor.`,
      );
    }
  }

  /** Adds "taskId is blocked by blockerId" edges, refusing unknown ids and cycles. */
  addBlockers(taskId: number, blockerIds: readonly number[]): void {
    for (const blockerId of blockerIds) {
      this.#requireExists(blockerId, "blocked_by");
      if (blockerId === taskId) {
        throw new ValidationError(`blocked_by: task ${taskId} cannot be blocked by itself.`);
      }
      const cycle = this.#sql.get(
        `WITH RECURSIVE chain(id) AS (
           SELECT blocker_id FROM task_dependencies WHERE task_id = ?
           UNION SELECT d.blocker_id FROM task_dependencies d JOIN chain ON d.task_id = chain.id)
         SELECT 1 AS hit FROM chain WHERE id = ?`,
      ).get(blockerId, taskId);
      if (cycle) {
        throw new ConflictError(
          `blocked_by: task ${blockerId} already waits (directly or not) for task ${taskId}; ` +
            `making ${taskId} wait for ${blockerId} would be a cycle.`,
        );
      }
      this.#sql.get(
        "INSERT OR IGNORE INTO task_dependencies (task_id, blocker_id) VALUES (?, ?)",
      ).run(taskId, blockerId);
    }
  }

  removeBlockers(taskId: number, blockerIds: readonly number[]): void {
    const remove = this.#sql.get(
      "DELETE FROM task_dependencies WHERE task_id = ? AND blocker_id = ?",
    );
    for (const blockerId of blockerIds) remove.run(taskId, blockerId);
  }

  /** The tasks `taskId` waits for that are not done yet. */
  openBlockers(taskId: number): TaskRef[] {
    return this.#sql.get(
      `SELECT t.id, t.title, t.status, t.assignee FROM task_dependencies d
       JOIN tasks t ON t.id = d.blocker_id
       WHERE d.task_id = ? AND t.status <> 'done' ORDER BY t.id`,
    ).all(taskId).map(_toRef);
  }

  /** Throws when `taskId` still waits for open blockers (before in_progress or done). */
  requireUnblocked(taskId: number, goal: string): void {
    const open = this.openBlockers(taskId);
    if (open.length === 0) return;
    throw new ConflictError(
      `Task ${taskId} cannot ${goal}: it is blocked by ${
        open.map((t) => `#${t.id} "${t.title}" (${t.status})`).join(", ")
      }. Finish those first, or remove them with update_task remove_blocked_by.`,
    );
  }

  /** The subtasks of `taskId` that are not done yet. */
  openSubtasks(taskId: number): TaskRef[] {
    return this.#sql.get(
      `SELECT id, title, status, assignee FROM tasks
       WHERE parent_id = ? AND status <> 'done' ORDER BY id`,
    ).all(taskId).map(_toRef);
  }

  /**
   * Throws when `taskId` has open subtasks: such a task is a container, done when its last
   * subtask is (the complete-parent rule), never claimed, started or finished by hand.
   */
  requireNoOpenSubtasks(taskId: number, goal: string): void {
    const open = this.openSubtasks(taskId);
    if (open.length === 0) return;
    const named = open.slice(0, _NAMED_MAX).map((t) => `#${t.id} "${t.title}" (${t.status})`);
    const more = open.length > _NAMED_MAX
      ? ` and ${open.length - _NAMED_MAX} more (list_tasks parent_id=${taskId})`
      : "";
    throw new ConflictError(
      `Task ${taskId} cannot ${goal}: it has ${open.length} open subtask(s): ${
        named.join(", ")
      }${more}. It is done when its last subtask is; nobody can start or finish it before, ` +
        `whatever their privileges. Work on its subtasks (next_task offers them), or move them ` +
        `under another task with update_task parent_id.`,
    );
  }

  /** Every task `taskId` waits for, done or not. */
  blockers(taskId: number): TaskRef[] {
    return this.#sql.get(
      `SELECT t.id, t.title, t.status, t.assignee FROM task_dependencies d
       JOIN tasks t ON t.id = d.blocker_id WHERE d.task_id = ? ORDER BY t.id`,
    ).all(taskId).map(_toRef);
  }

  /** A page of children(taskId): `limit` (LIMITS.pages.subtasks), after `cursor`. */
  childrenPage(taskId: number, page: PageRequest = {}): Page<TaskRef> {
    const size = pageSize(page.limit, LIMITS.pages.subtasks);
    const after = page.cursor === undefined
      ? 0
      : Number(cursorKey(page.cursor, ["number"], "get_task_detail's subtasks")[0]);
    const rows = this.#sql.get(
      `SELECT id, title, status, assignee FROM tasks WHERE parent_id = ? AND id > ?
       ORDER BY id LIMIT ?`,
    ).all(taskId, after, size + 1).map(_toRef);
    return pageOf(rows, size, (ref) => [ref.id]);
  }

  children(taskId: number): TaskRef[] {
    return this.#sql.get(
      "SELECT id, title, status, assignee FROM tasks WHERE parent_id = ? ORDER BY id",
    ).all(taskId).map(_toRef);
  }

  /** Tasks that waited for `blockerId` and now wait for nothing. */
  newlyUnblocked(blockerId: number): number[] {
    return this.#sql.get(
      `SELECT d.task_id FROM task_dependencies d WHERE d.blocker_id = ?
         AND NOT EXISTS (SELECT 1 FROM task_dependencies o JOIN tasks t ON t.id = o.blocker_id
                         WHERE o.task_id = d.task_id AND t.status <> 'done')
       ORDER BY d.task_id`,
    ).all(blockerId).map((row) => int(row, "task_id"));
  }

  /** True when every subtask of `parentId` is done (and it has at least one). */
  allChildrenDone(parentId: number): boolean {
    const row = this.#sql.get(
      `SELECT count(*) AS total, sum(status = 'done') AS done FROM tasks WHERE parent_id = ?`,
    ).get(parentId);
    const total = row ? int(row, "total") : 0;
    return total > 0 && row !== undefined && Number(row["done"]) === total;
  }

  #requireExists(id: number, field: string): void {
    if (!this.#sql.get("SELECT id FROM tasks WHERE id = ?").get(id)) {
      throw new NotFoundError(`${field}: no task with id ${id}. Call list_tasks.`);
    }
  }
}

function _toRef(row: Record<string, unknown>): TaskRef {
  const assignee = row["assignee"];
  return {
    id: int(row, "id"),
    title: text(row, "title"),
    status: text(row, "status"),
    assignee: typeof assignee === "string" ? assignee : null,
  };
}
