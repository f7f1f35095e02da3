/**
 * A coder: takes work with `next_task` (claim: the task and its files leased in one call),
 * "works", comments, writes to a teammate in the team's thread, and hands over for review with
 * `take_next` (the hand-over frees its files and claims its next task in the same call). Idle,
 * it reads waiting mail and waits for a push that may bring work (task_available, its task sent
 * back) rather than asking again and again.
 */
import type { AgentClient } from "./agent_client.ts";
import { acknowledgePushed, readMail } from "./mail.ts";
import type { Push } from "./push_queue.ts";
import type { Rng } from "./rng.ts";
import { sleep } from "./rng.ts";
import type { Team } from "./team.ts";

export interface Task {
  id: number;
  title: string;
  /** The files it declares (its claim leased them). */
  paths: string[];
}

/**
 * The faults of a run, shared by the coders: each is played once, by the first coder it fits
 * (then removed).
 */
export interface Faults {
  /** A stdio coder midway through a task with files; returns the task as it found it again. */
  crash?: ((coder: Coder, task: Task) => Promise<Task>) | undefined;
  /** An HTTP coder after a hand-over or a `next_task` that found nothing. */
  drop?: ((coder: Coder) => Promise<void>) | undefined;
}

/** A push that may mean work for this coder: offered, given, unblocked, or sent back. */
function _mayBeWork(push: Push): boolean {
  return push.type === "task_available" || push.type === "task_created" ||
    push.type === "lease_freed" ||
    push.type === "task_unblocked" || (push.type === "task_updated" && push.status === "pending");
}

export class Coder {
  /** The newest message of the team's thread this coder has seen (it replies to it). */
  #thread: number | undefined;
  /** The last hand-over's result said nothing is free for this coder (it waits for a push). */
  #nothingNext = false;
  /** The task the last hand-over claimed for it (take_next). */
  #taken: Task | undefined;
  /** The tasks it has handed over (one sent back is done again, without a new message). */
  readonly #handedOver = new Map<number, Task>();
  /** Tasks sent back to it whose files the verdict leased to it again: work, no claim. */
  readonly #relet: Task[] = [];
  /** Tasks sent back to it whose files others held then: leased with reserve_paths first. */
  readonly #held: Task[] = [];

  constructor(
    readonly agent: AgentClient,
    readonly rng: Rng,
    readonly team: Team,
    readonly faults: Faults = {},
  ) {}

  async run(): Promise<void> {
    while (!this.team.over && Date.now() < this.team.deadline) {
      await this.#notice(this.agent.pushes.take());
      const relet = this.#taken === undefined ? this.#relet.shift() : undefined;
      const task = this.#taken ?? relet ?? await this.#lease() ??
        (this.#nothingNext ? undefined : await this.take());
      this.#nothingNext = false;
      this.#taken = undefined;
      if (task === undefined) {
        await this.#playDrop();
        await this.#idle();
        continue;
      }
      await this.#work(task);
    }
  }

  /** Takes the next task with its files leased (next_task claim); undefined: none for now. */
  async take(): Promise<Task | undefined> {
    const outcome = await this.agent.call("next_task", { claim: true });
    if (outcome.isError || outcome.data["claimed"] !== true) return undefined;
    return this.#claimed(outcome.data);
  }

  /**
   * A task sent back whose files others held: leases them (reserve_paths, told when they free
   * if refused); the task once they are its.
   */
  async #lease(): Promise<Task | undefined> {
    const task = this.#held[0];
    if (task === undefined) return undefined;
    const lease = await this.agent.ok("reserve_paths", {
      paths: task.paths,
      task_id: task.id,
      notify_when_free: true,
    });
    if (lease["granted"] !== true) return undefined;
    this.#held.shift();
    this.#hold(task);
    return task;
  }

