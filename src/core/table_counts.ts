/** Headline numbers of a table, for /health and status displays. */
import type { Table } from "./table.ts";

export interface TableCounts {
  members: number;
  active_members: number;
  /** Presence: a live session holds the name / registered without one / left the table. */
  online: number;
  away: number;
  gone: number;
  messages: number;
  tasks: number;
  open_tasks: number;
  last_event_id: number;
}

export function countTable(table: Table): TableCounts {
  const presence = { online: 0, away: 0, gone: 0 };
  const members = table.members.list({ includeInactive: true });
  for (const member of members) presence[member.presence]++;
  const tasks = table.tasks.countByStatus();
  const all = Object.values(tasks).reduce((sum, n) => sum + n, 0);
  return {
    members: members.length,
    active_members: members.filter((m) => m.status === "active").length,
    ...presence,
    messages: table.messages.count(),
    tasks: all,
    open_tasks: all - tasks.done,
    last_event_id: table.events.latestId(),
  };
}
