/**
 * The reviewer (HTTP, push-driven): a review request's push carries the task (its description
 * and the hand-over's result), so it needs no read. Named as the task's reviewer it gives the
 * verdict at once; otherwise it claims the review first, so no one else takes it. It approves,
 * and sends one review, chosen by the seed, back with a note (the verdict in_progress: still the
 * coder's, its files leased to it again when free).
 */
import type { AgentClient } from "./agent_client.ts";
import { acknowledgePushed, readMail } from "./mail.ts";
import type { Rng } from "./rng.ts";
import type { Team } from "./team.ts";

/** The reviewer reads its mail once no push has come for this long. */
const QUIET_MS = 3_000;

interface Asked {
  id: number;
  reviewer: unknown;
}

export class Reviewer {
  readonly #sendBackAt: number;
  #reviews = 0;
  readonly #waiting: Asked[] = [];

  constructor(readonly agent: AgentClient, rng: Rng, readonly team: Team) {
    this.#sendBackAt = rng.int(2, 4);
  }

  async run(): Promise<void> {
    let busyAt = Date.now();
    while (!this.team.over && Date.now() < this.team.deadline) {
      await this.agent.pushes.wait(500);
      const pushes = this.agent.pushes.take();
      if (pushes.length > 0) busyAt = Date.now();
      await acknowledgePushed(this.agent, pushes);
      for (const push of pushes) {
        // One request per hand-over (a task's reviewer hears it too when it is named).
        if (
          push.type === "review_requested" && push.taskId !== undefined &&
          !this.#waiting.some((a) => a.id === push.taskId)
        ) {
          this.#waiting.push({ id: push.taskId, reviewer: push.task?.["reviewer"] });
        }
      }
      for (let asked = this.#waiting.shift(); asked !== undefined; asked = this.#waiting.shift()) {
        await this.#review(asked);
      }
      // Mail waits for a quiet moment (the review requests it repeats came by push).
      if (Date.now() - busyAt > QUIET_MS) await readMail(this.agent);
    }
  }

  async #review(asked: Asked): Promise<void> {
    if (asked.reviewer !== this.agent.name) {
      const claim = await this.agent.call("claim_task", { task_id: asked.id });
      if (claim.isError) return;
    }
    const sendBack = this.#reviews + 1 === this.#sendBackAt;
    // From the start of the call: its coder may hear of it before the call returns.
    const at = Date.now();
    const verdict = await this.agent.call("update_task", {
      task_id: asked.id,
      status: sendBack ? "in_progress" : "done",
      result: sendBack ? "Please cover the empty export in a test." : "Approved.",
    });
    if (verdict.isError) return; // reviewed already (a push for a review given)
    this.#reviews++;
    const story = this.team.ledger.task(asked.id);
    if (sendBack) story.sentBackAt.push(at);
    else story.doneAt = Date.now();
    this.team.ledger.reviews++;
  }
}
