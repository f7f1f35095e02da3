/**
 * What an agent holds, for coming back (register, a session bound at start, a reconnect): its
 * open tasks and the reviews it took, its live leases with their expiry, the acknowledgements
 * it owes, and its unread count. Compact: ids, titles, paths and times, capped, never whole
 * objects. Reads only.
 */
import { excerptOf } from "./messages/message.ts";
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
  const tasks: HeldTask[] = table.tasks.heldBy(agent);
  const leases = table.leases.list({ agent }).map((lease): HeldLease => ({
    id: lease.id,
    path: lease.path,
    exclusive: lease.exclusive,
    task_id: lease.task_id,
    until: lease.until,
  }));
  const acks = table.messages.acksOwed(agent).map((owed): OwedAck => ({
    message_id: owed.message_id,
    sender: owed.sender,
    excerpt: excerptOf(owed.content),
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
