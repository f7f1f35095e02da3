/**
 * Every change to the table, as one typed value. A command makes its change in the database
 * and then publishes one of these (publisher.ts) in the same transaction; the audit row, the
 * task feed lines, the outbox events (who is told) and the rule triggers are all derived from
 * it, each in one place (change_audit.ts, change_feed.ts, change_outbox.ts,
 * change_triggers.ts). Values here are what the derivations need, nothing more.
 */
import type { Actor } from "../actor.ts";
import type { Lease, LeaseConflict, LeaseEnd } from "../leases/lease.ts";
import type { Member } from "../members/member.ts";
import type { Message } from "../messages/message.ts";
import type { ReviewVerdict, Task, TaskComment } from "../tasks/task_model.ts";

interface _By {
  /** Who made the change (an agent's name in its registered spelling). */
  readonly by: Actor;
}

export type MemberChange =
  | _By & { readonly type: "member.registered"; member: Member; returning: boolean }
  | _By & { readonly type: "member.came_back"; member: Member }
  | _By & { readonly type: "member.role_granted"; member: Member; from: string | null }
  | _By & { readonly type: "member.deregistered"; member: Member }
  | _By & {
    readonly type: "member.released";
    member: Member;
    /** Where the session that held the name ran. */
    where: string;
    /**
     * ended: the session closed; unseen: another session took the name after its holder went
     * unseen; exited: its holder's process no longer exists; replaced: a newer session that
     * presented the name's credential took it over; reset: the operator freed it; removed: the
     * operator removed the member.
     */
    reason: "ended" | "deregistered" | "unseen" | "exited" | "replaced" | "reset" | "removed";
  }
  | _By & { readonly type: "credential.issued"; name: string; rotated: boolean }
  | _By & {
    readonly type: "credential.refused";
    name: string;
    reason: "no credential" | "wrong credential";
    where: string;
  };

export type MessageChange =
  | _By & { readonly type: "message.sent"; message: Message }
  | _By & { readonly type: "message.broadcast"; message: Message; recipients: number }
  | _By & { readonly type: "messages.read"; agent: string; messageIds: number[] }
  | _By & {
    readonly type: "message.acknowledged";
    message: Message;
    /** The recipient who acknowledged it. */
    agent: string;
    note: string | null;
  }
  | _By & {
    readonly type: "message.removed";
    messageId: number;
    scope: "inbox" | "everyone";
    /** Archived (also marked read) rather than deleted. */
    archived: boolean;
  }
  | _By & {
    readonly type: "inbox.cleared";
    agent: string;
    count: number;
    before: number | null;
    sender: string | null;
  }
  | _By & { readonly type: "messages.purged"; before: number; count: number };

export type TaskChange =
  | _By & { readonly type: "task.created"; task: Task }
  | _By & { readonly type: "task.claimed"; before: Task; task: Task }
  | _By & { readonly type: "task.review_claimed"; task: Task }
  | _By & {
    readonly type: "task.updated";
    before: Task;
    task: Task;
    result: string | undefined;
    /** The reviewer's result on a task awaiting review, kept apart from the result. */
    reviewNote: string | undefined;
    /** A review's verdict, and who was told in their inbox (null: nobody to tell). */
    verdict: { verdict: ReviewVerdict; told: string | null } | undefined;
    /** When the task now awaits review without a reviewer: the agents whose role reviews. */
    reviewers: string[];
  }
  | _By & { readonly type: "task.reassigned"; before: Task; task: Task }
  | _By & {
    readonly type: "task.commented";
    before: Task;
    task: Task;
    comment: TaskComment;
    /** For a blocker: who the author's role escalates to. */
    escalateTo: string[];
  }
  | _By & { readonly type: "task.unblocked"; task: Task; blocker: number }
  | _By & {
    readonly type: "task.available";
    task: Task;
    /** created, unblocked, released, paths freed (work_offers.ts). */
    why: string;
    /** The members told (WorkOffers.takers). */
    takers: string[];
  }
  | _By & {
    readonly type: "task.released";
    before: Task;
    task: Task;
    /** Why the agent no longer holds it: away too long, or it left the table. */
    reason: string;
  }
  | _By & { readonly type: "task.subtasks_complete"; task: Task; subtasks: number };

export type ContextChange =
  | _By & {
    readonly type: "context.shared";
    ns: string;
    key: string;
    version: number;
    length: number;
    ttl: number | null;
  }
  | _By & {
    readonly type: "context.deleted";
    ns: string;
    key: string;
    version: number;
    author: string;
  };

export type RuleChange =
  | _By & {
    readonly type: "rule.created" | "rule.updated" | "rule.deleted";
    name: string;
    details: Record<string, unknown>;
  }
  | _By & {
    readonly type: "rule.fired";
    rule: string;
    trigger: string;
    depth: number;
    outcomes: { action: string; ok: boolean; result: string }[];
    taskId: number | undefined;
    agent: string | undefined;
    /** When the firing began (its feed line is dated then). */
    at: number;
  }
  | _By & {
    readonly type: "rule.chain_limit";
    trigger: string;
    depth: number;
    limit: number;
    rulesNotRun: string[];
    taskId: number | undefined;
    agent: string | undefined;
  };

export type LeaseChange =
  | _By & {
    readonly type: "lease.granted";
    agent: string;
    leases: Lease[];
    /** Holders of overlapping shared leases (they are told). */
    sharers: string[];
  }
  | _By & {
    readonly type: "lease.refused";
    agent: string;
    paths: string[];
    exclusive: boolean;
    conflicts: LeaseConflict[];
    /** The agent asked to be told when the paths are free. */
    waiting: boolean;
  }
  | _By & { readonly type: "lease.renewed"; agent: string; leases: Lease[] }
  | _By & {
    readonly type: "lease.released";
    /** The holder. */
    agent: string;
    leases: Lease[];
    cause: LeaseEnd;
    /** Why, in words (the force-release reason, "task #3 is done"...). */
    reason: string;
  }
  | _By & { readonly type: "lease.freed"; agent: string; paths: string[] };

/** A request refused for want of a valid token (written by the HTTP layer). */
export type AccessChange = _By & {
  readonly type: "auth.refused";
  path: string;
  details: Record<string, unknown>;
};

/** Signing in to and out of the web view (written by the HTTP layer). */
export type WebSignInChange =
  | _By & {
    readonly type: "web.signed_in";
    /** The client address. */
    address: string;
    /** token: the operator token in the form; link: a one-time sign-in link. */
    via: "token" | "link";
  }
  | _By & { readonly type: "web.signed_out"; address: string }
  | _By & {
    readonly type: "web.sign_in_failed";
    address: string;
    /** Failed attempts from the address since its last entry (this one included). */
    failures: number;
    /** When the address may try again, if it is now refused for a while (ms). */
    limitedUntil: number | undefined;
  };

export type Change =
  | MemberChange
  | MessageChange
  | TaskChange
  | ContextChange
  | RuleChange
  | LeaseChange
  | AccessChange
  | WebSignInChange;
export type ChangeType = Change["type"];
