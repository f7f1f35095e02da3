/** The table: every store over one database connection and one clock. */
import type { DatabaseSync } from "node:sqlite";
import { AuditLog } from "./audit_log.ts";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { MemberStore } from "./members.ts";
import { MessageStore } from "./messages.ts";
import { SharedContextStore } from "./shared_context.ts";
import { TaskStore } from "./tasks.ts";
import { Statements } from "../db/statements.ts";

export interface Table {
  readonly db: DatabaseSync;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly members: MemberStore;
  readonly messages: MessageStore;
  readonly tasks: TaskStore;
  readonly context: SharedContextStore;
}

/** Builds the domain over an open database. The caller owns (and closes) the database. */
export function createTable(deps: { db: DatabaseSync; clock?: Clock }): Table {
  const db = deps.db;
  const clock = deps.clock ?? systemClock;
  const sql = new Statements(db);
  const audit = new AuditLog(sql, clock);
  const members = new MemberStore({ db, sql, clock, audit });
  const shared = { db, sql, clock, audit, members };
  return {
    db,
    clock,
    audit,
    members,
    messages: new MessageStore(shared),
    tasks: new TaskStore(shared),
    context: new SharedContextStore(shared),
  };
}
