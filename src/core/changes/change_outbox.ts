/**
 * The outbox events a change sends: whom it concerns and what they are shown. Push (SSE),
 * the poll daemon, channel notifications and replays all read these.
 */
import { actorLabel, TABLE_LABEL } from "../actor.ts";
import { FOR_OBSERVERS, type NewEvent, type TableEventBody } from "../event_outbox.ts";
import { assertNever } from "../assert_never.ts";
import {
  escalationAudience,
  partiesToTell,
  reviewAudience,
  unblockedAudience,
} from "../tasks/task_audience.ts";
import type { Task } from "../tasks/task_model.ts";
import type { Change } from "./change.ts";

/** The events `change` appends to the outbox, in order. */
export function outboxOf(change: Change): NewEvent[] {
  const by = actorLabel(change.by) ?? TABLE_LABEL;
  switch (change.type) {
    case "message.sent":
      return [{
        recipient: change.message.recipient ?? "*",
        type: "message",
        payload: { message: change.message },
      }];
    case "message.broadcast":
      return [{
        recipient: "*",
        except: by,
        type: "broadcast",
        payload: { message: change.message },
      }];
    case "message.acknowledged": {
      const { message } = change;
      return [{
        recipient: message.sender,
        type: "message_acknowledged",
        payload: {
          message_id: message.id,
          thread_id: message.thread_id,
          subject: message.subject,
          task_id: message.task_id,
          agent: change.agent,
          note: change.note,
          by,
        },
      }];
    }
    case "context.shared":
    case "context.deleted":
      return [{
        recipient: "*",
        except: by,
        type: "context_updated",
        payload: {
          ns: change.ns,
          key: change.key,
          version: change.version,
          set_by: by,
          deleted: change.type === "context.deleted",
        },
      }];
    case "task.created":
      // A task for anyone is offered to those who may take it (task.available), not told to
      // all; the web view still sees it created.
      return [{
        recipient: change.task.assignee ?? FOR_OBSERVERS,
        type: "task_created",
        payload: { task: change.task, by },
      }];
    case "task.available":
      return change.takers.map((recipient) => ({
        recipient,
        type: "task_available",
        payload: { task: change.task, by, why: change.why },
      }));
    case "task.claimed":
      return _tell(change.task, by, {
        type: "task_claimed",
        payload: { task: change.task, by },
      }, [change.before.assignee]);
    case "task.review_claimed":
      return _tell(change.task, by, {
        type: "task_claimed",
        payload: { task: change.task, by, review: true },
      });
    case "task.updated": {
      const { before, task } = change;
      const events = _tell(task, by, {
        type: "task_updated",
        payload: { task, by, from: before.status, to: task.status },
      }, [before.assignee]);
      if (task.status === "awaiting_review" && before.status !== "awaiting_review") {
        const payload = { task, by };
        for (const recipient of reviewAudience(task, by, change.reviewers)) {
          events.push(
            recipient === "*"
              ? { recipient, except: by, type: "review_requested", payload }
              : { recipient, type: "review_requested", payload },
          );
        }
      }
      return events;
    }
    case "task.reassigned":
      return _tell(change.task, by, {
        type: "task_reassigned",
        payload: { task: change.task, by, from: change.before.assignee, to: change.task.assignee },
      }, [change.before.assignee]);
    case "task.commented": {
      const { before, task, comment } = change;
      const extra = { comment, from: before.status, to: task.status };
      const events = _tell(task, by, {
        type: "task_comment",
        payload: { task, by, ...extra },
      }, [before.assignee]);
      for (const recipient of escalationAudience(task, by, change.escalateTo)) {
        events.push({
          recipient,
          type: "task_comment",
          payload: { task, by, escalation: true, ...extra },
        });
      }
      return events;
    }
    case "task.released":
      return _tell(change.task, by, {
        type: "task_updated",
        payload: {
          task: change.task,
          by,
          from: change.before.status,
          to: change.task.status,
          released: change.reason,
        },
      }, [change.before.assignee]);
    case "task.unblocked":
      // Without an assignee, those who may take it hear (task.available).
      return unblockedAudience(change.task).map((recipient) => ({
        recipient,
        type: "task_unblocked",
        payload: { task: change.task, by, blocker: change.blocker },
      }));
    case "lease.granted":
      return change.sharers.map((recipient) => ({
        recipient,
        type: "lease_granted",
        payload: {
          agent: change.agent,
          leases: change.leases,
          by,
          summary: `${change.agent} shares ${_paths(change.leases.map((l) => l.path))}`,
        },
      }));
    case "lease.refused":
      return _distinctNames(change.conflicts.map((c) => c.lease.agent)).map((recipient) => ({
        recipient,
        type: "lease_refused",
        payload: {
          agent: change.agent,
          paths: change.paths,
          conflicts: change.conflicts.filter((c) =>
            c.lease.agent.toLowerCase() === recipient.toLowerCase()
          ),
          waiting: change.waiting,
          by,
          summary: `${change.agent} wants ${_paths(change.paths)}, which you hold` +
            (change.waiting ? " (waiting)" : ""),
        },
      }));
    case "lease.released":
      return change.agent.toLowerCase() === by.toLowerCase() ? [] : [{
        recipient: change.agent,
        type: "lease_released",
        payload: {
          leases: change.leases,
          cause: change.cause,
          reason: change.reason,
          by,
          summary: `your lease on ${_paths(change.leases.map((l) => l.path))} ended: ` +
            change.reason,
        },
      }];
    case "lease.freed":
      return [{
        recipient: change.agent,
        type: "lease_freed",
        payload: { paths: change.paths, by, summary: `${_paths(change.paths)} free now` },
      }];
    // Nothing to tell: the audit log, feeds or triggers say these.
    case "member.registered":
    case "member.came_back":
    case "member.role_granted":
    case "member.deregistered":
    case "member.released":
    case "credential.issued":
    case "credential.refused":
    case "messages.read":
    case "message.removed":
    case "inbox.cleared":
    case "messages.purged":
    case "task.subtasks_complete":
    case "rule.created":
    case "rule.updated":
    case "rule.deleted":
    case "rule.fired":
    case "rule.chain_limit":
    case "lease.renewed":
    case "auth.refused":
    case "web.signed_in":
    case "web.signed_out":
    case "web.sign_in_failed":
      return [];
    default:
      return assertNever(change, "change");
  }
}

function _paths(paths: readonly string[]): string {
  return paths.length > 3
    ? `${paths.slice(0, 3).join(", ")} and ${paths.length - 3} more`
    : paths.join(", ");
}

function _distinctNames(names: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  return [...seen.values()];
}

/** `event` to each party of the task (and `others`), never to the actor. */
function _tell(
  task: Task,
  by: string,
  event: TableEventBody,
  others: readonly (string | null)[] = [],
): NewEvent[] {
  return partiesToTell(task, by, others).map((recipient) => ({ recipient, ...event }));
}
