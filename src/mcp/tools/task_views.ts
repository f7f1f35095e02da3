/**
 * How task tools show a task: the work to do when it is taken, and only what changed when a
 * call changes it (the caller knows the rest).
 */
import type { Lease } from "../../core/leases/lease.ts";
import type { Task } from "../../core/tasks/task_model.ts";

/** The fields a task's summary shows (output_schemas.ts taskSummarySchema). */
const _SUMMARY = [
  "id",
  "title",
  "type",
  "status",
  "priority",
  "creator",
  "assignee",
  "reviewer",
  "parent_id",
  "blocked_by",
  "updated_at",
  "paths",
  "subtasks",
] as const;

/** The fields of a task to work on (taskWorkSchema). */
const _WORK = [..._SUMMARY, "description", "result", "review_note"] as const;

type _Work = Pick<Task, typeof _WORK[number]>;

/** A task to work on: its summary, description, result and last review; no times. */
export function workView(task: Task): Omit<_Work, "updated_at"> {
  const view: Partial<Record<keyof _Work, unknown>> = {};
  for (const key of _WORK) {
    if (key !== "updated_at" && task[key] !== undefined) view[key] = task[key];
  }
  return view as Omit<_Work, "updated_at">;
}

/** What changed from `before` to `after`: id and status, then each field that differs. */
export function changeView(
  before: Task | null,
  after: Task,
): Partial<_Work> & Pick<Task, "id" | "status"> {
  const view: Partial<Record<keyof _Work, unknown>> = { id: after.id, status: after.status };
  for (const key of _WORK) {
    if (key === "updated_at" || after[key] === undefined) continue;
    if (before === null || JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      view[key] = after[key];
    }
  }
  return view as Partial<_Work> & Pick<Task, "id" | "status">;
}

/** A lease as a claim reports it. */
export function leaseRef(lease: Lease): Pick<Lease, "id" | "path" | "until"> {
  return { id: lease.id, path: lease.path, until: lease.until };
}
