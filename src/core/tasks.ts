/**
 * The task board. Claims and updates are single conditional UPDATEs inside a transaction, so
 * when processes race, exactly one wins and the others are told who did. Every change also
 * writes the task's activity feed and the events that tell the people involved.
 */
import type { AuditLog } from "./audit_log.ts";
import type { Clock } from "./clock.ts";
import { toIso } from "./clock.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "./errors.ts";
import type { EventOutbox, TableEventType } from "./event_outbox.ts";
import { LIMITS } from "./limits.ts";
import type { MemberStore } from "./members.ts";
import type { RoleCatalog } from "./role_catalog.ts";
import { int, intOrNull, text, textOrNull } from "./rows.ts";
import type { StoreDeps } from "./store_deps.ts";
import type { TriggerSink } from "./rules/trigger_sink.ts";
import type { CommentType, FeedEntry, TaskActivityLog } from "./task_activity.ts";
import { type TaskRef, TaskStructure } from "./task_structure.ts";
import type { Statements } from "../db/statements.ts";
import type { Transactor } from "../db/transaction.ts";

export const TASK_STATUSES = [
  "pending",
  "in_progress",
  "awaiting_review",
  "done",
  "blocked",
] as const;
export type TaskStatus = typeof TASK_STATUSES[number];
export const TASK_PRIORITIES = ["low", "medium", "high"] as const;
export type TaskPriority = typeof TASK_PRIORITIES[number];

/** The task type whose affinity marks the roles that hear about reviews. */
export const REVIEW_AFFINITY = "review";

export interface Task {
  id: number;
  title: string;
  description: string;
  /** What kind of work (implement, design, review, test...); matched against role affinity. */
  type: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  creator: string;
  assignee: string | null;
  reviewer: string | null;
  /** The task this is a subtask of. */
  parent_id: number | null;
  /** The tasks this one waits for (done or not); see get_task_detail for their status. */
  blocked_by: number[];
  result: string | null;
  created_at: string;
  updated_at: string;
  claimed_at: string | null;
  review_claimed_at: string | null;
  completed_at: string | null;
}

export interface CreateTaskInput {
  title: string;
  creator: string;
  description?: string | undefined;
  type?: string | undefined;
  assignee?: string | undefined;
  reviewer?: string | undefined;
  priority?: TaskPriority | undefined;
  parentId?: number | undefined;
  blockedBy?: readonly number[] | undefined;
  /** A rule creates it: `creator` is "rule:<name>", not a member. */
  system?: boolean | undefined;
}

export interface UpdateTaskInput {
  taskId: number;
  agent: string;
  status: TaskStatus;
  result?: string | undefined;
  reviewer?: string | undefined;
  parentId?: number | undefined;
  addBlockedBy?: readonly number[] | undefined;
  removeBlockedBy?: readonly number[] | undefined;
}

export interface TaskComment {
  id: number;
  task_id: number;
  agent: string;
  type: CommentType;
  content: string;
  at: string;
}

export interface TaskDetail {
  task: Task;
  subtasks: TaskRef[];
  blockers: TaskRef[];
  /** Comments, automatic status changes and linked messages, oldest first. */
  entries: FeedEntry[];
  comment_count: number;
  message_count: number;
  /** The rendered feed, one line per entry. */
  feed: string;
}

export class TaskStore {
  readonly #tx: Transactor;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #audit: AuditLog;
  readonly #members: MemberStore;
  readonly #events: EventOutbox;
  readonly #activity: TaskActivityLog;
  readonly #roles: RoleCatalog;
  readonly #structure: TaskStructure;
  readonly #triggers: TriggerSink;

  constructor(deps: StoreDeps & { activity: TaskActivityLog; triggers: TriggerSink }) {
    this.#roles = deps.roles;
    this.#structure = new TaskStructure(deps.sql);
    this.#triggers = deps.triggers;
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#audit = deps.audit;
    this.#members = deps.members;
    this.#events = deps.events;
    this.#activity = deps.activity;
  }

