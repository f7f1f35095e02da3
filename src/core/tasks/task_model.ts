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

/** What a reviewer decides about a task awaiting review: done, or back to its assignee. */
export const REVIEW_VERDICTS = ["approve", "changes"] as const;
export type ReviewVerdict = typeof REVIEW_VERDICTS[number];

/** The open review of a task: shown until the task is next handed over for review. */
export interface ReviewNote {
  /** null: a note written while the task still awaited review. */
  verdict: ReviewVerdict | null;
  note: string | null;
  by: string;
  at: string;
}

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
  /** The reviewer's verdict and note (the result stays the implementer's), until the next hand-over. */
  review_note: ReviewNote | null;
  created_at: string;
  updated_at: string;
  claimed_at: string | null;
  review_claimed_at: string | null;
  completed_at: string | null;
  /** The files or globs it declared it will touch (only when it declared some). */
  paths?: string[];
  /** How many of its subtasks are done (only when it has subtasks). */
  subtasks?: { done: number; total: number };
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
  /** A page of its subtasks, oldest first; task.subtasks counts them all. */
  subtasks: TaskRef[];
  /** There are more subtasks: the cursor of the next page. */
  subtasks_next_cursor?: string;
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

/**
 * The SELECT that every task query starts from (adds the blocked_by list, the declared paths
 * and the subtask counts).
 */
export const SELECT_TASKS = `SELECT tasks.*, (SELECT json_group_array(blocker_id)
  FROM task_dependencies d WHERE d.task_id = tasks.id) AS blocked_by,
  (SELECT json_group_array(path) FROM task_paths p WHERE p.task_id = tasks.id) AS paths,
  (SELECT json_array(count(*), coalesce(sum(c.status = 'done'), 0)) FROM tasks c
    WHERE c.parent_id = tasks.id) AS subtask_counts FROM tasks`;

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
    review_note: _reviewNote(row),
    created_at: toIso(int(row, "created_at")),
    updated_at: toIso(int(row, "updated_at")),
    claimed_at: time("claimed_at"),
    review_claimed_at: time("review_claimed_at"),
    completed_at: time("completed_at"),
    ..._declared(row),
  };
}

/** The optional parts of a task: its declared paths and its subtask counts, when it has them. */
function _declared(row: Record<string, unknown>): Pick<Task, "paths" | "subtasks"> {
  const out: Pick<Task, "paths" | "subtasks"> = {};
  const pathsJson = row["paths"];
  if (typeof pathsJson === "string") {
    const paths: unknown = JSON.parse(pathsJson);
    if (Array.isArray(paths) && paths.length > 0) {
      out.paths = paths.filter((p): p is string => typeof p === "string").sort();
    }
  }
  const countsJson = row["subtask_counts"];
  if (typeof countsJson === "string") {
    const [total, done] = _ids(countsJson);
    if (total !== undefined && total > 0) out.subtasks = { done: done ?? 0, total };
  }
  return out;
}

function _reviewNote(row: Record<string, unknown>): ReviewNote | null {
  const at = intOrNull(row, "review_at");
  const note = textOrNull(row, "review_note");
  if (at === null && note === null) return null;
  const verdict = textOrNull(row, "review_verdict");
  return {
    verdict: verdict === null ? null : _oneOf(REVIEW_VERDICTS, verdict),
    note,
    by: textOrNull(row, "review_by") ?? textOrNull(row, "reviewer") ?? "",
    at: toIso(at ?? int(row, "updated_at")),
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
