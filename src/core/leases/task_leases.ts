/**
 * Tasks and the files they touch: a task may declare its paths when it is created, and its
 * claim takes the task and leases on them in one transaction (both or neither).
 */
import type { Transactor } from "../../db/transaction.ts";
import { checkLeasePaths } from "../input_rules/lease_paths.ts";
import type { Task } from "../tasks/task_model.ts";
import type { CreateTaskInput, TaskStore } from "../tasks/task_store.ts";
import { type Actor, actorLabel } from "../actor.ts";
import { ConflictError, TableError } from "../errors.ts";
import { describeConflict, type Lease } from "./lease.ts";
import type { LeaseStore } from "./lease_store.ts";

export class TaskLeases {
  readonly #tx: Transactor;
  readonly #tasks: TaskStore;
  readonly #leases: LeaseStore;

  constructor(deps: { tx: Transactor; tasks: TaskStore; leases: LeaseStore }) {
    this.#tx = deps.tx;
    this.#tasks = deps.tasks;
    this.#leases = deps.leases;
  }

  /** Creates a task that declares the paths it will touch (next_task skips it while leased). */
  create(input: CreateTaskInput & { paths?: readonly string[] | undefined }): {
    task: Task;
    paths: string[];
  } {
    const paths = input.paths === undefined ? undefined : checkLeasePaths(input.paths);
    const task = this.#tasks.create({ ...input, paths });
    return { task, paths: paths ?? [] };
  }

  /**
   * Claims a task and leases, exclusively and for it, the paths it declared and the `paths`
   * given: all of them or, when any is held by another agent, nothing (neither the claim nor
   * a lease), and the error names each holder, its paths and until when. The claim of a
   * review leases only the paths given (and a reviewer holds no task leases: refused).
   */
  claim(input: {
    taskId: number;
    by: Actor;
    paths?: readonly string[] | undefined;
    ttl?: number | undefined;
  }): { task: Task; leases: Lease[] } {
    const given = input.paths === undefined ? [] : checkLeasePaths(input.paths);
    return this.#tx.run(() => {
      const task = this.#tasks.claim({ taskId: input.taskId, by: input.by });
      const declared = task.status === "in_progress" ? task.paths ?? [] : [];
      const paths = [...new Set([...declared, ...given])];
      if (paths.length === 0) return { task, leases: [] };
      const reserved = this.#leases.reserve({
        by: input.by,
        paths,
        ttl: input.ttl,
        taskId: task.id,
        reason: `task #${task.id}: ${task.title}`.slice(0, 200),
      });
      if (!reserved.granted) {
        throw new ConflictError(
          `paths: task ${task.id} was not claimed: ${
            new Set(reserved.conflicts.map((c) => c.path)).size
          } of its paths ` +
            `are leased by others: ${reserved.conflicts.map(describeConflict).join("; ")}. ` +
            "Nothing changed. Claim it once they are free (reserve_paths notify_when_free " +
            "tells you), or take another task (next_task skips those).",
        );
      }
      return { task, leases: reserved.leases };
    });
  }

  /**
   * After `by` put its task down (`before` in progress and its, `after` not) with nothing else
   * in progress: what it would take next, or why nothing, in one line, so it does not have to
   * ask next_task to learn that it should wait. Undefined for any other change.
   */
  nextAfter(input: { by: Actor; before: Task; after: Task }): string | undefined {
    const { before, after } = input;
    if (before.status !== "in_progress" || after.status === "in_progress") return undefined;
    const agent = before.assignee;
    if (agent === null || this.#tasks.workingOn(agent) !== undefined) return undefined;
    if (actorLabel(input.by)?.toLowerCase() !== agent.toLowerCase()) return undefined;
    const { task, why } = this.#tasks.nextOrWhy({ by: input.by });
    return task === null
      ? why
      : `#${task.id} "${task.title}" is next for you: next_task claims it.`;
  }

  /**
   * update_task's take_next: after `by`'s change, claims what next_task would give it (its
   * declared paths leased), or says why nothing, in one line (one is its task still in
   * progress: one at a time). A claim refused meanwhile is said,
   * not thrown: the change before it stands.
   */
  takeNext(by: Actor): { task: Task; leases: Lease[] } | { task?: undefined; why: string } {
    const agent = actorLabel(by);
    const busy = agent === null ? undefined : this.#tasks.workingOn(agent);
    if (busy !== undefined) {
      return { why: `#${busy.id} "${busy.title}" is still in progress for you: nothing taken.` };
    }
    try {
      const next = this.next({ by, claim: true });
      if (next.task !== null && next.claimed) return { task: next.task, leases: next.leases ?? [] };
      return { why: next.why ?? "Nothing to take." };
    } catch (error) {
      if (error instanceof TableError) return { why: error.message };
      throw error;
    }
  }

  /**
   * The task `by` should take next (TaskStore.next); with `claim`, claimed with its declared
   * paths leased, in the same transaction (next_task passes over tasks whose paths others
   * lease, so the lease is granted).
   */
  next(input: { by: Actor; claim: boolean; ttl?: number | undefined }): {
    task: Task | null;
    claimed: boolean;
    leases?: Lease[];
    /** When there is none: why, in one line. */
    why?: string;
  } {
    return this.#tx.run(() => {
      const { task: offered, why } = this.#tasks.nextOrWhy({ by: input.by });
      if (offered === null) return { task: null, claimed: false, why };
      if (!input.claim) return { task: offered, claimed: false };
      const { task, leases } = this.claim({ taskId: offered.id, by: input.by, ttl: input.ttl });
      return { task, claimed: true, ...(leases.length ? { leases } : {}) };
    });
  }
}
