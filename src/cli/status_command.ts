/**
 * `team-table status [--since 2h]`: the table at a glance in a terminal — who is there and how
 * recently they were seen, the board by status, parents with their subtasks done, what is
 * blocked and by what, unread mail per agent, and what happened since a time — read from the
 * database directly, so it works with or without `serve`.
 */
import { ConfigError, readEnv, resolveConfig } from "../config.ts";
import { invalidTimeMessage, parseTime } from "../core/input_rules/times.ts";
import { describeLease } from "../core/leases/lease.ts";
import type { Table } from "../core/table.ts";
import { awaySummary, blockedTasks, boardCounts, membersAtAGlance } from "../core/table_summary.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";
import { defineCommand } from "./command_spec.ts";

/** Milliseconds since the epoch for `--since` (a duration back from now, or an ISO date). */
export function parseSince(text: string | undefined, now: number): number {
  if (text === undefined) return now - 24 * 3_600_000;
  const ms = parseTime(text, now);
  if (ms === undefined) throw new ConfigError(invalidTimeMessage("--since", text));
  return ms;
}

function _ago(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h ago`;
  return `${Math.round(ms / 86_400_000)}d ago`;
}

function _pad(text: string, width: number): string {
  return text.length >= width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** The status text. */
export function renderStatus(table: Table, options: { since: number; dbPath: string }): string {
  const now = table.clock.now();
  const lines: string[] = [];
  lines.push(`team-table status — ${options.dbPath} — ${new Date(now).toISOString()}`);
  const members = membersAtAGlance(table);
  const byPresence = (["online", "idle", "away", "gone"] as const)
    .map((p) => [p, members.filter((m) => m.presence === p).length] as const)
    .filter(([, n]) => n > 0).map(([p, n]) => `${n} ${p}`);
  lines.push(
    "",
    `Members (${members.length}${byPresence.length ? `: ${byPresence.join(", ")}` : ""}):`,
  );
  if (members.length === 0) lines.push("  nobody has registered yet");
  for (const m of members) {
    lines.push(
      `  ${_pad(m.name, 20)} ${_pad(m.role, 13)} ${
        _pad(`${m.presence} (${_ago(m.seen_ms_ago)})`, 18)
      } ${
        _pad(m.current_task ? `#${m.current_task.id} ${m.current_task.title}` : "—", 32)
      } ${m.unread} unread${
        m.needs_credential ? " — needs a credential: team-table members token " + m.name : ""
      }`,
    );
  }
  const counts = boardCounts(table);
  lines.push("", `Board: ${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(" · ")}`);
  const parents = table.tasks.list({}).filter((t) => t.subtasks && t.status !== "done");
  if (parents.length > 0) {
    lines.push("Parents (done when their subtasks are):");
    for (const t of parents) {
      lines.push(
        `  #${t.id} "${t.title}" — ${t.subtasks?.done} of ${t.subtasks?.total} subtasks done`,
      );
    }
  }
  const blocked = blockedTasks(table);
  if (blocked.length > 0) {
    lines.push("Blocked:");
    for (const { task, waits_for } of blocked) {
      const why = waits_for.length
        ? `waits for ${waits_for.map((b) => `#${b.id} "${b.title}" (${b.status})`).join(", ")}`
        : "marked blocked";
      lines.push(`  #${task.id} "${task.title}" (${task.assignee ?? "unassigned"}) — ${why}`);
    }
  }
  const leases = table.leases.list();
  const waiters = table.leases.waiters();
  if (leases.length > 0 || waiters.length > 0) {
    lines.push("", `Leases (${leases.length}):`);
    for (const lease of leases) lines.push(`  ${describeLease(lease)}`);
    for (const w of waiters) lines.push(`  ${w.agent} waits for ${w.paths.join(", ")}`);
  }
  const s = awaySummary(table, options.since);
  lines.push(
    "",
    `Since ${s.since}: ${_count(s.tasks_finished, "task")} finished, ${s.tasks_blocked} ` +
      `blocked, ${s.tasks_created} created; ${_count(s.messages, "message")}; ` +
      `${_count(s.rules_fired, "rule firing")}; ${_count(s.agents_came, "agent")} came, ` +
      `${s.agents_left} left.`,
  );
  return lines.join("\n");
}

/** "1 message", "3 messages". */
function _count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Runs `team-table status` against the configured database. */
export const statusCommand = defineCommand({
  name: "status",
  summary: "the table at a glance: members, board, blocked tasks, leases, unread mail, and " +
    "what happened since a time",
  flags: {
    since: {
      type: "string",
      value: "WHEN",
      help: "what happened since: a duration back from now (30m, 2h, 1d) or a date (default 24h)",
    },
  },
  words: [],
  run: async ({ flags }) => {
    const config = resolveConfig(flags, readEnv());
    const { db, table } = openTable(config, await loadTableDeps(config), { mustExist: true });
    try {
      const since = parseSince(flags.since, table.clock.now());
      console.log(renderStatus(table, { since, dbPath: config.dbPath }));
      return 0;
    } finally {
      db.close();
    }
  },
});
