/** What a file lease is, what stands in the way of one, and how a leases row becomes a Lease. */
import { toIso } from "../clock.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";

/** Paths (files or globs, repository-relative) one agent says it is editing, until a time. */
export interface Lease {
  id: number;
  /** The agent holding it. */
  agent: string;
  /** A file or glob relative to the repository root. */
  path: string;
  /** Exclusive leases conflict with any overlapping lease; shared ones only with exclusive. */
  exclusive: boolean;
  reason: string | null;
  /** The task it is for: it ends when the task is done or leaves the holder. */
  task_id: number | null;
  since: string;
  until: string;
}

/** A lease of another agent that overlaps a requested path. */
export interface LeaseConflict {
  /** The requested path. */
  path: string;
  lease: Lease;
}

/** Why a lease ended. */
export type LeaseEnd = "released" | "forced" | "expired" | "task" | "left" | "away";

/** A refused reservation waiting to hear that its paths are free. */
export interface LeaseWaiter {
  id: number;
  agent: string;
  paths: string[];
  exclusive: boolean;
  since: string;
  until: string;
}

/** A row of `leases` as a Lease. */
export function toLease(row: Record<string, unknown>): Lease {
  return {
    id: int(row, "id"),
    agent: text(row, "agent"),
    path: text(row, "path"),
    exclusive: int(row, "exclusive") === 1,
    reason: textOrNull(row, "reason"),
    task_id: intOrNull(row, "task_id"),
    since: toIso(int(row, "created_at")),
    until: toIso(int(row, "expires_at")),
  };
}

/** A row of `lease_waiters` as a LeaseWaiter. */
export function toLeaseWaiter(row: Record<string, unknown>): LeaseWaiter {
  const paths: unknown = JSON.parse(text(row, "paths"));
  return {
    id: int(row, "id"),
    agent: text(row, "agent"),
    paths: Array.isArray(paths) ? paths.filter((p): p is string => typeof p === "string") : [],
    exclusive: int(row, "exclusive") === 1,
    since: toIso(int(row, "created_at")),
    until: toIso(int(row, "expires_at")),
  };
}

/** Why the leases held for a task end when it is handed over (ended_leases.reason). */
export function handedOverReason(taskId: number): string {
  return `task #${taskId} was handed over for review`;
}

/** One line for a conflict: `src/a.ts: held exclusively by bob (src/**) until ... for task #3`. */
export function describeConflict(conflict: LeaseConflict): string {
  const { lease } = conflict;
  return `${conflict.path}: ${lease.exclusive ? "held exclusively" : "shared"} by ` +
    `${lease.agent} (${lease.path}) since ${lease.since} until ${lease.until}` +
    `${lease.task_id === null ? "" : ` for `}${_taskAndReason(lease)}`;
}

/** One line for a lease: `#3 src/** exclusive, bob, until ..., task #2: reason`. */
export function describeLease(lease: Lease): string {
  return `#${lease.id} ${lease.path} ${lease.exclusive ? "exclusive" : "shared"}, ` +
    `${lease.agent}, until ${lease.until}${lease.task_id === null ? "" : ", "}` +
    _taskAndReason(lease);
}

/**
 * `task #2: reason`, `task #2`, `: reason` or nothing. A claim's lease already gives the task
 * in its reason (`task #2: Retry tests`): the task is named once.
 */
function _taskAndReason(lease: Lease): string {
  if (lease.task_id === null) return lease.reason ? `: ${lease.reason}` : "";
  const task = `task #${lease.task_id}`;
  const given = lease.reason ?? "";
  const reason = given.startsWith(`${task}: `)
    ? given.slice(task.length + 2)
    : given === task
    ? ""
    : given;
  return reason ? `${task}: ${reason}` : task;
}