  create(input: CreateTaskInput): Task {
    return this.#tx.run(() => {
      const now = this.#clock.now();
      const creator = input.system
        ? input.creator
        : this.#members.require(input.creator, "creator").name;
      const assignee = this.#optionalMember(input.assignee, "assignee");
      if (input.parentId !== undefined) this.#structure.checkParent(null, input.parentId);
      const reviewer = this.#optionalMember(input.reviewer, "reviewer");
      const priority = input.priority ?? "medium";
      const id = Number(
        this.#sql.get(
          `INSERT INTO tasks (title, description, type, status, priority, creator, assignee,
             reviewer, parent_id, created_at, updated_at)
           VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          input.title,
          input.description ?? "",
          input.type ?? null,
          priority,
          creator,
          assignee,
          reviewer,
          input.parentId ?? null,
          now,
          now,
        ).lastInsertRowid,
      );
      this.#structure.addBlockers(id, input.blockedBy ?? []);
      this.#audit.record({
        agent: creator,
        action: "task.created",
        target: id,
        details: { title: input.title, type: input.type ?? null, assignee, reviewer, priority },
      });
      this.#activity.record(id, {
        agent: creator,
        type: "status_change",
        content: assignee ? `created task for ${assignee}` : "created task",
      });
      const task = this.get(id);
      const payload = { task, by: creator };
      this.#events.append(
        assignee
          ? { recipient: assignee, type: "task_created", payload }
          : { recipient: "*", except: creator, type: "task_created", payload },
      );
      this.#triggers.emit("task.created", _fields(task, creator), { taskId: task.id });
      return task;
    });
  }

  /**
   * Tasks, highest priority first, then oldest first; optionally filtered. With `mineFirst`
   * (an agent name), pending tasks that agent can take and whose type its role prefers come
   * first.
   */
  list(
    filter: {
      status?: TaskStatus | undefined;
      assignee?: string | undefined;
      reviewer?: string | undefined;
      parentId?: number | undefined;
      mineFirst?: string | undefined;
    } = {},
  ): Task[] {
    const parentId = filter.parentId ?? null;
    const status = filter.status ?? null;
    const assignee = filter.assignee ?? null;
    const reviewer = filter.reviewer ?? null;
    const me = filter.mineFirst === undefined
      ? null
      : this.#members.require(filter.mineFirst, "agent_name");
    const affinity = JSON.stringify(me ? this.#roles.get(me.role).task_affinity : []);
    return this.#sql.get(
      `${_SELECT_TASKS} WHERE (:status IS NULL OR status = :status)
         AND (:assignee IS NULL OR assignee = :assignee)
         AND (:reviewer IS NULL OR reviewer = :reviewer)
         AND (:parent IS NULL OR parent_id = :parent)
       ORDER BY
         CASE WHEN :me IS NOT NULL AND status = 'pending' AND (assignee IS NULL OR assignee = :me)
           AND type IN (SELECT value FROM json_each(:affinity)) THEN 0 ELSE 1 END,
         CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, id
       LIMIT :limit`,
    ).all({
      status,
      assignee,
      reviewer,
      parent: parentId,
      me: me?.name ?? null,
      affinity,
      limit: LIMITS.listLimitMax,
    })
      .map(_toTask);
  }

  /**
   * The pending task `agent` should take next: one assigned to it first, then one whose type
   * its role prefers, then by priority and age. With `claim`, it is claimed in the same
   * transaction, so two agents asking at once never get the same task.
   */
  next(input: { agent: string; claim: boolean }): { task: Task | null; claimed: boolean } {
    return this.#tx.run(() => {
      const me = this.#members.require(input.agent, "agent_name");
      const affinity = JSON.stringify(this.#roles.get(me.role).task_affinity);
      const row = this.#sql.get(
        `SELECT id FROM tasks WHERE status = 'pending' AND (assignee IS NULL OR assignee = :me)
           AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.blocker_id
                           WHERE d.task_id = tasks.id AND b.status <> 'done')
         ORDER BY CASE WHEN assignee = :me THEN 0 ELSE 1 END,
           CASE WHEN type IN (SELECT value FROM json_each(:affinity)) THEN 0 ELSE 1 END,
           CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, id
         LIMIT 1`,
      ).get({ me: me.name, affinity });
      if (!row) return { task: null, claimed: false };
      const id = int(row, "id");
      if (!input.claim) return { task: this.get(id), claimed: false };
      return { task: this.claim({ taskId: id, agent: me.name }), claimed: true };
    });
  }

  /**
   * Claims a task. A pending task becomes in_progress with the claimer as assignee (a task with
   * a named assignee: only that agent or an admin/lead). A task awaiting review is claimed for
   * review: the claimer becomes its reviewer (a named reviewer: only that agent or an
   * admin/lead; never the task's own assignee).
   */
  claim(input: { taskId: number; agent: string }): Task {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const before = this.get(input.taskId);
      const privileged = this.#members.hasPrivilege(agent, "claim_assigned") ? 1 : 0;
      const now = this.#clock.now();
      if (before.status === "awaiting_review") {
        const changed = this.#sql.get(
          `UPDATE tasks SET reviewer = ?, review_claimed_at = ?, updated_at = ?
           WHERE id = ? AND status = 'awaiting_review' AND review_claimed_at IS NULL
             AND (reviewer IS NULL OR reviewer = ? OR ?)
             AND (assignee IS NULL OR assignee <> ?)`,
        ).run(agent, now, now, before.id, agent, privileged, agent).changes;
        if (Number(changed) === 0) throw this.#reviewClaimRefusal(before, agent);
        this.#audit.record({ agent, action: "task.review_claimed", target: before.id });
        this.#activity.record(before.id, {
          agent,
          type: "status_change",
          content: "claimed review",
        });
        const task = this.get(before.id);
        this.#notifyParties(task, agent, "task_claimed", { review: true });
        return task;
      }
      if (before.status === "pending") this.#structure.requireUnblocked(before.id, "be claimed");
      const changed = this.#sql.get(
        `UPDATE tasks SET status = 'in_progress', assignee = ?, claimed_at = ?, updated_at = ?
         WHERE id = ? AND status = 'pending' AND (assignee IS NULL OR assignee = ? OR ?)`,
      ).run(agent, now, now, before.id, agent, privileged).changes;
      if (Number(changed) === 0) throw this.#claimRefusal(before, agent);
      this.#audit.record({ agent, action: "task.claimed", target: before.id });
      this.#activity.record(before.id, { agent, type: "status_change", content: "claimed task" });
      const task = this.get(before.id);
      this.#notifyParties(task, agent, "task_claimed", {}, [before.assignee]);
      this.#afterStatusChange(before, task, agent);
      return task;
    });
  }

  /**
   * Sets a task's status (and result, and reviewer). Only its creator, assignee, reviewer or
   * an admin/lead may: the check is part of the UPDATE itself, so no path skips it. Moving a
   * task to awaiting_review asks its reviewer (or the reviewers, or everyone) for a review.
   */
  update(input: UpdateTaskInput): Task {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const before = this.get(input.taskId);
      const reviewer = this.#optionalMember(input.reviewer, "reviewer");
      if (!this.#isParty(before, agent)) throw this.#updateRefusal(before, agent, "update");
      if (input.parentId !== undefined) {
        this.#structure.checkParent(before.id, input.parentId);
        this.#sql.get("UPDATE tasks SET parent_id = ? WHERE id = ?").run(input.parentId, before.id);
      }
      this.#structure.removeBlockers(before.id, input.removeBlockedBy ?? []);
      this.#structure.addBlockers(before.id, input.addBlockedBy ?? []);
      this.#guardStatus(before, input.status);
      const now = this.#clock.now();
      const changed = this.#sql.get(
        `UPDATE tasks SET status = :status, result = coalesce(:result, result),
           reviewer = coalesce(:reviewer, reviewer), updated_at = :now,
           assignee = CASE WHEN :status = 'in_progress' AND assignee IS NULL THEN :agent
                      ELSE assignee END,
           claimed_at = CASE WHEN :status = 'in_progress' AND claimed_at IS NULL THEN :now
                        ELSE claimed_at END,
           review_claimed_at = CASE WHEN :status = 'awaiting_review' THEN review_claimed_at
                               ELSE NULL END,
           completed_at = CASE WHEN :status = 'done' THEN :now ELSE NULL END
         WHERE id = :id AND (creator = :agent COLLATE NOCASE OR assignee = :agent
           OR reviewer = :agent OR :privileged)`,
      ).run({
        status: input.status,
        result: input.result ?? null,
        reviewer,
        now,
        agent,
        id: before.id,
        privileged: this.#members.hasPrivilege(agent, "update_any_task") ? 1 : 0,
      }).changes;
      if (Number(changed) === 0) throw this.#updateRefusal(before, agent, "update");
      const task = this.get(before.id);
      this.#audit.record({
        agent,
        action: "task.updated",
        target: before.id,
        details: {
          from: before.status,
          to: task.status,
          reviewer: task.reviewer,
          result: input.result === undefined ? undefined : input.result.slice(0, 200),
        },
      });
      this.#recordUpdate(before, task, agent, input.result);
      this.#notifyParties(task, agent, "task_updated", { from: before.status, to: task.status }, [
        before.assignee,
      ]);
      if (task.status === "awaiting_review" && before.status !== "awaiting_review") {
        this.#requestReview(task, agent);
      }
      this.#afterStatusChange(before, task, agent);
      return task;
    });
  }

  /** Hands a task to another agent: creator, current assignee or admin/lead only. */
  reassign(input: { taskId: number; agent: string; newAssignee: string }): Task {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const newAssignee = this.#members.require(input.newAssignee, "new_assignee").name;
      const before = this.get(input.taskId);
      if (before.status === "done") {
        throw new ConflictError(
          `Task ${before.id} is done; reopen it with update_task before reassigning it.`,
        );
      }
      if (before.assignee?.toLowerCase() === newAssignee.toLowerCase()) {
        throw new ValidationError(
          `new_assignee: task ${before.id} is already assigned to '${before.assignee}'.`,
        );
      }
      const changed = this.#sql.get(
        `UPDATE tasks SET assignee = ?, updated_at = ?
         WHERE id = ? AND (creator = ? COLLATE NOCASE OR assignee = ? OR ?)`,
      ).run(
        newAssignee,
        this.#clock.now(),
        before.id,
        agent,
        agent,
        this.#members.hasPrivilege(agent, "update_any_task") ? 1 : 0,
      ).changes;
      if (Number(changed) === 0) throw this.#updateRefusal(before, agent, "reassign");
      const task = this.get(before.id);
      this.#audit.record({
        agent,
        action: "task.reassigned",
        target: before.id,
        details: { from: before.assignee, to: newAssignee },
      });
      this.#activity.record(before.id, {
        agent,
        type: "status_change",
        content: before.assignee
          ? `reassigned task from ${before.assignee} to ${newAssignee}`
          : `assigned task to ${newAssignee}`,
      });
      this.#notifyParties(task, agent, "task_reassigned", {
        from: before.assignee,
        to: newAssignee,
      }, [before.assignee]);
      return task;
    });
  }

  /**
   * Adds a comment to a task. Anyone registered may comment. A `blocker` moves the task to
   * blocked and a `resolution` on a blocked task moves it back to in_progress; those two change
   * the task, so only its creator, assignee, reviewer or an admin/lead may post them.
   */
  comment(
    input: { taskId: number; agent: string; content: string; type?: CommentType | undefined },
  ): {
    comment: TaskComment;
    task: Task;
  } {
    return this.#tx.run(() => {
      const agent = this.#members.require(input.agent, "agent_name").name;
      const type = input.type ?? "comment";
      const before = this.get(input.taskId);
      if (type === "status_change") {
        throw new ValidationError(
          "type: status_change entries are written by the board itself when a task is claimed, " +
            "moved or reassigned; use update_task, or post a comment, blocker or resolution.",
        );
      }
      let status = before.status;
      if (type === "blocker" || type === "resolution") {
        if (!this.#isParty(before, agent)) {
          throw this.#updateRefusal(before, agent, `post a ${type} on`);
        }
        if (type === "blocker" && before.status === "done") {
          throw new ConflictError(
            `Task ${before.id} is done; reopen it with update_task before posting a blocker.`,
          );
        }
        if (type === "blocker") status = "blocked";
        if (type === "resolution" && before.status === "blocked") status = "in_progress";
      }
      const now = this.#clock.now();
      const id = this.#activity.record(before.id, { agent, type, content: input.content });
      this.#sql.get(
        `UPDATE tasks SET status = ?, updated_at = ?,
           review_claimed_at = CASE WHEN ? = 'awaiting_review' THEN review_claimed_at ELSE NULL END
         WHERE id = ?`,
      ).run(status, now, status, before.id);
      if (status !== before.status) {
        this.#activity.record(before.id, {
          agent,
          type: "status_change",
          content: `moved task from ${before.status} to ${status} (${type})`,
        });
      }
      this.#audit.record({
        agent,
        action: "task.commented",
        target: before.id,
        details: { type, comment_id: id, from: before.status, to: status },
      });
      const task = this.get(before.id);
      const comment: TaskComment = {
        id,
        task_id: before.id,
        agent,
        type,
        content: input.content,
        at: toIso(now),
      };
      const extra = { comment, from: before.status, to: status };
      this.#notifyParties(task, agent, "task_comment", extra, [before.assignee]);
      if (type === "blocker") this.#escalate(task, agent, extra);
      this.#triggers.emit("task.comment", {
        ..._fields(task, agent),
        "comment.type": type,
        "comment.agent": agent,
        "comment.content": input.content,
      }, { taskId: task.id });
      this.#afterStatusChange(before, task, agent);
      return { comment, task };
    });
  }

  /** The task, its activity and linked messages in order, and the rendered feed. */
  detail(taskId: number): TaskDetail {
    const task = this.get(taskId);
    const entries = this.#activity.feed(task.id);
    return {
      task,
      subtasks: this.#structure.children(task.id),
      blockers: this.#structure.blockers(task.id),
      entries,
      comment_count: entries.filter((e) => e.type !== "status_change" && e.type !== "message")
        .length,
      message_count: entries.filter((e) => e.type === "message").length,
      feed: entries.map((e) => e.line).join("\n"),
    };
  }

  get(id: number): Task {
    const row = this.#sql.get(`${_SELECT_TASKS} WHERE id = ?`).get(id);
    if (!row) throw new NotFoundError(`task_id: no task with id ${id}. Call list_tasks.`);
    return _toTask(row);
  }

  /**
   * A rule sets a task's status. Rules are configured by agents with manage_rules, so no
   * member check applies; dependencies still do. `actor` is "rule:<name>".
   */
  systemSetStatus(taskId: number, status: TaskStatus, actor: string): Task {
    return this.#tx.run(() => {
      const before = this.get(taskId);
      if (before.status === status) return before;
      this.#guardStatus(before, status);
      const now = this.#clock.now();
      this.#sql.get(
        `UPDATE tasks SET status = :status, updated_at = :now,
           review_claimed_at = CASE WHEN :status = 'awaiting_review' THEN review_claimed_at
                               ELSE NULL END,
           completed_at = CASE WHEN :status = 'done' THEN :now ELSE NULL END
         WHERE id = :id`,
      ).run({ status, now, id: taskId });
      const task = this.get(taskId);
      this.#audit.record({
        agent: actor,
        action: "task.updated",
        target: taskId,
        details: { from: before.status, to: status },
      });
      this.#recordUpdate(before, task, actor, undefined);
      this.#notifyParties(task, actor, "task_updated", { from: before.status, to: status });
      if (status === "awaiting_review") this.#requestReview(task, actor);
      this.#afterStatusChange(before, task, actor);
      return task;
    });
  }

  /** A rule gives a task to an agent (it stays in its status). */
  systemAssign(taskId: number, assignee: string, actor: string): Task {
    return this.#tx.run(() => {
      const name = this.#members.require(assignee, "assign").name;
      const before = this.get(taskId);
      if (before.assignee?.toLowerCase() === name.toLowerCase()) return before;
      this.#sql.get("UPDATE tasks SET assignee = ?, updated_at = ? WHERE id = ?")
        .run(name, this.#clock.now(), taskId);
      const task = this.get(taskId);
      this.#audit.record({
        agent: actor,
        action: "task.reassigned",
        target: taskId,
        details: { from: before.assignee, to: name },
      });
      this.#activity.record(taskId, {
        agent: actor,
        type: "status_change",
        content: `assigned task to ${name}`,
      });
      this.#notifyParties(task, actor, "task_reassigned", { from: before.assignee, to: name }, [
        before.assignee,
      ]);
      return task;
    });
  }

  /** A rule comments on a task (a plain comment: it changes no status). */
  systemComment(taskId: number, actor: string, content: string): void {
    this.#tx.run(() => {
      const task = this.get(taskId);
      const id = this.#activity.record(taskId, { agent: actor, type: "comment", content });
      this.touch(taskId);
      this.#audit.record({
        agent: actor,
        action: "task.commented",
        target: taskId,
        details: { type: "comment", comment_id: id },
      });
      const comment = {
        id,
        task_id: taskId,
        agent: actor,
        type: "comment",
        content,
        at: toIso(this.#clock.now()),
      };
      this.#notifyParties(task, actor, "task_comment", {
        comment,
        from: task.status,
        to: task.status,
      });
    });
  }

  /** Writes a line into a task's feed (a rule fired), dated `at` (when it began). */
  recordActivity(taskId: number, agent: string, content: string, at: number): void {
    this.#activity.record(taskId, { agent, type: "status_change", content, at });
  }

  /** Marks a task as touched (a linked message arrived). Call inside a transaction. */
  touch(taskId: number): void {
    this.#sql.get("UPDATE tasks SET updated_at = ? WHERE id = ?").run(this.#clock.now(), taskId);
  }

  /** A task with open blockers cannot start or finish. */
  #guardStatus(before: Task, status: TaskStatus): void {
    if (status === before.status) return;
    if (status === "in_progress") this.#structure.requireUnblocked(before.id, "start");
    if (status === "done") this.#structure.requireUnblocked(before.id, "be done");
  }

  /**
   * What follows a change of status: the status_changed trigger; when a task is done, the
   * tasks that waited only for it become claimable (their assignee is told), and a parent
   * whose subtasks are now all done gets task.all_subtasks_complete.
   */
  #afterStatusChange(before: Task, task: Task, actor: string): void {
    if (task.status === before.status) return;
    this.#triggers.emit("task.status_changed", {
      ..._fields(task, actor),
      "event.from": before.status,
      "event.to": task.status,
    }, { taskId: task.id });
    if (task.status !== "done") return;
    for (const id of this.#structure.newlyUnblocked(task.id)) {
      const waiting = this.get(id);
      this.#activity.record(id, {
        agent: actor,
        type: "status_change",
        content: `unblocked task: its last blocker #${task.id} is done`,
      });
      this.#events.append({
        recipient: waiting.assignee ?? waiting.creator,
        type: "task_unblocked",
        payload: { task: waiting, by: actor, blocker: task.id },
      });
      this.#triggers.emit("task.unblocked", _fields(waiting, actor), { taskId: id });
    }
    if (task.parent_id !== null && this.#structure.allChildrenDone(task.parent_id)) {
      const parent = this.get(task.parent_id);
      this.#triggers.emit("task.all_subtasks_complete", {
        ..._fields(parent, actor),
        "event.subtasks": this.#structure.children(parent.id).length,
      }, { taskId: parent.id });
    }
  }

  #optionalMember(name: string | undefined, field: string): string | null {
    return name === undefined ? null : this.#members.require(name, field).name;
  }

  #isParty(task: Task, agent: string): boolean {
    const name = agent.toLowerCase();
    return [task.creator, task.assignee, task.reviewer].some((p) => p?.toLowerCase() === name) ||
      this.#members.hasPrivilege(agent, "update_any_task");
  }

  #recordUpdate(before: Task, task: Task, agent: string, result: string | undefined): void {
    const parts: string[] = [];
    if (task.status !== before.status) {
      parts.push(`moved task from ${before.status} to ${task.status}`);
    }
    if (task.reviewer !== before.reviewer && task.reviewer) {
      parts.push(`set reviewer to ${task.reviewer}`);
    }
    if (result !== undefined) parts.push(`result: ${result}`);
    if (parts.length === 0) parts.push(`updated task (status ${task.status})`);
    this.#activity.record(task.id, { agent, type: "status_change", content: parts.join("; ") });
  }

  /** Tells the reviewer; with none, the members whose role reviews; with none, everyone. */
  #requestReview(task: Task, agent: string): void {
    const payload = { task, by: agent };
    if (task.reviewer) {
      this.#events.append({ recipient: task.reviewer, type: "review_requested", payload });
      return;
    }
    const reviewers = this.#members.withRoles(this.#roles.rolesWithAffinity(REVIEW_AFFINITY))
      .filter((name) => name.toLowerCase() !== agent.toLowerCase());
    if (reviewers.length === 0) {
      this.#events.append({ recipient: "*", except: agent, type: "review_requested", payload });
      return;
    }
    for (const name of reviewers) {
      this.#events.append({ recipient: name, type: "review_requested", payload });
    }
  }

  /**
   * Tells whoever the author's role escalates to (a role's members, or one agent) about a
   * blocker, unless they already heard as the task's creator, assignee or reviewer.
   */
  #escalate(task: Task, author: string, extra: Record<string, unknown>): void {
    const escalation = this.#roles.get(this.#members.require(author).role).escalation;
    if (!escalation) return;
    const targets = escalation.agent !== undefined
      ? [escalation.agent]
      : this.#members.withRoles(escalation.role === undefined ? [] : [escalation.role]);
    const heard = new Set(
      [author, task.creator, task.assignee, task.reviewer].flatMap((n) =>
        n ? [n.toLowerCase()] : []
      ),
    );
    for (const name of targets) {
      if (heard.has(name.toLowerCase())) continue;
      heard.add(name.toLowerCase());
      this.#events.append({
        recipient: name,
        type: "task_comment",
        payload: { task, by: author, escalation: true, ...extra },
      });
    }
  }

  /** Tells the creator, assignee and reviewer (and `others`) what `actor` did, never the actor. */
  #notifyParties(
    task: Task,
    actor: string,
    type: TableEventType,
    extra: Record<string, unknown>,
    others: (string | null)[] = [],
  ): void {
    const seen = new Set([actor.toLowerCase()]);
    for (const name of [task.creator, task.assignee, task.reviewer, ...others]) {
      if (!name || seen.has(name.toLowerCase())) continue;
      seen.add(name.toLowerCase());
      this.#events.append({ recipient: name, type, payload: { task, by: actor, ...extra } });
    }
  }

  #updateRefusal(task: Task, agent: string, what: string): Error {
    const quote = (name: string | null) => name ? `'${name}'` : "none";
    return new ForbiddenError(
      `task_id: '${agent}' may not ${what} task ${task.id}: only its creator ` +
        `(${quote(task.creator)}), its assignee (${quote(task.assignee)})` +
        `${what === "reassign" ? "" : `, its reviewer (${quote(task.reviewer)})`} or an ` +
        `admin/lead may.`,
    );
  }

  #claimRefusal(task: Task, agent: string): Error {
    if (task.status !== "pending") {
      return new ConflictError(
        task.assignee
          ? `Task ${task.id} is already claimed by '${task.assignee}' (status ${task.status}).`
          : `Task ${task.id} cannot be claimed: its status is ${task.status}, not pending.`,
      );
    }
    return new ForbiddenError(
      `Task ${task.id} is assigned to '${task.assignee}'; only '${task.assignee}' or an ` +
        `admin/lead may claim it, not '${agent}'.`,
    );
  }

  #reviewClaimRefusal(task: Task, agent: string): Error {
    if (task.review_claimed_at !== null) {
      return new ConflictError(
        `The review of task ${task.id} is already claimed by '${task.reviewer}'.`,
      );
    }
    if (task.assignee?.toLowerCase() === agent.toLowerCase()) {
      return new ForbiddenError(
        `Task ${task.id} is awaiting review of '${agent}'s own work; another agent must review it.`,
      );
    }
    return new ForbiddenError(
      `Task ${task.id} is waiting for review by '${task.reviewer}'; only '${task.reviewer}' or ` +
        `an admin/lead may claim the review, not '${agent}'.`,
    );
  }
}

