/**
 * The doctor's checks of what the table holds, asked of the core's stores: names still held by
 * stdio processes on this machine that no longer exist, and leases and open tasks still held by
 * agents away longer than the grace (TEAM_TABLE_AWAY_RELEASE). Both are let go by any running
 * team-table on its next tick; these say so when none is running.
 */
import { toIso } from "../../core/clock.ts";
import type { Table } from "../../core/table.ts";
import { type CheckResult, failed, passed } from "./doctor_check.ts";

/** Names held by processes that are gone. */
export function checkExitedHolders(table: Table): CheckResult {
  const held = table.members.heldByExitedProcesses();
  const details = {
    names: held.map((h) => ({ name: h.name, pid: h.pid, seen_at: toIso(h.seenAt) })),
  };
  if (held.length === 0) return passed("no name held by a process that exited", details);
  return failed(
    `${held.length} name${held.length === 1 ? "" : "s"} held by exited processes`,
    held.map((h) => ({
      problem: `${h.name} is held by process ${h.pid} on this machine, which no longer exists ` +
        `(last seen ${toIso(h.seenAt)})`,
      fix: `team-table members reset ${h.name}`,
    })),
    details,
  );
}

/** Leases and open tasks of agents away longer than the grace. */
export function checkGoneAgents(table: Table): CheckResult {
  const graceMin = Math.round(table.members.awayReleaseMs / 60_000);
  const leases = table.leases.lapsed().filter((l) => l.cause === "away" || l.cause === "left");
  const tasks = table.departures.abandoned();
  const details = {
    grace_s: Math.round(table.members.awayReleaseMs / 1000),
    leases: leases.map(({ lease, reason }) => ({
      id: lease.id,
      agent: lease.agent,
      path: lease.path,
      reason,
    })),
    tasks: tasks.map((t) => ({ id: t.taskId, agent: t.agent, seen_at: toIso(t.seenAt) })),
  };
  if (leases.length === 0 && tasks.length === 0) {
    return passed(`nothing held by agents away over ${graceMin} min`, details);
  }
  const fix = "team-table doctor --fix (what a running team-table does on its next tick)";
  return failed(
    `${leases.length} lease(s), ${tasks.length} task(s) held by agents long gone`,
    [
      ...leases.map(({ lease, reason }) => ({
        problem: `lease ${lease.id} on ${lease.path} is still held: ${reason}`,
        fix,
      })),
      ...tasks.map((t) => ({
        problem: `task #${t.taskId} is still ${t.agent}'s, away since ${toIso(t.seenAt)} ` +
          `(over the ${graceMin} min grace)`,
        fix,
      })),
    ],
    details,
  );
}
