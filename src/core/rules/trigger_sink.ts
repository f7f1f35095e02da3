/**
 * How the stores announce what happened to the rule engine: one `emit` per change, inside the
 * transaction that made it, so that a rule fires exactly once per event whichever process
 * made the change.
 */
import type { Trigger } from "./rule_definition.ts";

export interface TriggerSubject {
  taskId?: number | undefined;
  agent?: string | undefined;
}

export interface TriggerSink {
  emit(trigger: Trigger, fields: Record<string, unknown>, subject: TriggerSubject): void;
}
