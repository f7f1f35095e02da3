/**
 * The table at a glance, as data: each member's presence, current task and unread count; the
 * board by status; what is blocked; and what happened since a time. `team-table status` and
 * the web view both show it.
 */
import type { AuditTally } from "./audit_log.ts";
import type { Member } from "./members/member.ts";
import type { Table } from "./table.ts";
import type { Task } from "./tasks/task_model.ts";
import type { TaskRef } from "./tasks/task_structure.ts";

/** An online agent without a tool call for this long shows as idle. */
export const ONLINE_MS = 2 * 60_000;

/**
 * online: a live session holds the name and called a tool lately; idle: a live session, no
 * recent call; away: no live session; gone: deregistered.
 */
export type Presence = "online" | "idle" | "away" | "gone";

export interface MemberGlance {
  name: string;
  role: string;
  presence: Presence;
  /** A privileged role without a credential: it cannot join until the operator issues one. */
  needs_credential: boolean;
  last_seen: string;
  seen_ms_ago: number;
  current_task: { id: number; title: string } | null;
  unread: number;
}

export interface BlockedGlance {
  task: Task;
  waits_for: TaskRef[];
}

/** What happened while the viewer was away: the log's counts since then. */
export interface AwaySummary extends AuditTally {
  since: string;
}

/** Each member (all, or those given: a page of them) at a glance. */
export function membersAtAGlance(
  table: Table,
  members: readonly Member[] = table.members.list({ includeInactive: true }),
): MemberGlance[] {
  const now = table.clock.now();
  return members.map((member) => {
    const seen = now - Date.parse(member.last_seen);
    const presence: Presence = member.presence !== "online"
      ? member.presence
      : seen <= ONLINE_MS
      ? "online"
      : "idle";
    const task = table.tasks.workingOn(member.name);
    return {
      name: member.name,
      role: member.role,
      presence,
      needs_credential: table.roles.get(member.role).privileged && !member.has_credential,
      last_seen: member.last_seen,
      seen_ms_ago: seen,
      current_task: task ? { id: task.id, title: task.title } : null,
      unread: table.messages.unreadCount(member.name),
    };
  });
}

export function boardCounts(table: Table): Record<string, number> {
  return table.tasks.countByStatus();
}

/** Tasks marked blocked, and pending tasks that wait for open blockers. */
export function blockedTasks(table: Table): BlockedGlance[] {
  const blocked = table.tasks.list({ status: "blocked" });
  const waiting = table.tasks.list({ status: "pending" }).filter((t) => t.blocked_by.length > 0);
  return [...blocked, ...waiting]
    .map((task) => ({
      task,
      waits_for: table.tasks.detail(task.id).blockers.filter((b) => b.status !== "done"),
    }))
    .filter((entry) => entry.task.status === "blocked" || entry.waits_for.length > 0);
}

/** What happened since `since` (ms), from the audit log. */
export function awaySummary(table: Table, since: number): AwaySummary {
  return { since: new Date(since).toISOString(), ...table.audit.tallySince(since) };
}
