/**
 * `team-table status [--since 2h]`: the table at a glance in a terminal — who is there and how
 * recently they were seen, the board by status, what is blocked and by what, unread mail per
 * agent, and what happened since a time — read from the database directly, so it works with
 * or without `serve`.
 */
import type { Config } from "./config.ts";
import { ConfigError } from "./config.ts";
import { openTable, type TableDeps } from "./open_table.ts";
import { parseDuration } from "./core/rules/condition.ts";
import type { Table } from "./core/table.ts";
import { TASK_STATUSES } from "./core/tasks.ts";
import { parseIsoDate } from "./mcp/fields.ts";

const _ONLINE_MS = 2 * 60_000;
const _IDLE_MS = 30 * 60_000;

/** Milliseconds since the epoch for `--since` (a duration back from now, or an ISO date). */
export function parseSince(text: string | undefined, now: number): number {
  if (text === undefined) return now - 24 * 3_600_000;
  const duration = parseDuration(text);
  if (duration !== undefined) return now - duration;
  const date = parseIsoDate(text);
  if (date !== undefined) return date;
  throw new ConfigError(
    `--since '${text}' is neither a duration (30m, 2h, 1d) nor an ISO 8601 date`,
  );
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

  const members = table.members.list({ includeInactive: true });
  const working = table.tasks.list({ status: "in_progress" });
  lines.push("", `Members (${members.filter((m) => m.status === "active").length} at the table):`);
  if (members.length === 0) lines.push("  nobody has registered yet");
  for (const member of members) {
    const seen = now - Date.parse(member.last_seen);
    const state = member.status === "inactive"
      ? "gone"
      : seen <= _ONLINE_MS
      ? "online"
      : seen <= _IDLE_MS
      ? "idle"
      : "away";
    const task = working.find((t) => t.assignee?.toLowerCase() === member.name.toLowerCase());
    const unread = table.messages.unreadSummary(member.name).count;
    lines.push(
      `  ${_pad(member.name, 20)} ${_pad(member.role, 13)} ${
        _pad(`${state} (${_ago(seen)})`, 18)
      } ${_pad(task ? `#${task.id} ${task.title}` : "—", 32)} ${unread} unread`,
    );
  }

  const counts = table.db.prepare("SELECT status, count(*) AS n FROM tasks GROUP BY status").all();
  const count = (status: string) => Number(counts.find((r) => r["status"] === status)?.["n"] ?? 0);
  lines.push("", `Board: ${TASK_STATUSES.map((s) => `${s} ${count(s)}`).join(" · ")}`);

  const blocked = table.tasks.list({ status: "blocked" });
  const waiting = table.tasks.list({ status: "pending" }).filter((t) => t.blocked_by.length > 0);
  if (blocked.length + waiting.length > 0) {
    lines.push("Blocked:");
    for (const task of [...blocked, ...waiting]) {
      const open = table.tasks.detail(task.id).blockers.filter((b) => b.status !== "done");
      const why = open.length
        ? `waits for ${open.map((b) => `#${b.id} "${b.title}" (${b.status})`).join(", ")}`
        : "marked blocked";
      lines.push(`  #${task.id} "${task.title}" (${task.assignee ?? "unassigned"}) — ${why}`);
    }
  }

  const since = options.since;
  const audit = table.db.prepare(
    `SELECT action, details FROM audit_log WHERE at >= ? ORDER BY id`,
  ).all(since);
  let finished = 0, nowBlocked = 0, created = 0, messages = 0, rules = 0, joined = 0, left = 0;
  for (const row of audit) {
    const action = String(row["action"]);
    const details: unknown = JSON.parse(String(row["details"]));
    const to = typeof details === "object" && details !== null ? Reflect.get(details, "to") : null;
    if (action === "task.updated" && to === "done") finished++;
    if ((action === "task.updated" || action === "task.commented") && to === "blocked") {
      nowBlocked++;
    }
    if (action === "task.created") created++;
    if (action === "message.sent" || action === "message.broadcast") messages++;
    if (action === "rule.fired") rules++;
    if (action === "member.registered" || action === "member.returned") joined++;
    if (action === "member.deregistered") left++;
  }
  lines.push(
    "",
    `Since ${new Date(since).toISOString()}: ${finished} tasks finished, ${nowBlocked} blocked, ` +
      `${created} created; ${messages} messages; ${rules} rule firings; ${joined} agents came, ` +
      `${left} left.`,
  );
  return lines.join("\n");
}

/** Runs `team-table status` against the configured database. */
export function runStatusCommand(
  config: Config,
  deps: TableDeps & { since: string | undefined },
): number {
  const { db, table } = openTable(config, deps);
  try {
    const since = parseSince(deps.since, table.clock.now());
    console.log(renderStatus(table, { since, dbPath: config.dbPath }));
    return 0;
  } finally {
    db.close();
  }
}
