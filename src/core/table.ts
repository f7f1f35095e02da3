/** The table: every store over one database connection and one clock. */
import type { DatabaseSync } from "node:sqlite";
import { AuditLog } from "./audit_log.ts";
import { EventOutbox } from "./event_outbox.ts";
import type { Clock } from "./clock.ts";
import type { RoleCatalog } from "./role_catalog.ts";
import type { CompiledRule } from "./rules/rule_definition.ts";
import { RuleBook } from "./rules/rule_book.ts";
import { RuleEngine } from "./rules/rule_engine.ts";
import { systemClock } from "./clock.ts";
import { MemberStore } from "./members.ts";
import { MessageStore } from "./messages.ts";
import { PollCursors } from "./poll_cursors.ts";
import { SharedContextStore } from "./shared_context.ts";
import { TaskActivityLog } from "./task_activity.ts";
import { TaskStore } from "./tasks.ts";
import { Statements } from "../db/statements.ts";
import { Transactor } from "../db/transaction.ts";

export interface Table {
  readonly db: DatabaseSync;
  readonly clock: Clock;
  /** Every write goes through it; `tx.onCommit` tells listeners that something changed. */
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly events: EventOutbox;
  readonly members: MemberStore;
  readonly messages: MessageStore;
  readonly tasks: TaskStore;
  readonly context: SharedContextStore;
  readonly pollCursors: PollCursors;
  readonly roles: RoleCatalog;
  readonly rules: RuleBook;
  readonly ruleEngine: RuleEngine;
}

/** Builds the domain over an open database. The caller owns (and closes) the database. */
export function createTable(deps: {
  db: DatabaseSync;
  roles: RoleCatalog;
  /** Rules from files (shipped defaults and the user's); runtime rules live in the database. */
  rules?: readonly CompiledRule[];
  clock?: Clock;
  /** How deep rules may trigger rules (default 8). */
  ruleChainLimit?: number;
  /** Messages per sender per 60 s (default 30; 0: no limit). */
  messageRateLimit?: number;
}): Table {
  const db = deps.db;
  const clock = deps.clock ?? systemClock;
  const sql = new Statements(db);
  const tx = new Transactor(db);
  const audit = new AuditLog(sql, clock);
  const events = new EventOutbox(sql, clock);
  const roles = deps.roles;
  const rules = new RuleBook({ tx, sql, clock, audit }, deps.rules ?? []);
  const ruleEngine = new RuleEngine({ tx, sql, clock, audit, book: rules }, deps.ruleChainLimit);
  const triggers = ruleEngine;
  const members = new MemberStore({ tx, sql, clock, audit, events, roles, triggers });
  rules.attach(members);
  const shared = { tx, sql, clock, audit, events, roles, triggers, members };
  const tasks = new TaskStore({ ...shared, activity: new TaskActivityLog(sql, clock) });
  const table: Table = {
    db,
    clock,
    tx,
    audit,
    events,
    members,
    messages: new MessageStore({ ...shared, tasks, rateLimit: deps.messageRateLimit }),
    tasks,
    context: new SharedContextStore(shared),
    pollCursors: new PollCursors({ tx, sql }),
    roles,
    rules,
    ruleEngine,
  };
  ruleEngine.attach(table);
  return table;
}