function _toTask(row: Record<string, unknown>): Task {
  const time = (column: string) => {
    const value = intOrNull(row, column);
    return value === null ? null : toIso(value);
  };
  return {
    id: int(row, "id"),
    title: text(row, "title"),
    description: text(row, "description"),
    type: textOrNull(row, "type"),
    status: _oneOf(TASK_STATUSES, text(row, "status")),
    priority: _oneOf(TASK_PRIORITIES, text(row, "priority")),
    creator: text(row, "creator"),
    assignee: textOrNull(row, "assignee"),
    reviewer: textOrNull(row, "reviewer"),
    parent_id: intOrNull(row, "parent_id"),
    blocked_by: _ids(text(row, "blocked_by")),
    result: textOrNull(row, "result"),
    created_at: toIso(int(row, "created_at")),
    updated_at: toIso(int(row, "updated_at")),
    claimed_at: time("claimed_at"),
    review_claimed_at: time("review_claimed_at"),
    completed_at: time("completed_at"),
  };
}

const _SELECT_TASKS = `SELECT tasks.*, (SELECT json_group_array(blocker_id)
  FROM task_dependencies d WHERE d.task_id = tasks.id) AS blocked_by FROM tasks`;

function _ids(json: string): number[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

/** A task as the fields rule conditions read. */
function _fields(task: Task, by: string): Record<string, unknown> {
  return {
    "task.id": task.id,
    "task.title": task.title,
    "task.status": task.status,
    "task.priority": task.priority,
    "task.type": task.type,
    "task.creator": task.creator,
    "task.assignee": task.assignee,
    "task.reviewer": task.reviewer,
    "task.parent_id": task.parent_id,
    "event.by": by,
  };
}

function _oneOf<T extends string>(
  allowed: readonly T[],
  value: string,
): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new TypeError(`unexpected stored value '${value}'`);
  return found;
}
