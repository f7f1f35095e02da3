/** What a task is: its statuses, priorities, fields, and how a tasks row becomes a Task. */
import { toIso } from "../clock.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import type { CommentType, FeedEntry } from "./task_activity.ts";
import type { TaskRef } from "./task_structure.ts";

export const TASK_STATUSES = [
  "pending",
  "in_progress",
  "awaiting_review",
  "done",
  "blocked",
] as const;
export type TaskStatus = typeof TASK_STATUSES[number];
export const TASK_PRIORITIES = ["low", "medium", "high"] as const;
export type TaskPriority = typeof TASK_PRIORITIES[number];

/** The task type whose affinity marks the roles that hear about reviews. */
export const REVIEW_AFFINITY = "review";

export interface Task {
  id: number;
  title: string;
  description: string;
  /** What kind of work (implement, design, review, test...); matched against role affinity. */
  type: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  creator: string;
  assignee: string | null;
  reviewer: string | null;
  /** The task this is a subtask of. */
  parent_id: number | null;
  /** The tasks this one waits for (done or not); see get_task_detail for their status. */
  blocked_by: number[];
  result: string | null;
  /** What the reviewer wrote when it finished the review (the result stays the implementer's). */
  review_note: string | null;
  created_at: string;
  updated_at: string;
  claimed_at: string | null;
  review_claimed_at: string | null;
  completed_at: string | null;
}

export interface TaskComment {
  id: number;
  task_id: number;
  agent: string;
  type: CommentType;
  content: string;
  at: string;
}

export interface TaskDetail {
  task: Task;
  subtasks: TaskRef[];
  blockers: TaskRef[];
  /** Comments, automatic status changes and linked messages, oldest first (the newest page). */
  entries: FeedEntry[];
  comment_count: number;
  message_count: number;
  /** The rendered feed of `entries`, one line per entry. */
  feed: string;
  /** There are older entries: pass it as cursor. */
  next_cursor?: string;
}

/** The SELECT that every task query starts from (adds the blocked_by list). */
export const SELECT_TASKS = `SELECT tasks.*, (SELECT json_group_array(blocker_id)
  FROM task_dependencies d WHERE d.task_id = tasks.id) AS blocked_by FROM tasks`;

/** A row of SELECT_TASKS as a Task. */
export function toTask(row: Record<string, unknown>): Task {
  const time = (column: string) => {
    const value = intOrNull(row, column);
    return value === null ? null : toIso(value);
  };
  return {
    id: int(row, "id"),
    title: text(row, "title"),
    description: text(row, "description"),
    type: textOrNull(row, "type"),
    status: _oneOf(TASK_STATUSES, text(row, "status")),
    priority: _oneOf(TASK_PRIORITIES, text(row, "priority")),
    creator: text(row, "creator"),
    assignee: textOrNull(row, "assignee"),
    reviewer: textOrNull(row, "reviewer"),
    parent_id: intOrNull(row, "parent_id"),
    blocked_by: _ids(text(row, "blocked_by")),
    result: textOrNull(row, "result"),
    review_note: textOrNull(row, "review_note"),
    created_at: toIso(int(row, "created_at")),
    updated_at: toIso(int(row, "updated_at")),
    claimed_at: time("claimed_at"),
    review_claimed_at: time("review_claimed_at"),
    completed_at: time("completed_at"),
  };
}

/** A task as the fields rule conditions read. */
export function taskFields(task: Task, by: string): Record<string, unknown> {
  return {
    "task.id": task.id,
    "task.title": task.title,
    "task.status": task.status,
    "task.priority": task.priority,
    "task.type": task.type,
    "task.creator": task.creator,
    "task.assignee": task.assignee,
    "task.reviewer": task.reviewer,
    "task.parent_id": task.parent_id,
    "event.by": by,
  };
}

function _ids(json: string): number[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

function _oneOf<T extends string>(allowed: readonly T[], value: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new TypeError(`unexpected stored value '${value}'`);
  return found;
}
