/**
 * The rule triggers a change raises, with the fields rule conditions read. The rule engine
 * runs them inside the transaction that made the change, so a rule fires exactly once per
 * event whichever process made it.
 */
import { actorLabel, TABLE_LABEL } from "../actor.ts";
import type { Trigger } from "../rules/rule_definition.ts";
import type { TriggerSubject } from "../rules/trigger_sink.ts";
import { type Task, taskFields } from "../tasks/task_model.ts";
import type { Change } from "./change.ts";
import { assertNever } from "../assert_never.ts";

export interface RaisedTrigger {
  trigger: Trigger;
  fields: Record<string, unknown>;
  subject: TriggerSubject;
}

/** The triggers `change` raises, in the order rules should see them. */
export function triggersOf(change: Change): RaisedTrigger[] {
  const by = actorLabel(change.by) ?? TABLE_LABEL;
  switch (change.type) {
    case "member.registered":
      return [{
        trigger: "agent.registered",
        fields: {
          "agent.name": change.member.name,
          "agent.role": change.member.role,
          "event.returning": change.returning,
        },
        subject: { agent: change.member.name },
      }];
    case "message.sent":
    case "message.broadcast": {
      const { message } = change;
      return [{
        trigger: "message.sent",
        fields: {
          "message.id": message.id,
          "message.sender": message.sender,
          "message.recipient": message.recipient ?? "*",
          "message.broadcast": message.broadcast,
          "message.task_id": message.task_id,
          "message.content": message.content,
          "message.subject": message.subject,
          "message.thread_id": message.thread_id,
          "message.reply_to": message.reply_to,
          "message.ack_required": message.ack_required,
        },
        subject: { taskId: message.task_id ?? undefined },
      }];
    }
    case "context.shared":
    case "context.deleted":
      return [{
        trigger: "context.changed",
        fields: {
          "context.ns": change.ns,
          "context.key": change.key,
          "context.version": change.version,
          "context.set_by": by,
          "context.deleted": change.type === "context.deleted",
        },
        subject: {},
      }];
    case "task.created":
      return [_task("task.created", change.task, by)];
    case "task.claimed":
    case "task.updated":
    case "task.released":
      return _statusChanged(change.before, change.task, by);
    case "task.commented":
      return [
        {
          trigger: "task.comment",
          fields: {
            ...taskFields(change.task, by),
            "comment.type": change.comment.type,
            "comment.agent": by,
            "comment.content": change.comment.content,
          },
          subject: { taskId: change.task.id },
        },
        ..._statusChanged(change.before, change.task, by),
      ];
    case "task.unblocked":
      return [_task("task.unblocked", change.task, by)];
    case "task.subtasks_complete": {
      const raised = _task("task.all_subtasks_complete", change.task, by);
      raised.fields["event.subtasks"] = change.subtasks;
      return [raised];
    }
    // No rule trigger for these.
    case "member.came_back":
    case "member.role_granted":
    case "member.deregistered":
    case "member.released":
    case "credential.issued":
    case "credential.refused":
    case "messages.read":
    case "message.acknowledged":
    case "message.removed":
    case "inbox.cleared":
    case "messages.purged":
    case "task.review_claimed":
    case "task.reassigned":
    case "task.available":
    case "rule.created":
    case "rule.updated":
    case "rule.deleted":
    case "rule.fired":
    case "rule.chain_limit":
    case "lease.granted":
    case "lease.refused":
    case "lease.renewed":
    case "lease.released":
    case "lease.freed":
    case "auth.refused":
    case "web.signed_in":
    case "web.signed_out":
    case "web.sign_in_failed":
      return [];
    default:
      return assertNever(change, "change");
  }
}

function _task(trigger: Trigger, task: Task, by: string): RaisedTrigger {
  return { trigger, fields: taskFields(task, by), subject: { taskId: task.id } };
}

function _statusChanged(before: Task, task: Task, by: string): RaisedTrigger[] {
  if (task.status === before.status) return [];
  const raised = _task("task.status_changed", task, by);
  raised.fields["event.from"] = before.status;
  raised.fields["event.to"] = task.status;
  return [raised];
}
