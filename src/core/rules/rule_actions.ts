/**
 * What rule actions may do to the table: the narrow set of commands the rule engine calls,
 * each acting as the rule (`rule:NAME`). createTable wires them to the stores.
 */
import type { Actor } from "../actor.ts";
import type { RuleChange } from "../changes/change.ts";
import type { Task, TaskPriority, TaskStatus } from "../tasks/task_model.ts";

export interface RuleActions {
  getTask(id: number): Task;
  setStatus(input: { taskId: number; status: TaskStatus; by: Actor }): Task;
  comment(input: { taskId: number; content: string; by: Actor }): void;
  assign(input: { taskId: number; agent: string; by: Actor }): Task;
  sendMessage(
    input: { recipient: string; content: string; taskId: number | undefined; by: Actor },
  ): void;
  createTask(input: {
    title: string;
    description: string | undefined;
    priority: TaskPriority | undefined;
    type: string | undefined;
    assignee: string | undefined;
    parentId: number | undefined;
    by: Actor;
  }): Task;
  /** The id of the pending task that suits `agent` (TaskQueries.nextFor), if any. */
  nextTaskFor(agent: string): number | null;
  /** The id of a pending or in-progress task `agent` holds, if any. */
  openTaskOf(agent: string): number | null;
  membersWithRole(role: string): string[];
  /** Records a firing or a stop at the chain limit (audit and task feed). */
  record(change: RuleChange): void;
}
