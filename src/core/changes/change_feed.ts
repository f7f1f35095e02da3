/**
 * The lines a change writes into task feeds: what the board records by itself (created,
 * claimed, moved, reassigned, unblocked, a rule fired). Comments are not derived: a comment
 * is the change itself, stored by the command.
 */
import { actorLabel, TABLE_LABEL } from "../actor.ts";
import type { Change } from "./change.ts";
import { assertNever } from "../assert_never.ts";

export interface FeedLine {
  taskId: number;
  agent: string;
  content: string;
  /** When it happened, if not now (a rule's line is dated when it began to fire). */
  at?: number;
}

/** The status_change lines `change` adds to task feeds (none for most changes). */
export function feedOf(change: Change): FeedLine[] {
  const agent = actorLabel(change.by) ?? TABLE_LABEL;
  const line = (taskId: number, content: string): FeedLine[] => [{ taskId, agent, content }];
  switch (change.type) {
    case "task.created":
      return line(
        change.task.id,
        change.task.assignee ? `created task for ${change.task.assignee}` : "created task",
      );
    case "task.claimed":
      return line(change.task.id, "claimed task");
    case "task.review_claimed":
      return line(change.task.id, "claimed review");
    case "task.updated":
      return line(change.task.id, _updateLine(change));
    case "task.reassigned":
      return line(
        change.task.id,
        change.before.assignee
          ? `reassigned task from ${change.before.assignee} to ${change.task.assignee}`
          : `assigned task to ${change.task.assignee}`,
      );
    case "task.commented":
      return change.task.status === change.before.status ? [] : line(
        change.task.id,
        `moved task from ${change.before.status} to ${change.task.status} (${change.comment.type})`,
      );
    case "task.released":
      return line(
        change.task.id,
        `returned task to pending from ${change.before.assignee}: ${change.reason}`,
      );
    case "task.unblocked":
      return line(change.task.id, `unblocked task: its last blocker #${change.blocker} is done`);
    case "message.acknowledged": {
      const { message, note } = change;
      if (message.task_id === null) return [];
      return line(
        message.task_id,
        `acknowledged message #${message.id} from ${message.sender}${note ? `: ${note}` : ""}`,
      );
    }
    case "rule.fired": {
      // An action that had nothing to do is bookkeeping: the audit log keeps it, a feed not.
      const acted = change.outcomes.filter((o) => !(o.ok && o.result.startsWith("skipped")));
      if (change.taskId === undefined || acted.length === 0) return [];
      const summary = acted
        .map((o) => `${o.action}${o.ok ? "" : " FAILED"}: ${o.result}`).join("; ");
      return [{
        taskId: change.taskId,
        agent,
        content: `fired on ${change.trigger}: ${summary}`,
        at: change.at,
      }];
    }
    // No feed line: not about a task, or the command stores its own.
    case "member.registered":
    case "member.came_back":
    case "member.role_granted":
    case "member.deregistered":
    case "member.released":
    case "credential.issued":
    case "credential.refused":
    case "message.sent":
    case "message.broadcast":
    case "messages.read":
    case "message.removed":
    case "inbox.cleared":
    case "messages.purged":
    case "task.subtasks_complete":
    case "task.available":
    case "context.shared":
    case "context.deleted":
    case "rule.created":
    case "rule.updated":
    case "rule.deleted":
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

function _updateLine(change: Extract<Change, { type: "task.updated" }>): string {
  const { before, task, result, reviewNote, verdict } = change;
  const parts: string[] = [];
  if (verdict !== undefined) {
    parts.push(
      `${verdict.verdict === "approve" ? "approved" : "requested changes"}: moved task from ` +
        `${before.status} to ${task.status}`,
    );
  } else if (task.status !== before.status) {
    parts.push(`moved task from ${before.status} to ${task.status}`);
  }
  if (task.reviewer !== before.reviewer && task.reviewer) {
    parts.push(`set reviewer to ${task.reviewer}`);
  }
  if (result !== undefined) parts.push(`result: ${result}`);
  // A verdict's note is in the message to the implementer, a feed line of its own.
  if (reviewNote !== undefined && !verdict?.told) parts.push(`review note: ${reviewNote}`);
  if (parts.length === 0) parts.push(`updated task (status ${task.status})`);
  return parts.join("; ");
}
