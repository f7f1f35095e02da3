/**
 * The one way a change is published: inside the command's transaction, its audit row, task
 * feed lines, outbox events and rule triggers are written, each derived from the typed change.
 */
import type { AuditLog } from "../audit_log.ts";
import type { EventOutbox } from "../event_outbox.ts";
import type { TriggerSink } from "../rules/trigger_sink.ts";
import type { TaskActivityLog } from "../tasks/task_activity.ts";
import type { Change } from "./change.ts";
import { auditOf } from "./change_audit.ts";
import { feedOf } from "./change_feed.ts";
import { outboxOf } from "./change_outbox.ts";
import { triggersOf } from "./change_triggers.ts";

export class Publisher {
  readonly #audit: AuditLog;
  readonly #events: EventOutbox;
  readonly #activity: TaskActivityLog;
  readonly #triggers: TriggerSink;

  constructor(
    deps: {
      audit: AuditLog;
      events: EventOutbox;
      activity: TaskActivityLog;
      triggers: TriggerSink;
    },
  ) {
    this.#audit = deps.audit;
    this.#events = deps.events;
    this.#activity = deps.activity;
    this.#triggers = deps.triggers;
  }

  /** Records `change` everywhere it shows. Call inside the transaction that made it. */
  publish(change: Change): void {
    const audit = auditOf(change);
    if (audit) this.#audit.record(audit);
    for (const line of feedOf(change)) {
      this.#activity.record(line.taskId, {
        agent: line.agent,
        type: "status_change",
        content: line.content,
        at: line.at,
      });
    }
    for (const event of outboxOf(change)) this.#events.append(event);
    for (const raised of triggersOf(change)) {
      this.#triggers.emit(raised.trigger, raised.fields, raised.subject);
    }
  }
}