  /** It holds the task and its files from now on (the ledger's claims and holds). */
  #hold(task: Task): void {
    this.team.ledger.task(task.id).claims.push({ agent: this.agent.name, at: Date.now() });
    if (task.paths.length > 0) {
      this.team.ledger.holds.push({ agent: this.agent.name, paths: task.paths, from: Date.now() });
    }
  }

  /** A claim's result (next_task's, or a hand-over's `taken`), written to the ledger. */
  #claimed(data: Record<string, unknown>): Task {
    const task = data["task"] as { id: number; title: string; paths?: string[] };
    const at = Date.now();
    this.team.ledger.task(task.id).claims.push({ agent: this.agent.name, at });
    const leased = ((data["leases"] ?? []) as { path: string }[]).map((l) => l.path);
    if (leased.length > 0) {
      this.team.ledger.holds.push({ agent: this.agent.name, paths: leased, from: at });
    }
    return { id: task.id, title: task.title, paths: task.paths ?? [] };
  }

  /** Acknowledges what asks for it and follows the team's thread, from the pushes alone. */
  async #notice(pushes: Push[]): Promise<void> {
    await acknowledgePushed(this.agent, pushes);
    for (const push of pushes) {
      // A verdict that sent its task back: back to work, its files leased to it again (or,
      // when others held them, to be leased first).
      const mine = push.taskId === undefined ? undefined : this.#handedOver.get(push.taskId);
      if (push.type === "message" && mine && push.text?.includes("Changes requested")) {
        if (push.text.includes("files leased to you again")) {
          this.#relet.push(mine);
          this.#hold(mine);
        } else {
          this.#held.push(mine);
        }
      }
      const fromTeam = push.sender !== undefined && this.team.coders.includes(push.sender);
      if (push.type === "message" && fromTeam && push.messageId !== undefined) {
        this.#thread = Math.max(this.#thread ?? 0, push.messageId);
      }
    }
  }

  /** Nothing to take: reads waiting mail, then waits for a push that may bring work. */
  async #idle(): Promise<void> {
    await readMail(this.agent);
    const until = Date.now() + this.team.idleMs;
    while (!this.team.over && Date.now() < until) {
      await this.agent.pushes.wait(Math.min(500, until - Date.now()));
      const pushes = this.agent.pushes.take();
      if (pushes.some(_mayBeWork)) {
        // What came with it (a verdict's message follows its task change) is read too.
        await this.agent.pushes.wait(100);
        pushes.push(...this.agent.pushes.take());
      }
      await this.#notice(pushes);
      if (pushes.some(_mayBeWork) || this.#relet.length + this.#held.length > 0) return;
    }
  }

  async #work(claimed: Task): Promise<void> {
    const workMs = this.rng.int(...this.team.workMs);
    await sleep(workMs / 2);
    let task = claimed;
    const crash = this.faults.crash;
    const stdio = this.agent.connection.kind === "stdio";
    if (crash !== undefined && stdio && task.paths.length > 0) {
      this.faults.crash = undefined;
      task = await crash(this, task);
    }
    await sleep(workMs / 2);
    // A task sent back is fixed and commented on again; its one thread message was said.
    const again = this.#handedOver.has(task.id);
    this.#handedOver.set(task.id, task);
    await this.agent.ok("task_comment", {
      task_id: task.id,
      content: again
        ? "Fixed what the review asked for; tests pass."
        : `Implemented ${task.paths.join(", ") || "the parent's wiring"}; tests pass.`,
    });
    if (!again) await this.#tellTeammate(task);
    // The hand-over ends the task's leases: its files are free from this call on. It also
    // claims the coder's next task (take_next), or says why there is none.
    const handing = Date.now();
    const handed = await this.agent.ok("update_task", {
      task_id: task.id,
      status: "awaiting_review",
      result: `Done: ${task.title}.`,
      take_next: true,
    });
    this.team.ledger.release(this.agent.name, handing, task.paths);
    this.team.ledger.task(task.id).handOvers.push({ agent: this.agent.name, at: handing });
    const taken = handed["taken"] as Record<string, unknown> | undefined;
    if (taken !== undefined) this.#taken = this.#claimed(taken);
    // Nothing taken: its `next` says why (then it waits to be told).
    this.#nothingNext = taken === undefined;
    const restart = this.team.ledger.restart;
    if (restart?.agent === this.agent.name && restart.taskId === task.id) {
      restart.handedOverAfter = true;
    }
    await this.#playDrop();
  }

  /** The drop, if it is still to play and this coder is on HTTP (after a hand-over, or idle). */
  async #playDrop(): Promise<void> {
    const drop = this.faults.drop;
    if (drop === undefined || this.agent.connection.kind !== "http") return;
    this.faults.drop = undefined;
    await drop(this);
  }

  /** One message in the team's thread: a reply to its newest message, or the first one. */
  async #tellTeammate(task: Task): Promise<void> {
    const others = this.team.coders.filter((name) => name !== this.agent.name);
    if (others.length === 0) return;
    const sent = await this.agent.ok("send_message", {
      recipient: this.rng.pick(others),
      content: `#${task.id} is ready for review; its files are free now.`,
      task_id: task.id,
      ...(this.#thread === undefined ? { subject: "export feature" } : { reply_to: this.#thread }),
    });
    this.#thread = (sent["message"] as { id: number }).id;
  }
}
