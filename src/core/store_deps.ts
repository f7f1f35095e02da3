/** What every store of the domain is built from; createTable wires one of each. */
import type { AuditLog } from "./audit_log.ts";
import type { Clock } from "./clock.ts";
import type { EventOutbox } from "./event_outbox.ts";
import type { MemberStore } from "./members.ts";
import type { RoleCatalog } from "./role_catalog.ts";
import type { TriggerSink } from "./rules/trigger_sink.ts";
import type { Statements } from "../db/statements.ts";
import type { Transactor } from "../db/transaction.ts";

export interface BaseDeps {
  tx: Transactor;
  sql: Statements;
  clock: Clock;
  audit: AuditLog;
  events: EventOutbox;
  roles: RoleCatalog;
  /** Where changes are announced to the rule engine. */
  triggers: TriggerSink;
}

export interface StoreDeps extends BaseDeps {
  members: MemberStore;
}
