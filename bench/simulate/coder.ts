/**
 * A coder: waits for a push (or looks again after a while), asks `next_task`, claims the task
 * with its files leased (`claim_task` with paths, both or neither), "works", comments, writes
 * to a teammate in the team's thread, hands over for review and releases its files.
 */
import type { AgentClient } from "./agent_client.ts";
import { readMail } from "./mail.ts";
import { filesOf } from "./plan.ts";
import type { Rng } from "./rng.ts";
import { sleep } from "./rng.ts";
import type { Team } from "./team.ts";

export interface Task {
  id: number;
  title: string;
  description?: string;
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

export class Coder {
  /** The newest message of the team's thread this coder has seen (it replies to it). */
  #thread: number | undefined;

  constructor(
    readonly agent: AgentClient,
    readonly rng: Rng,
    readonly team: Team,
    readonly faults: Faults = {},
  ) {}

  async run(): Promise<void> {
    while (!this.team.over && Date.now() < this.team.deadline) {
      await this.#readMail();
      const task = await this.#take();
      if (task === undefined) {
        await this.#playDrop();
        await this.agent.pushes.wait(this.team.idleMs + this.rng.int(0, 500));
        continue;
      }
      await this.#work(task);
    }
  }

  async #readMail(): Promise<void> {
    const read = await readMail(this.agent, this.agent.pushes.take());
    const fromTeam = read.filter((m) => this.team.coders.includes(m.sender));
    if (fromTeam.length > 0) this.#thread = fromTeam.at(-1)!.id;
  }

  async #take(): Promise<Task | undefined> {
    const offer = (await this.agent.ok("next_task"))["task"] as Task | null;
    if (offer === null) return undefined;
    const paths = filesOf(offer.description);
    const claim = await this.agent.call("claim_task", {
      task_id: offer.id,
      ...(paths.length > 0 ? { paths } : {}),
    });
    if (claim.isError) return undefined; // another coder was faster, or its files are leased
    const at = Date.now();
    this.team.ledger.task(offer.id).claims.push({ agent: this.agent.name, at });
    if (paths.length > 0) this.team.ledger.holds.push({ agent: this.agent.name, paths, from: at });
    return offer;
  }

  async #work(claimed: Task): Promise<void> {
    const workMs = this.rng.int(...this.team.workMs);
    await sleep(workMs / 2);
    let task = claimed;
    const crash = this.faults.crash;
    const stdio = this.agent.connection.kind === "stdio";
    if (crash !== undefined && stdio && filesOf(task.description).length > 0) {
      this.faults.crash = undefined;
      task = await crash(this, task);
    }
    await sleep(workMs / 2);
    const paths = filesOf(task.description);
    await this.agent.ok("task_comment", {
      task_id: task.id,
      content: `Implemented ${paths.join(", ") || "the parent's wiring"}; tests pass.`,
    });
    await this.#tellTeammate(task);
    await this.agent.ok("update_task", {
      task_id: task.id,
      status: "awaiting_review",
      result: `Done: ${task.title}.`,
    });
    const restart = this.team.ledger.restart;
    if (restart?.agent === this.agent.name && restart.taskId === task.id) {
      restart.handedOverAfter = true;
    }
    if (paths.length > 0) {
      const releasing = Date.now();
      await this.agent.ok("release_paths", { paths });
      this.team.ledger.release(this.agent.name, releasing, paths);
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
