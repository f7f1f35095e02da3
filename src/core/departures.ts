/**
 * Work does not stay with agents who left. A task claimed by or assigned to an agent that has
 * been away longer than the limit, or that deregistered, goes back to pending without an
 * assignee: a feed line, an audit entry, and a message to its creator say so (and, when it
 * was away, to the agent: it reads it when it comes back).
 */
import type { Actor } from "./actor.ts";
import { SYSTEM_ACTOR } from "./actor.ts";
import { toIso } from "./clock.ts";
import type { Member } from "./members/member.ts";
import type { MemberStore } from "./members/member_store.ts";
import type { MessageStore } from "./messages/message_store.ts";
import { int, text } from "./rows.ts";
import type { StoreContext } from "./store_context.ts";
import type { Task } from "./tasks/task_model.ts";
import type { TaskStore } from "./tasks/task_store.ts";

export class Departures {
  readonly #ctx: StoreContext;
  readonly #members: MemberStore;
  readonly #tasks: TaskStore;
  readonly #messages: MessageStore;

  constructor(
    deps: {
      ctx: StoreContext;
      members: MemberStore;
      tasks: TaskStore;
      messages: MessageStore;
    },
  ) {
    this.#ctx = deps.ctx;
    this.#members = deps.members;
    this.#tasks = deps.tasks;
    this.#messages = deps.messages;
  }

  /** The agent leaves: it is marked gone, its name is free, its open tasks go back. */
  deregister(by: Actor): { member: Member; released: Task[] } {
    return this.#ctx.tx.run(() => {
      const member = this.#members.deregister(by);
      const released = this.#openTasksOf(member.name).map((id) =>
        this.#release(id, `${member.name} left the table`)
      );
      return { member, released };
    });
  }

  /** The operator removes a member (MemberStore.remove); its open tasks go back. */
  remove(input: { name: string; by: Actor }): { member: Member; released: Task[] } {
    return this.#ctx.tx.run(() => {
      const member = this.#members.remove(input);
      const released = this.#openTasksOf(member.name).map((id) =>
        this.#release(id, `${member.name} was removed from the table`)
      );
      return { member, released };
    });
  }

  /**
   * Open tasks of agents away longer than the grace (MemberDirectory.awayReleaseMs) go back to
   * pending. An agent is away when no session, event stream or process of it has been seen.
   */
  releaseAbandoned(): Task[] {
    return this.#ctx.tx.run(() => {
      const now = this.#ctx.clock.now();
      return this.abandoned(now).map((found) => {
        const since = toIso(found.seenAt).slice(11, 16);
        const minutes = Math.round((now - found.seenAt) / 60_000);
        return this.#release(
          found.taskId,
          `${found.agent} has been away since ${since} UTC (${minutes} min)`,
          found.agent,
        );
      });
    });
  }

  /**
   * The open tasks `releaseAbandoned` would give back now, without giving them back (reads
   * only): each with its agent and when that agent was last seen (ms).
   */
  abandoned(now = this.#ctx.clock.now()): { taskId: number; agent: string; seenAt: number }[] {
    return this.#ctx.sql.get(
      `SELECT t.id, m.name, m.seen_at FROM tasks t JOIN members m ON m.name = t.assignee
       WHERE t.status IN ('pending', 'in_progress')
         AND (m.session_id IS NULL OR m.seen_at < :stale) AND m.seen_at < :away
       ORDER BY t.id`,
    ).all({
      stale: this.#ctx.directory.staleBefore(now),
      away: this.#ctx.directory.goneBefore(now),
    }).map((row) => ({
      taskId: int(row, "id"),
      agent: text(row, "name"),
      seenAt: int(row, "seen_at"),
    }));
  }

  #openTasksOf(agent: string): number[] {
    return this.#ctx.sql.get(
      "SELECT id FROM tasks WHERE assignee = ? AND status IN ('pending', 'in_progress') ORDER BY id",
    ).all(agent).map((row) => int(row, "id"));
  }

  /** Gives a task back; `away`: the agent it was taken from, told too. */
  #release(taskId: number, reason: string, away?: string): Task {
    const task = this.#tasks.release({ taskId, reason, by: SYSTEM_ACTOR });
    if (away !== undefined) {
      this.#messages.send({
        by: SYSTEM_ACTOR,
        recipient: away,
        content: `Task #${task.id} "${task.title}" went back to the board, no longer yours: ` +
          `${reason}. next_task offers it again while it is free.`,
        taskId: task.id,
      });
    }
    if (
      this.#ctx.directory.find(task.creator) &&
      task.creator.toLowerCase() !== away?.toLowerCase()
    ) {
      this.#messages.send({
        by: SYSTEM_ACTOR,
        recipient: task.creator,
        content: `Task #${task.id} "${task.title}" is pending again: ${reason}.`,
        taskId: task.id,
      });
    }
    return task;
  }
}
