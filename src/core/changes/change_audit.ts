/** The audit row of each change: who, the action name, the target and the details kept. */
import { actorLabel } from "../actor.ts";
import type { AuditRecord } from "../audit_log.ts";
import { toIso } from "../clock.ts";
import type { Message } from "../messages/message.ts";
import type { Change } from "./change.ts";

/**
 * The audit entry for `change`: one for every action. What follows from an action by itself
 * (a task unblocked, all subtasks done) has none: the action that caused it is the entry.
 */
export function auditOf(change: Change): AuditRecord | null {
  const agent = actorLabel(change.by);
  switch (change.type) {
    case "member.registered":
      return {
        agent,
        action: change.returning ? "member.returned" : "member.registered",
        target: change.member.name,
        details: { role: change.member.role, capabilities: change.member.capabilities },
      };
    case "member.came_back":
      return { agent, action: "member.returned", target: change.member.name };
    case "member.role_granted":
      return {
        agent,
        action: "member.role_granted",
        target: change.member.name,
        details: { from: change.from, to: change.member.role, by: agent ?? "operator" },
      };
    case "member.deregistered":
      return { agent, action: "member.deregistered", target: change.member.name };
    case "member.released":
      return {
        agent,
        action: _RELEASE_ACTIONS[change.reason],
        target: change.member.name,
        details: { where: change.where, reason: change.reason },
      };
    case "credential.issued":
      return {
        agent,
        action: change.rotated ? "credential.rotated" : "credential.issued",
        target: change.name,
      };
    case "credential.refused":
      return {
        agent,
        action: "credential.refused",
        target: change.name,
        details: { reason: change.reason, where: change.where },
      };
    case "message.sent": {
      const { message } = change;
      return {
        agent,
        action: "message.sent",
        target: message.id,
        details: {
          recipient: message.recipient,
          task_id: message.task_id,
          length: message.content.length,
          ..._threadDetails(message),
        },
      };
    }
    case "message.broadcast":
      return {
        agent,
        action: "message.broadcast",
        target: change.message.id,
        details: {
          recipients: change.recipients,
          length: change.message.content.length,
          ..._threadDetails(change.message),
        },
      };
    case "message.acknowledged":
      return {
        agent,
        action: "message.acknowledged",
        target: change.message.id,
        details: {
          sender: change.message.sender,
          task_id: change.message.task_id,
          note: change.note === null ? null : change.note.slice(0, 200),
        },
      };
    case "messages.read":
      return {
        agent,
        action: "messages.read",
        target: change.agent,
        details: { message_ids: change.messageIds },
      };
    case "message.removed":
      return {
        agent,
        action: change.archived ? "message.archived" : "message.deleted",
        target: change.messageId,
        details: { scope: change.scope },
      };
    case "inbox.cleared":
      return {
        agent,
        action: "inbox.cleared",
        target: change.agent,
        details: {
          count: change.count,
          before_date: change.before === null ? null : toIso(change.before),
          sender: change.sender,
        },
      };
    case "messages.purged":
      return {
        agent,
        action: "messages.purged",
        target: null,
        details: { before_date: toIso(change.before), count: change.count },
      };
    case "task.created": {
      const { task } = change;
      return {
        agent,
        action: "task.created",
        target: task.id,
        details: {
          title: task.title,
          type: task.type,
          assignee: task.assignee,
          reviewer: task.reviewer,
          priority: task.priority,
        },
      };
    }
    case "task.claimed":
      return { agent, action: "task.claimed", target: change.task.id };
    case "task.review_claimed":
      return { agent, action: "task.review_claimed", target: change.task.id };
    case "task.updated":
      return {
        agent,
        action: "task.updated",
        target: change.task.id,
        details: {
          from: change.before.status,
          to: change.task.status,
          reviewer: change.task.reviewer,
          result: change.result === undefined ? undefined : change.result.slice(0, 200),
          review_note: change.reviewNote === undefined
            ? undefined
            : change.reviewNote.slice(0, 200),
          verdict: change.verdict?.verdict,
        },
      };
    case "task.reassigned":
      return {
        agent,
        action: "task.reassigned",
        target: change.task.id,
        details: { from: change.before.assignee, to: change.task.assignee },
      };
    case "task.commented":
      return {
        agent,
        action: "task.commented",
        target: change.task.id,
        details: {
          type: change.comment.type,
          comment_id: change.comment.id,
          from: change.before.status,
          to: change.task.status,
        },
      };
    case "task.released":
      return {
        agent,
        action: "task.released",
        target: change.task.id,
        details: {
          from: change.before.status,
          assignee: change.before.assignee,
          reason: change.reason,
        },
      };
    case "task.unblocked":
    case "task.available":
    case "task.subtasks_complete":
      return null;
    case "context.shared":
      return {
        agent,
        action: "context.shared",
        target: `${change.ns}/${change.key}`,
        details: { version: change.version, length: change.length, ttl: change.ttl },
      };
    case "context.deleted":
      return {
        agent,
        action: "context.deleted",
        target: `${change.ns}/${change.key}`,
        details: { version: change.version, author: change.author },
      };
    case "rule.created":
    case "rule.updated":
    case "rule.deleted":
      return { agent, action: change.type, target: change.name, details: change.details };
    case "rule.fired":
      return {
        agent,
        action: "rule.fired",
        target: _subject(change),
        details: {
          rule: change.rule,
          trigger: change.trigger,
          depth: change.depth,
          actions: change.outcomes,
        },
      };
    case "rule.chain_limit":
      return {
        agent,
        action: "rule.chain_limit",
        target: _subject(change),
        details: {
          trigger: change.trigger,
          depth: change.depth,
          limit: change.limit,
          rules_not_run: change.rulesNotRun,
        },
      };
    case "auth.refused":
      return { agent, action: "auth.refused", target: change.path, details: change.details };
    case "web.signed_in":
      return {
        agent,
        action: "web.signed_in",
        target: "/login",
        details: { address: change.address, via: change.via },
      };
    case "web.signed_out":
      return {
        agent,
        action: "web.signed_out",
        target: "/logout",
        details: { address: change.address },
      };
    case "web.sign_in_failed":
      return {
        agent,
        action: "web.sign_in_failed",
        target: "/login",
        details: {
          address: change.address,
          failures_since_last_entry: change.failures,
          ...(change.limitedUntil === undefined
            ? {}
            : { limited_until: toIso(change.limitedUntil) }),
        },
      };
    case "lease.granted":
    case "lease.renewed":
      return {
        agent,
        action: change.type,
        target: change.agent,
        details: {
          leases: change.leases.map((l) => ({ id: l.id, path: l.path, until: l.until })),
          exclusive: change.leases[0]?.exclusive,
          task_id: change.leases[0]?.task_id,
        },
      };
    case "lease.refused":
      return {
        agent,
        action: "lease.refused",
        target: change.agent,
        details: {
          paths: change.paths,
          exclusive: change.exclusive,
          conflicts: change.conflicts.map((c) => ({
            path: c.path,
            lease_id: c.lease.id,
            holder: c.lease.agent,
          })),
          waiting: change.waiting,
        },
      };
    case "lease.released":
      return {
        agent,
        action: _LEASE_END_ACTIONS[change.cause],
        target: change.agent,
        details: {
          leases: change.leases.map((l) => ({ id: l.id, path: l.path })),
          reason: change.reason,
        },
      };
    case "lease.freed":
      return null;
  }
}

/** The audit action for each way a lease ends. */
const _LEASE_END_ACTIONS = {
  released: "lease.released",
  forced: "lease.force_released",
  expired: "lease.expired",
  task: "lease.ended",
  left: "lease.ended",
  away: "lease.ended",
} as const;

/** What an audit row says of a message's thread: only what differs from a plain message. */
function _threadDetails(message: Message): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (message.reply_to !== null) {
    details["reply_to"] = message.reply_to;
    details["thread_id"] = message.thread_id;
  }
  if (message.ack_required) details["ack_required"] = true;
  return details;
}

const _RELEASE_ACTIONS = {
  ended: "member.released",
  deregistered: "member.released",
  unseen: "member.reclaimed",
  exited: "member.reclaimed",
  replaced: "member.replaced",
  reset: "member.reset",
  removed: "member.removed",
} as const;

function _subject(change: { taskId: number | undefined; agent: string | undefined }) {
  if (change.taskId !== undefined) return `task:${change.taskId}`;
  if (change.agent !== undefined) return `agent:${change.agent}`;
  return null;
}
