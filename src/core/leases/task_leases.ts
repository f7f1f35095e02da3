/**
 * Tasks and the files they touch: a task may declare its paths when it is created, and a claim
 * may take the task and its leases in one transaction (both or neither).
 */
import type { Transactor } from "../../db/transaction.ts";
import { checkLeasePaths } from "../input_rules/lease_paths.ts";
import type { Task } from "../tasks/task_model.ts";
import type { CreateTaskInput, TaskStore } from "../tasks/task_store.ts";
import type { Actor } from "../actor.ts";
import type { Lease } from "./lease.ts";
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
    return this.#tx.run(() => {
      const task = this.#tasks.create(input);
      return { task, paths: paths ? this.#leases.declareTaskPaths(task.id, paths) : [] };
    });
  }

  /**
   * Claims a task and, with `paths`, leases them for it (exclusive): if any path is held by
   * another agent, nothing changes and the error names each conflict.
   */
  claim(input: {
    taskId: number;
    by: Actor;
    paths?: readonly string[] | undefined;
    ttl?: number | undefined;
  }): { task: Task; leases: Lease[] } {
    const paths = input.paths === undefined ? undefined : checkLeasePaths(input.paths);
    return this.#tx.run(() => {
      const task = this.#tasks.claim({ taskId: input.taskId, by: input.by });
      if (paths === undefined) return { task, leases: [] };
      const leases = this.#leases.reserveForTask({
        by: input.by,
        paths,
        ttl: input.ttl,
        taskId: task.id,
        reason: `task #${task.id}: ${task.title}`.slice(0, 200),
      });
      return { task, leases };
    });
  }
}
