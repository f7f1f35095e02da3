/** Headline numbers of a table, for /health and status displays. */
import { int } from "./rows.ts";
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
  const row = table.db.prepare(
    `SELECT
       (SELECT count(*) FROM members) AS members,
       (SELECT count(*) FROM members WHERE status = 'active') AS active_members,
       (SELECT count(*) FROM messages) AS messages,
       (SELECT count(*) FROM tasks) AS tasks,
       (SELECT count(*) FROM tasks WHERE status <> 'done') AS open_tasks`,
  ).get() ?? {};
  const presence = { online: 0, away: 0, gone: 0 };
  for (const member of table.members.list({ includeInactive: true })) presence[member.presence]++;
  return {
    members: int(row, "members"),
    active_members: int(row, "active_members"),
    ...presence,
    messages: int(row, "messages"),
    tasks: int(row, "tasks"),
    open_tasks: int(row, "open_tasks"),
    last_event_id: table.events.latestId(),
  };
}
