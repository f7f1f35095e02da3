/**
 * Who is told about a change to a task: pure functions of the task, the actor and the names
 * the command looked up (reviewers by role, escalation targets), so they are testable without
 * a database. Names compare without regard to case; nobody is told twice; the actor never
 * hears about its own change.
 */
import type { Task } from "./task_model.ts";

/** The task's creator, assignee and reviewer, then `others` (a previous assignee...). */
export function partiesToTell(
  task: Task,
  by: string,
  others: readonly (string | null)[] = [],
): string[] {
  return _distinct([task.creator, task.assignee, task.reviewer, ...others], [by]);
}

/**
 * Who is asked for a review: the task's reviewer; without one, the agents whose role reviews
 * (`candidates`) but the actor; without any, everyone ("*").
 */
export function reviewAudience(task: Task, by: string, candidates: readonly string[]): string[] {
  if (task.reviewer) return [task.reviewer];
  const reviewers = _distinct(candidates, [by]);
  return reviewers.length ? reviewers : ["*"];
}

/**
 * Who else hears about a blocker: the author's escalation targets, unless they heard already
 * as the task's creator, assignee or reviewer (or posted it).
 */
export function escalationAudience(
  task: Task,
  by: string,
  targets: readonly string[],
): string[] {
  return _distinct(targets, [by, task.creator, task.assignee, task.reviewer]);
}

/**
 * Who hears that a task may start now: its assignee (without one, the members who may take it
 * are offered it: work_offers.ts).
 */
export function unblockedAudience(task: Task): string[] {
  return task.assignee === null ? [] : [task.assignee];
}

function _distinct(names: readonly (string | null)[], excluded: readonly (string | null)[]) {
  const seen = new Set(excluded.flatMap((n) => (n ? [n.toLowerCase()] : [])));
  const out: string[] = [];
  for (const name of names) {
    if (!name || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}
