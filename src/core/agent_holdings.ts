/**
 * What an agent holds, for coming back (register, a session bound at start, a reconnect): its
 * open tasks and the reviews it took, its live leases with their expiry, the acknowledgements
 * it owes, and its unread count. Compact: ids, titles, paths and times, capped, never whole
 * objects. Reads only.
 */
import { excerptOf } from "./messages/message.ts";
import { int, text } from "./rows.ts";
import type { Table } from "./table.ts";

/** At most this many of each kind are listed; `more` counts the rest. */
const _SHOWN = 10;

export interface HeldTask {
  id: number;
  title: string;
  status: string;
  /** assignee: its own work; reviewer: a review it took. */
  as: "assignee" | "reviewer";
}

export interface HeldLease {
  id: number;
  path: string;
  exclusive: boolean;
  task_id: number | null;
  until: string;
}

export interface OwedAck {
  message_id: number;
  sender: string;
  excerpt: string;
}

export interface Holdings {
  tasks: HeldTask[];
  leases: HeldLease[];
  acks_owed: OwedAck[];
  unread: number;
  /** How many of each were left out (only when some were). */
  more?: { tasks?: number; leases?: number; acks_owed?: number };
}

export function agentHoldings(table: Table, agent: string): Holdings {
  const taskRows = table.db.prepare(
    `SELECT id, title, status, 'assignee' AS held_as FROM tasks
       WHERE assignee = :agent AND status IN ('pending', 'in_progress', 'awaiting_review')
     UNION ALL
     SELECT id, title, status, 'reviewer' AS held_as FROM tasks
       WHERE reviewer = :agent AND status = 'awaiting_review' AND review_claimed_at IS NOT NULL
     ORDER BY id`,
  ).all({ agent });
  const tasks = taskRows.map((row): HeldTask => ({
    id: int(row, "id"),
    title: text(row, "title"),
    status: text(row, "status"),
    as: text(row, "held_as") === "reviewer" ? "reviewer" : "assignee",
  }));
  const leases = table.leases.list({ agent }).map((lease): HeldLease => ({
    id: lease.id,
    path: lease.path,
    exclusive: lease.exclusive,
    task_id: lease.task_id,
    until: lease.until,
  }));
  const ackRows = table.db.prepare(
    `SELECT m.id, m.sender, m.content FROM deliveries d JOIN messages m ON m.id = d.message_id
     WHERE d.agent = ? AND d.ack_requested_at IS NOT NULL AND d.acked_at IS NULL
       AND d.archived_at IS NULL AND m.archived_at IS NULL
     ORDER BY d.ack_requested_at, m.id`,
  ).all(agent);
  const acks = ackRows.map((row): OwedAck => ({
    message_id: int(row, "id"),
    sender: text(row, "sender"),
    excerpt: excerptOf(text(row, "content")),
  }));
  const more: NonNullable<Holdings["more"]> = {};
  if (tasks.length > _SHOWN) more.tasks = tasks.length - _SHOWN;
  if (leases.length > _SHOWN) more.leases = leases.length - _SHOWN;
  if (acks.length > _SHOWN) more.acks_owed = acks.length - _SHOWN;
  return {
    tasks: tasks.slice(0, _SHOWN),
    leases: leases.slice(0, _SHOWN),
    acks_owed: acks.slice(0, _SHOWN),
    unread: table.messages.unreadCount(agent),
    ...(Object.keys(more).length > 0 ? { more } : {}),
  };
}

/** Whether it holds work to tell of (unread mail has its own badge). */
export function holdsAnything(h: Holdings): boolean {
  return h.tasks.length + h.leases.length + h.acks_owed.length > 0;
}

/** One line for a model: `You are w1 and hold: task #3 "parser" (in_progress); lease ...`. */
export function holdingsText(agent: string, h: Holdings): string {
  const parts = [
    ...h.tasks.map((t) =>
      `task #${t.id} "${t.title}" (${t.as === "reviewer" ? "your review" : t.status})`
    ),
    ...h.leases.map((l) => `lease ${l.path} until ${l.until.slice(11, 16)} UTC`),
    ...(h.acks_owed.length > 0
      ? [`acknowledgements owed: ${h.acks_owed.map((a) => `#${a.message_id}`).join(", ")}`]
      : []),
  ];
  const more = Object.values(h.more ?? {}).reduce((a, b) => a + b, 0);
  return `🧳 You are ${agent} and hold: ${parts.join("; ")}${more > 0 ? ` (+${more} more)` : ""}.`;
}
