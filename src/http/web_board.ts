/**
 * The task board as the web view shows it: a card per task (what a card shows, not the whole
 * task: no description, result or timestamps), in columns by status that page like every list;
 * the done column comes collapsed, counted. The page loads the first page of each and, when an
 * event names a task, only that task's card.
 */
import type { Page, PageRequest } from "../core/pages.ts";
import type { Table } from "../core/table.ts";
import type { Task, TaskStatus } from "../core/tasks/task_model.ts";

/** A task as its card on the board shows it. */
export interface BoardCard {
  id: number;
  title: string;
  status: TaskStatus;
  priority: Task["priority"];
  assignee: string | null;
  reviewer: string | null;
  parent_id: number | null;
  subtasks?: { done: number; total: number };
  paths?: string[];
  /** "changes" when the reviewer sent it back, with who. */
  review?: { verdict: string; by: string };
  /** The blockers it still waits for (not done). */
  waits_for: number[];
}

/** Cards per column on the first load (a column's "more" pages on). */
export const BOARD_PAGE = 20;

/** The card of `task`. */
export function boardCard(table: Table, task: Task): BoardCard {
  const waitsFor = task.blocked_by.length === 0
    ? []
    : table.tasks.detail(task.id, { limit: 1 }).blockers.filter((b) => b.status !== "done")
      .map((b) => b.id);
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    priority: task.priority,
    assignee: task.assignee,
    reviewer: task.reviewer,
    parent_id: task.parent_id,
    ...(task.subtasks ? { subtasks: task.subtasks } : {}),
    ...(task.paths ? { paths: task.paths } : {}),
    ...(task.review_note?.verdict
      ? { review: { verdict: task.review_note.verdict, by: task.review_note.by } }
      : {}),
    waits_for: waitsFor,
  };
}

/** A page of one column, in board order (highest priority first, then oldest). */
export function boardColumn(
  table: Table,
  status: TaskStatus,
  page: PageRequest = {},
): Page<BoardCard> {
  const found = table.tasks.page({ status }, { ...page, limit: page.limit ?? BOARD_PAGE });
  return {
    items: found.items.map((task) => boardCard(table, task)),
    ...(found.next_cursor === undefined ? {} : { next_cursor: found.next_cursor }),
  };
}
