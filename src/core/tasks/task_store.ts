/**
 * Changing the task board. Every command runs in one transaction (BEGIN IMMEDIATE): it
 * checks permissions (permissions.ts) and state, makes its change with a conditional UPDATE,
 * and publishes one typed change, from which the audit row, feed lines, events and rule
 * triggers follow. When processes race for a claim, exactly one wins and the others are told
 * who did.
 */
import { describeHolder } from "../members/holder_state.ts";
import type { StoreContext } from "../store_context.ts";
import { checkTaskType } from "../input_rules/slugs.ts";
import {
  checkContent,
  checkDescription,
  checkResult,
  checkTitle,
} from "../input_rules/text_rules.ts";
import { type Actor, SYSTEM_ACTOR } from "../actor.ts";
import { toIso } from "../clock.ts";
import { ConflictError, ForbiddenError, ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { formatCount } from "../input_rules/wording.ts";
import {
  isAgentNamed,
  mayAttachSubtask,
  mayClaimReview,
  mayClaimTask,
  mayGiveVerdict,
  mayReassignTask,
  mayUpdateTask,
  messageReaderFor,
} from "../permissions/permissions.ts";
import type { Principal } from "../permissions/principal.ts";
import { enforce } from "../permissions/refusal.ts";
import type { CommentType, TaskActivityLog } from "./task_activity.ts";
import {
  REVIEW_AFFINITY,
  type Task,
  type TaskComment,
  type TaskDetail,
  type TaskPriority,
  type TaskStatus,
} from "./task_model.ts";
import type { TaskFilter, TaskQueries } from "./task_queries.ts";
import { cursorKey, cursorOf, type Page, type PageRequest } from "../pages.ts";
import type { TaskStructure } from "./task_structure.ts";
import { selfApproval, verdictMessage, verdictOf, verdictRecipient } from "./task_review.ts";
import type { AvailableWhy } from "./work_offers.ts";
import type { Lease } from "../leases/lease.ts";

export interface CreateTaskInput {
  by: Actor;
  title: string;
  description?: string | undefined;
  type?: string | undefined;
  assignee?: string | undefined;
  reviewer?: string | undefined;
  priority?: TaskPriority | undefined;
  parentId?: number | undefined;
  blockedBy?: readonly number[] | undefined;
  /** Files or globs it will touch (checked; recorded through TaskStoreDeps.declarePaths). */
  paths?: readonly string[] | undefined;
}

export interface UpdateTaskInput {
  taskId: number;
  by: Actor;
  /** The new status; omitted: the status stays. */
  status?: TaskStatus | undefined;
  result?: string | undefined;
  reviewer?: string | undefined;
  parentId?: number | undefined;
  addBlockedBy?: readonly number[] | undefined;
  removeBlockedBy?: readonly number[] | undefined;
}

/** How the board puts a message in an agent's inbox (a review's verdict), as `by`. */
export type TaskMessenger = (input: {
  by: Actor;
  recipient: string;
  subject: string;
  content: string;
  taskId: number;
}) => void;

export interface TaskStoreDeps extends StoreContext {
  queries: TaskQueries;
  structure: TaskStructure;
  activity: TaskActivityLog;
  /**
   * For `agent`, the live leases of others read once: the lease in the way of some paths
   * (null: none). createTable wires LeaseStore.blockerFor.
   */
  blockerFor?: ((agent: string) => (paths: readonly string[]) => Lease | null) | undefined;
  /** Sends a verdict to the implementer's inbox (createTable wires the message store). */
  messenger?: TaskMessenger | undefined;
  /** Tells who may take a task that it is available (createTable wires WorkOffers.offer). */
  offer?: ((taskId: number, by: Actor, why: AvailableWhy) => void) | undefined;
  /** Records the paths a new task declares (createTable wires the leases). */
  declarePaths?: ((taskId: number, paths: readonly string[]) => void) | undefined;
  /** Ends the leases held for a task handed over for review (createTable wires the leases). */
  handedOver?: ((taskId: number, by: Actor) => void) | undefined;
  /**
   * A task its review sent back: leases to its assignee again what its hand-over ended, when
   * no one else holds it; returns whether it did, else the lease in the way; undefined:
   * nothing to lease again (createTable wires LeaseStore.leaseAgain).
   */
  sentBack?: ((task: Task) => { leased: boolean; blocker?: Lease } | undefined) | undefined;
}

export class TaskStore {
  readonly #ctx: StoreContext;
  readonly #queries: TaskQueries;
  readonly #structure: TaskStructure;
  readonly #activity: TaskActivityLog;
  readonly #blockerFor: (agent: string) => (paths: readonly string[]) => Lease | null;
  readonly #messenger: TaskMessenger;
  readonly #offer: (taskId: number, by: Actor, why: AvailableWhy) => void;
  readonly #handedOver: (taskId: number, by: Actor) => void;
  readonly #sentBack: (task: Task) => { leased: boolean; blocker?: Lease } | undefined;
  readonly #declarePaths: (taskId: number, paths: readonly string[]) => void;

  constructor(deps: TaskStoreDeps) {
    this.#ctx = deps;
    this.#queries = deps.queries;
    this.#structure = deps.structure;
    this.#activity = deps.activity;
    this.#blockerFor = deps.blockerFor ?? (() => () => null);
    this.#messenger = deps.messenger ?? (() => {});
    this.#offer = deps.offer ?? (() => {});
    this.#handedOver = deps.handedOver ?? (() => {});
    this.#sentBack = deps.sentBack ?? (() => undefined);
    this.#declarePaths = deps.declarePaths ?? (() => {});
  }

  create(input: CreateTaskInput): Task {
    checkTitle(input.title);
    if (input.description !== undefined) checkDescription(input.description);
    if (input.type !== undefined) checkTaskType(input.type);
    return this.#ctx.tx.run(() => {
      const now = this.#ctx.clock.now();
      const who = this.#ctx.principals.resolve(input.by, "creator");
      if (who.agent !== null) this.#checkOpenTasks(who.label);
      const assignee = this.#optionalMember(input.assignee, "assignee");
      if (input.parentId !== undefined) {
        this.#attachable(who, input.parentId, "add a subtask", true);
      }
      const reviewer = this.#optionalMember(input.reviewer, "reviewer");
      const id = Number(
        this.#ctx.sql.get(
          `INSERT INTO tasks (title, description, type, status, priority, creator, assignee,
             reviewer, parent_id, created_at, updated_at)
           VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          input.title,
          input.description ?? "",
          input.type ?? null,
          input.priority ?? "medium",
          who.label,
          assignee,
          reviewer,
          input.parentId ?? null,
          now,
          now,
        ).lastInsertRowid,
      );
      this.#structure.addBlockers(id, input.blockedBy ?? []);
      if (input.paths?.length) this.#declarePaths(id, input.paths);
      const task = this.get(id);
      this.#ctx.publisher.publish({ type: "task.created", by: who.actor, task });
      if (task.assignee === null) this.#offer(task.id, who.actor, "created");
      return task;
    });
  }

  /** Refuses a new task from an agent that created LIMITS.openTasksPerCreatorMax still open. */
  #checkOpenTasks(creator: string): void {
    const row = this.#ctx.sql.get(
      `SELECT count(*) AS n FROM (SELECT 1 FROM tasks INDEXED BY tasks_open_by_creator
         WHERE creator = ? AND status <> 'done' LIMIT ?)`,
    ).get(creator, LIMITS.openTasksPerCreatorMax);
    const open = Number(row?.["n"] ?? 0);
    if (open >= LIMITS.openTasksPerCreatorMax) {
      throw new ValidationError(
        `${creator} created ${formatCount(open)} tasks that are not done; the limit is ` +
          `${
            formatCount(LIMITS.openTasksPerCreatorMax)
          } per agent. Finish some first (update_task to done).`,
      );
    }
  }

  /** Tasks, highest priority first, then oldest first; optionally filtered. */
  list(filter: Omit<TaskFilter, "mineFirst"> & { mineFirst?: string | undefined } = {}): Task[] {
    const mineFirst = filter.mineFirst === undefined
      ? undefined
      : this.#ctx.directory.require(filter.mineFirst, "agent_name");
    return this.#queries.list({ ...filter, mineFirst });
  }

  /**
   * A page of list(filter) (TaskQueries.page); with `since` (a changes_cursor), only the tasks
   * changed after it, oldest change first. `changes_cursor` marks now: passed as `since` later,
   * it gives what changed after this call.
   */
  page(
    filter: Omit<TaskFilter, "mineFirst" | "limit" | "offset" | "changedAfter"> & {
      mineFirst?: string | undefined;
      since?: string | undefined;
    },
    page: PageRequest = {},
  ): Page<Task> & { changes_cursor: string } {
    const { since, ...rest } = filter;
    const mineFirst = rest.mineFirst === undefined
      ? undefined
      : this.#ctx.directory.require(rest.mineFirst, "agent_name");
    const changedAfter = since === undefined ? undefined : Number(
      cursorKey(since, ["number"], "list_tasks", { name: "since", from: "changes_cursor" })[0],
    );
    return this.#ctx.tx.run(() => {
      // Every change commits one at a time with its own now: any change after this call is
      // stamped at or after now, so the cursor is the millisecond before (a change in this
      // very millisecond may show twice, never not at all).
      const changes_cursor = cursorOf([this.#ctx.clock.now() - 1]);
      return { ...this.#queries.page({ ...rest, mineFirst, changedAfter }, page), changes_cursor };
    });
  }

  get(id: number): Task {
    return this.#queries.get(id);
  }

  /** How many tasks are in each status (TaskQueries.countByStatus). */
  countByStatus(): Record<TaskStatus, number> {
    return this.#queries.countByStatus();
  }

  /** The oldest task `agent` has in progress (TaskQueries.workingOn). */
  workingOn(agent: string): { id: number; title: string } | undefined {
    return this.#queries.workingOn(agent);
  }

  /** The open tasks and taken reviews of `agent` (TaskQueries.heldBy). */
  heldBy(agent: string): ReturnType<TaskQueries["heldBy"]> {
    return this.#queries.heldBy(agent);
  }

  /**
   * The task and its newest activity (TaskQueries.detail), with the linked messages `viewer`
   * may read: null is a session with no agent (none); by default the operator's view (all).
   */
  detail(
    taskId: number,
    page: PageRequest = {},
    viewer: Actor | null = SYSTEM_ACTOR,
    subtasks: PageRequest = {},
  ): TaskDetail {
    const reader = messageReaderFor(viewer === null ? null : this.#ctx.principals.resolve(viewer));
    return this.#queries.detail(taskId, reader, page, subtasks);
  }

  /**
   * The pending task the agent should take next (TaskQueries.nextFor), skipping tasks whose
   * declared paths another agent has leased. TaskLeases.next claims it with its leases.
   */
  next(input: { by: Actor }): Task | null {
    return this.nextOrWhy(input).task;
  }

  /** next(), and when it finds nothing, why (TaskQueries.whyNothing). */
  nextOrWhy(input: { by: Actor }): { task: Task; why?: undefined } | { task: null; why: string } {
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      if (who.agent === null || who.role === null) {
        return { task: null, why: "Only a registered agent is offered tasks." };
      }
      const member = { name: who.agent, role: who.role };
      const scan = this.#queries.scanFor(member, this.#blockerFor(who.agent));
      if (scan.id !== null) return { task: this.get(scan.id) };
      return { task: null, why: this.#queries.whyNothing(member, scan.leased) };
    });
  }

  /**
   * Claims a task. A pending task becomes in_progress with the claimer as assignee. A task
   * awaiting review is claimed for review: the claimer becomes its reviewer (never the task's
   * own assignee).
   */
  claim(input: { taskId: number; by: Actor }): Task {
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      const before = this.get(input.taskId);
      const attempt = { who, what: `claim task ${before.id}`, field: "task_id" };
      const now = this.#ctx.clock.now();
      if (before.status === "awaiting_review") {
        if (before.review_claimed_at !== null) {
          throw new ConflictError(
            `The review of task ${before.id} is already claimed by '${before.reviewer}'.`,
          );
        }
        enforce(
          mayClaimReview(who, before),
          { ...attempt, what: `review task ${before.id}` },
          this.#ctx.roles,
        );
        const changed = this.#ctx.sql.get(
          `UPDATE tasks SET reviewer = ?, review_claimed_at = ?, updated_at = ?
           WHERE id = ? AND status = 'awaiting_review' AND review_claimed_at IS NULL`,
        ).run(who.label, now, now, before.id).changes;
        if (Number(changed) === 0) throw new ConflictError(`Task ${before.id} changed; try again.`);
        const task = this.get(before.id);
        this.#ctx.publisher.publish({ type: "task.review_claimed", by: who.actor, task });
        return task;
      }
      if (before.status !== "pending") {
        throw new ConflictError(
          before.status === "done"
            ? `Task ${before.id} is done${
              before.assignee ? ` (by '${before.assignee}')` : ""
            }: there is nothing to claim.`
            : before.assignee
            ? `Task ${before.id} is already claimed by '${before.assignee}' (status ${before.status}` +
              `${describeHolder(this.#ctx.directory, before.assignee)}).`
            : `Task ${before.id} cannot be claimed: its status is ${before.status}, not pending.`,
        );
      }
      this.#structure.requireUnblocked(before.id, "be claimed");
      this.#structure.requireNoOpenSubtasks(before.id, "be claimed");
      enforce(mayClaimTask(who, before), attempt, this.#ctx.roles);
      const changed = this.#ctx.sql.get(
        `UPDATE tasks SET status = 'in_progress', assignee = ?, claimed_at = ?, updated_at = ?
         WHERE id = ? AND status = 'pending'`,
      ).run(who.label, now, now, before.id).changes;
      if (Number(changed) === 0) throw new ConflictError(`Task ${before.id} changed; try again.`);
      const task = this.get(before.id);
      this.#ctx.publisher.publish({ type: "task.claimed", by: who.actor, before, task });
      this.#afterStatusChange(before, task, who);
      return task;
    });
  }

  /**
   * Sets a task's status (and result, reviewer, parent, dependencies): its creator, assignee,
   * reviewer or a holder of update_any_task. Moving a task to awaiting_review asks its reviewer
   * (or the reviewers, or everyone) for a review and clears the last review note. Moving it on
   * from awaiting_review (done, or back to in_progress) is a review's verdict when someone
   * other than its assignee does it: whoever may claim its review may give it, the result is
   * the review note, and the assignee is told in its inbox.
   */
  update(input: UpdateTaskInput): Task {
    if (input.result !== undefined) checkResult(input.result);
    const changes = [input.status, input.result, input.reviewer, input.parentId]
      .some((value) => value !== undefined) ||
      (input.addBlockedBy?.length ?? 0) + (input.removeBlockedBy?.length ?? 0) > 0;
    if (!changes) {
      throw new ValidationError(
        `task_id: nothing to change on task ${input.taskId}: give status, result, reviewer, ` +
          "parent_id, add_blocked_by or remove_blocked_by. Nothing changed.",
      );
    }
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      const before = this.get(input.taskId);
      const reviewer = this.#optionalMember(input.reviewer, "reviewer");
      const verdict = verdictOf(who, before, input.status);
      const own = selfApproval(who, before, input.status);
      if (own !== null) throw new ForbiddenError(own);
      const onlyVerdict = verdict !== null && input.reviewer === undefined &&
        input.parentId === undefined && !input.addBlockedBy?.length &&
        !input.removeBlockedBy?.length;
      enforce(
        onlyVerdict ? mayGiveVerdict(who, before) : mayUpdateTask(who, before),
        { who, what: `${onlyVerdict ? "review" : "update"} task ${before.id}`, field: "task_id" },
        this.#ctx.roles,
      );
      const same = (given: unknown, now: unknown) => given === undefined || given === now;
      if (
        same(input.status, before.status) && same(input.result, before.result) &&
        same(reviewer, before.reviewer) && same(input.parentId, before.parent_id) &&
        !input.addBlockedBy?.length && !input.removeBlockedBy?.length
      ) {
        throw new ValidationError(
          `task_id: nothing to change on task ${before.id}: it already has what was given. ` +
            "Nothing changed.",
        );
      }
      if (input.parentId !== undefined) {
        this.#structure.checkParent(before.id, input.parentId);
        const open = (input.status ?? before.status) !== "done";
        this.#attachable(who, input.parentId, `move task ${before.id}`, open);
        this.#ctx.sql.get("UPDATE tasks SET parent_id = ? WHERE id = ?").run(
          input.parentId,
          before.id,
        );
      }
      this.#structure.removeBlockers(before.id, input.removeBlockedBy ?? []);
      this.#structure.addBlockers(before.id, input.addBlockedBy ?? []);
      const status = input.status ?? before.status;
      // The reviewer's result on a task awaiting review is its review note: the author's
      // result stays.
      const reviewing = verdict !== null || (before.status === "awaiting_review" &&
        isAgentNamed(who, before.reviewer) && !isAgentNamed(who, before.assignee));
      const result = reviewing ? undefined : input.result;
      const reviewNote = reviewing ? input.result : undefined;
      this.#guardStatus(before, status);
      const now = this.#ctx.clock.now();
      const handOver = status === "awaiting_review" && before.status !== "awaiting_review";
      const notes = verdict !== null || reviewNote !== undefined;
      this.#ctx.sql.get(
        `UPDATE tasks SET status = :status, result = coalesce(:result, result),
           review_note = CASE WHEN :hand_over THEN NULL WHEN :notes THEN :review_note
                         ELSE review_note END,
           review_verdict = CASE WHEN :hand_over THEN NULL WHEN :notes THEN :verdict
                            ELSE review_verdict END,
           review_by = CASE WHEN :hand_over THEN NULL WHEN :notes THEN :by ELSE review_by END,
           review_at = CASE WHEN :hand_over THEN NULL WHEN :notes THEN :now ELSE review_at END,
           reviewer = coalesce(:reviewer, reviewer), updated_at = :now,
           assignee = CASE WHEN :status = 'in_progress' AND assignee IS NULL THEN :agent
                      ELSE assignee END,
           claimed_at = CASE WHEN :status = 'in_progress' AND claimed_at IS NULL
                          AND :agent IS NOT NULL THEN :now ELSE claimed_at END,
           review_claimed_at = CASE WHEN :status = 'awaiting_review' THEN review_claimed_at
                               ELSE NULL END,
           completed_at = CASE WHEN :status <> 'done' THEN NULL
                          WHEN status = 'done' THEN completed_at ELSE :now END
         WHERE id = :id`,
      ).run({
        status,
        result: result ?? null,
        hand_over: handOver ? 1 : 0,
        notes: notes ? 1 : 0,
        review_note: reviewNote ?? null,
        verdict,
        by: who.label,
        // A verdict's giver becomes the reviewer of a task that had none.
        reviewer: reviewer ?? (verdict !== null && before.reviewer === null ? who.agent : null),
        now,
        // A verdict leaves the assignee as it was; another move to in_progress takes the task.
        agent: verdict === null ? who.agent : null,
        id: before.id,
      });
      const task = this.get(before.id);
      const recipient = verdict === null ? null : verdictRecipient(task, who.label);
      const told = recipient !== null && this.#ctx.directory.find(recipient) ? recipient : null;
      this.#ctx.publisher.publish({
        type: "task.updated",
        by: who.actor,
        before,
        task,
        result,
        reviewNote,
        verdict: verdict === null ? undefined : { verdict, told },
        reviewers: handOver && task.reviewer === null
          ? this.#ctx.directory.withRoles(this.#ctx.roles.rolesWithAffinity(REVIEW_AFFINITY))
          : [],
      });
      // Sent back, the task is in progress again: its files are its assignee's again.
      const relet = verdict === "changes" ? this.#sentBack(task) : undefined;
      if (verdict !== null && told !== null) {
        this.#messenger({
          by: who.actor,
          recipient: told,
          taskId: task.id,
          ...verdictMessage(task, verdict, who.label, reviewNote ?? null, relet),
        });
      }
      if (handOver) this.#handedOver(task.id, who.actor);
      this.#afterStatusChange(before, task, who);
      return task;
    });
  }

  /** Hands a task to another agent: its creator, its assignee or a holder of update_any_task. */
  reassign(input: { taskId: number; by: Actor; newAssignee: string }): Task {
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      const newAssignee = this.#ctx.directory.require(input.newAssignee, "new_assignee").name;
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
      enforce(
        mayReassignTask(who, before),
        { who, what: `reassign task ${before.id}`, field: "task_id" },
        this.#ctx.roles,
      );
      this.#ctx.sql.get("UPDATE tasks SET assignee = ?, updated_at = ? WHERE id = ?")
        .run(newAssignee, this.#ctx.clock.now(), before.id);
      const task = this.get(before.id);
      this.#ctx.publisher.publish({ type: "task.reassigned", by: who.actor, before, task });
      return task;
    });
  }

  /**
   * Adds a comment to a task. Anyone may comment. A `blocker` moves the task to blocked and a
   * `resolution` on a blocked task moves it back to in_progress; those two change the task, so
   * only those who may update it may post them.
   */
  comment(
    input: { taskId: number; by: Actor; content: string; type?: CommentType | undefined },
  ): { comment: TaskComment; task: Task } {
    checkContent(input.content);
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
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
        enforce(
          mayUpdateTask(who, before),
          { who, what: `post a ${type} on task ${before.id}`, field: "task_id" },
          this.#ctx.roles,
        );
        if (type === "blocker" && before.status === "done") {
          throw new ConflictError(
            `Task ${before.id} is done; reopen it with update_task before posting a blocker.`,
          );
        }
        if (type === "blocker") status = "blocked";
        // A container is never in progress: its subtasks are.
        if (type === "resolution" && before.status === "blocked") {
          status = this.#structure.openSubtasks(before.id).length ? "pending" : "in_progress";
        }
      }
      const now = this.#ctx.clock.now();
      const id = this.#activity.record(before.id, {
        agent: who.label,
        type,
        content: input.content,
      });
      this.#ctx.sql.get(
        `UPDATE tasks SET status = ?, updated_at = ?,
           review_claimed_at = CASE WHEN ? = 'awaiting_review' THEN review_claimed_at ELSE NULL END
         WHERE id = ?`,
      ).run(status, now, status, before.id);
      const task = this.get(before.id);
      const comment: TaskComment = {
        id,
        task_id: before.id,
        agent: who.label,
        type,
        content: input.content,
        at: toIso(now),
      };
      this.#ctx.publisher.publish({
        type: "task.commented",
        by: who.actor,
        before,
        task,
        comment,
        escalateTo: type === "blocker" ? this.#escalationTargets(who) : [],
      });
      this.#afterStatusChange(before, task, who);
      return { comment, task };
    });
  }

  /**
   * Gives a task back to the board: pending, no assignee (its agent left or is away too
   * long). Only for pending or in-progress tasks; the table does it (departures.ts).
   */
  release(input: { taskId: number; reason: string; by: Actor }): Task {
    return this.#ctx.tx.run(() => {
      const before = this.get(input.taskId);
      const changed = this.#ctx.sql.get(
        `UPDATE tasks SET status = 'pending', assignee = NULL, claimed_at = NULL, updated_at = ?
         WHERE id = ? AND status IN ('pending', 'in_progress')`,
      ).run(this.#ctx.clock.now(), before.id).changes;
      if (Number(changed) === 0) {
        throw new ConflictError(`Task ${before.id} is ${before.status}; only open tasks go back.`);
      }
      const task = this.get(before.id);
      this.#ctx.publisher.publish({
        type: "task.released",
        by: input.by,
        before,
        task,
        reason: input.reason,
      });
      this.#offer(task.id, input.by, "released");
      return task;
    });
  }

  /** Marks a task as touched (a linked message arrived). Call inside a transaction. */
  touch(taskId: number): void {
    this.#ctx.sql.get("UPDATE tasks SET updated_at = ? WHERE id = ?").run(
      this.#ctx.clock.now(),
      taskId,
    );
  }

  /**
   * A task with open blockers cannot start or finish; one with open subtasks cannot start, be
   * handed over for review or finish (its subtasks finish it); a done subtask of a done parent
   * is not reopened alone.
   */
  #guardStatus(before: Task, status: TaskStatus): void {
    if (status === before.status) return;
    if (status === "in_progress") this.#structure.requireUnblocked(before.id, "start");
    if (status === "done") this.#structure.requireUnblocked(before.id, "be done");
    const goal = status === "in_progress"
      ? "start"
      : status === "awaiting_review"
      ? "await review"
      : status === "done"
      ? "be done"
      : null;
    if (goal !== null) this.#structure.requireNoOpenSubtasks(before.id, goal);
    if (before.status === "done" && before.parent_id !== null) {
      const parent = this.get(before.parent_id);
      if (parent.status === "done") {
        throw new ConflictError(
          `Task ${before.id} cannot be reopened: its parent #${parent.id} "${parent.title}" is ` +
            "done; reopen the parent first (update_task status pending).",
        );
      }
    }
  }

  /**
   * When a task is done, the tasks that waited only for it become claimable, and a parent
   * whose subtasks are now all done is announced.
   */
  #afterStatusChange(before: Task, task: Task, who: Principal): void {
    if (task.status === before.status || task.status !== "done") return;
    for (const id of this.#structure.newlyUnblocked(task.id)) {
      this.#ctx.publisher.publish({
        type: "task.unblocked",
        by: who.actor,
        task: this.get(id),
        blocker: task.id,
      });
      this.#offer(id, who.actor, "unblocked");
    }
    if (task.parent_id !== null && this.#structure.allChildrenDone(task.parent_id)) {
      const parent = this.get(task.parent_id);
      this.#ctx.publisher.publish({
        type: "task.subtasks_complete",
        by: who.actor,
        task: parent,
        subtasks: this.#structure.children(parent.id).length,
      });
    }
  }

  /** Who the author's role escalates blockers to (a role's members, or one agent). */
  #escalationTargets(who: Principal): string[] {
    if (who.role === null) return [];
    const escalation = this.#ctx.roles.get(who.role).escalation;
    if (!escalation) return [];
    if (escalation.agent !== undefined) return [escalation.agent];
    return this.#ctx.directory.withRoles(escalation.role === undefined ? [] : [escalation.role]);
  }

  /**
   * Refuses unless `who` may hang a task under `parentId` (its parties decide its subtasks), and
   * an `open` one under a parent that is done (a done task with open subtasks would be a lie).
   */
  #attachable(who: Principal, parentId: number, what: string, open: boolean): void {
    this.#structure.checkParent(null, parentId);
    const parent = this.get(parentId);
    enforce(
      mayAttachSubtask(who, parent),
      { who, what: `${what} under task ${parentId}`, field: "parent_id" },
      this.#ctx.roles,
    );
    if (open && parent.status === "done") {
      throw new ConflictError(
        `parent_id: task ${parentId} is done; reopen it with update_task (status pending) ` +
          "before adding open subtasks under it.",
      );
    }
  }

  #optionalMember(name: string | undefined, field: string): string | null {
    return name === undefined ? null : this.#ctx.directory.require(name, field).name;
  }
}
