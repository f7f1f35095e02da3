/**
 * A review's verdict: what counts as one, and what the implementer is told. Pure: the store
 * decides and writes (task_store.ts update).
 */
import { isAgentNamed } from "../permissions/permissions.ts";
import type { Principal } from "../permissions/principal.ts";
import type { Lease } from "../leases/lease.ts";
import type { ReviewVerdict, Task, TaskStatus } from "./task_model.ts";

/**
 * The verdict a move of `before` to `status` gives, if it is one: an agent or a human other
 * than its assignee moving a task awaiting review to done (approve) or back to in_progress
 * (changes). Rules and the system move tasks; they do not review them.
 */
export function verdictOf(
  who: Principal,
  before: Task,
  status: TaskStatus | undefined,
): ReviewVerdict | null {
  if (before.status !== "awaiting_review") return null;
  if (who.actor.kind !== "agent" && who.actor.kind !== "human") return null;
  if (isAgentNamed(who, before.assignee)) return null;
  if (status === "done") return "approve";
  if (status === "in_progress") return "changes";
  return null;
}

/**
 * Why `who` may not move `before` to `status`, if that would approve its own work: a task
 * awaiting review is done only by someone else's verdict (the assignee may take it back).
 */
export function selfApproval(
  who: Principal,
  before: Task,
  status: TaskStatus | undefined,
): string | null {
  if (before.status !== "awaiting_review" || status !== "done") return null;
  if (!isAgentNamed(who, before.assignee)) return null;
  const by = before.reviewer === null ? "anyone but you" : `its reviewer ${before.reviewer}`;
  return `status: task ${before.id} awaits review of your own work; ${by} gives the verdict ` +
    "(done, or in_progress to send it back). Nothing changed; update_task status in_progress " +
    "takes it back.";
}

/** Who hears a verdict in their inbox: the assignee, else the creator; never the reviewer. */
export function verdictRecipient(task: Task, by: string): string | null {
  const recipient = task.assignee ?? task.creator;
  return recipient.toLowerCase() === by.toLowerCase() ? null : recipient;
}

/**
 * The message that carries a verdict and its note to the implementer (the note up front).
 * `relet`: whether a task sent back had its files leased to its assignee again, and if not the
 * lease in the way (undefined: it declares none).
 */
export function verdictMessage(
  task: Task,
  verdict: ReviewVerdict,
  by: string,
  note: string | null,
  relet?: { leased: boolean; blocker?: Lease },
): { subject: string; content: string } {
  const what = `task #${task.id} "${task.title}"`;
  if (verdict === "approve") {
    return {
      subject: `Task #${task.id} approved`,
      content: `Approved by ${by} on ${what}${note ? `: ${_sentence(note)}` : "."} It is done.`,
    };
  }
  return {
    subject: `Changes requested on task #${task.id}`,
    content: `Changes requested by ${by} on ${what}${note ? `: ${_sentence(note)}` : "."} It ` +
      `is in_progress again, still yours${_files(relet)}; move it to awaiting_review when ready.`,
  };
}

/** What a task sent back says of its files. */
function _files(relet: { leased: boolean; blocker?: Lease } | undefined): string {
  if (relet === undefined) return "";
  if (relet.leased) return ", its files leased to you again";
  const { blocker } = relet;
  const held = blocker === undefined
    ? ""
    : ` (${blocker.path} is ${blocker.agent}'s until ${blocker.until.slice(11, 16)} UTC)`;
  return `; its files are not leased to you now${held}: reserve_paths with notify_when_free ` +
    "leases them when free";
}

/** The note, ending as a sentence does. */
function _sentence(note: string): string {
  const trimmed = note.trimEnd();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
