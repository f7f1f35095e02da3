/**
 * The append-only audit log: one row per state change, written in the same transaction as the
 * change. Triggers in the schema refuse UPDATE and DELETE, so history cannot be rewritten.
 */
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import { LIMITS } from "./limits.ts";
import { cursorKey, type Page, pageOf, type PageRequest, pageSize } from "./pages.ts";
import { int, text, textOrNull } from "./rows.ts";
import type { Statements } from "../db/statements.ts";
import type { MessageReader } from "./permissions/permissions.ts";
import { readerParams, visibleMessageSql } from "./messages/message_visibility.ts";

export interface AuditEntry {
  id: number;
  at: string;
  agent: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

export interface AuditRecord {
  agent: string | null;
  action: string;
  target?: string | number | null;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  agent?: string | undefined;
  action?: string | undefined;
  /** Milliseconds since the epoch; entries at or after it. */
  since?: number | undefined;
  limit?: number | undefined;
  /**
   * Who reads (default: the operator's view, everything). Rows about messages (`message.*`,
   * `messages.read`, `inbox.cleared`) follow the one message visibility rule: an agent sees
   * those it wrote and those about a message it sent or received; a session with no agent none.
   */
  reader?: MessageReader | undefined;
}

/** Counts of what happened in a span of the log (AuditLog.tallySince). */
export interface AuditTally {
  tasks_finished: number;
  tasks_blocked: number;
  tasks_created: number;
  messages: number;
  rules_fired: number;
  agents_came: number;
  agents_left: number;
}

/** Rows about messages, shown by the message visibility rule (AuditQuery.reader). */
const _MESSAGE_ROWS = `(action LIKE 'message.%' OR action IN ('messages.read', 'inbox.cleared'))`;

export class AuditLog {
  readonly #sql: Statements;
  readonly #clock: Clock;

  constructor(sql: Statements, clock: Clock) {
    this.#sql = sql;
    this.#clock = clock;
  }

  /** Appends one entry. Call inside the transaction that makes the change. */
  record(entry: AuditRecord): void {
    this.#sql.get(
      "INSERT INTO audit_log (at, agent, action, target, details) VALUES (?, ?, ?, ?, ?)",
    ).run(
      this.#clock.now(),
      entry.agent,
      entry.action,
      entry.target === undefined || entry.target === null ? null : String(entry.target),
      JSON.stringify(entry.details ?? {}),
    );
  }

  /**
   * Newest first, filtered by agent (exact, case-insensitive) and action: exact
   * (`task.claimed`) or a family (`task.*`, or `task`, a word without a dot).
   */
  query(query: AuditQuery = {}): AuditEntry[] {
    const limit = Math.min(query.limit ?? LIMITS.auditLimitDefault, LIMITS.auditLimitMax);
    return this.#select(query, null, limit);
  }

  /**
   * A page of query(filter), newest first: `limit` (LIMITS.pages.audit), older than the last
   * entry of the page `cursor` came from.
   */
  page(filter: Omit<AuditQuery, "limit">, page: PageRequest = {}): Page<AuditEntry> {
    const size = pageSize(page.limit, LIMITS.pages.audit);
    const before = page.cursor === undefined
      ? null
      : Number(cursorKey(page.cursor, ["number"], "get_audit_log")[0]);
    return pageOf(this.#select(filter, before, size + 1), size, (entry) => [entry.id]);
  }

  /**
   * What happened since `since` (ms), counted in SQL: tasks finished and blocked (each task
   * once, however often it was done or blocked again), tasks created, messages, rule firings,
   * and how many distinct agents came (registered or returned) and left.
   */
  tallySince(since: number): AuditTally {
    const row = this.#sql.get(
      `SELECT
         count(DISTINCT CASE WHEN action = 'task.updated' AND details ->> '$.to' = 'done'
           THEN target END) AS finished,
         count(DISTINCT CASE WHEN action IN ('task.updated', 'task.commented')
           AND details ->> '$.to' = 'blocked' THEN target END) AS blocked,
         coalesce(sum(action = 'task.created'), 0) AS created,
         coalesce(sum(action IN ('message.sent', 'message.broadcast')), 0) AS messages,
         coalesce(sum(action = 'rule.fired'), 0) AS rules,
         count(DISTINCT CASE WHEN action IN ('member.registered', 'member.returned')
           THEN lower(agent) END) AS came,
         count(DISTINCT CASE WHEN action = 'member.deregistered' THEN lower(agent) END) AS gone
       FROM audit_log WHERE at >= ?`,
    ).get(since) ?? {};
    return {
      tasks_finished: int(row, "finished"),
      tasks_blocked: int(row, "blocked"),
      tasks_created: int(row, "created"),
      messages: int(row, "messages"),
      rules_fired: int(row, "rules"),
      agents_came: int(row, "came"),
      agents_left: int(row, "gone"),
    };
  }

  #select(query: AuditQuery, before: number | null, limit: number): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, string | number | null> = { limit };
    if (query.agent !== undefined) {
      where.push("agent = :agent COLLATE NOCASE");
      params["agent"] = query.agent;
    }
    if (query.action !== undefined) {
      // A family: `task.*`, or a word without a dot (`task` means task.*).
      const family = query.action.endsWith(".*")
        ? query.action.slice(0, -1)
        : query.action.includes(".")
        ? undefined
        : `${query.action}.`;
      if (family !== undefined) {
        where.push("action LIKE :action ESCAPE '\\'");
        params["action"] = family.replace(/[\\%_]/g, "\\$&") + "%";
      } else {
        where.push("action = :action");
        params["action"] = query.action;
      }
    }
    if (query.since !== undefined) {
      where.push("at >= :since");
      params["since"] = query.since;
    }
    if (before !== null) {
      where.push("id < :before");
      params["before"] = before;
    }
    if (query.reader !== undefined && query.reader.kind !== "every") {
      where.push(
        `(NOT ${_MESSAGE_ROWS} OR audit_log.agent = :reader COLLATE NOCASE
          OR (action LIKE 'message.%' AND EXISTS (SELECT 1 FROM messages m
                WHERE m.id = CAST(audit_log.target AS INTEGER) AND ${visibleMessageSql("m")})))`,
      );
      Object.assign(params, readerParams(query.reader));
    }
    const sql = `SELECT id, at, agent, action, target, details FROM audit_log
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT :limit`;
    return this.#sql.get(sql).all(params).map((row) => ({
      id: int(row, "id"),
      at: toIso(int(row, "at")),
      agent: textOrNull(row, "agent"),
      action: text(row, "action"),
      target: textOrNull(row, "target"),
      details: _parseDetails(text(row, "details")),
    }));
  }
}

function _parseDetails(json: string): Record<string, unknown> {
  const value: unknown = JSON.parse(json);
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value))
    : {};
}
