/**
 * The reviewer (HTTP, push-driven): on a review request (or a task of its own back in review)
 * it claims the review, reads the task, and approves it; one review, chosen by the seed, is
 * sent back with a note (status pending, still the coder's).
 */
import type { AgentClient } from "./agent_client.ts";
import { readMail } from "./mail.ts";
import type { Rng } from "./rng.ts";
import type { Team } from "./team.ts";

export class Reviewer {
  readonly #sendBackAt: number;
  #reviews = 0;
  readonly #waiting: number[] = [];

  constructor(readonly agent: AgentClient, rng: Rng, readonly team: Team) {
    this.#sendBackAt = rng.int(2, 4);
  }

  async run(): Promise<void> {
    while (!this.team.over && Date.now() < this.team.deadline) {
      await this.agent.pushes.wait(this.team.idleMs);
      const pushes = this.agent.pushes.take();
      for (const push of pushes) {
        const asked = push.type === "review_requested" ||
          (push.type === "task_updated" && push.status === "awaiting_review");
        if (asked && push.taskId !== undefined && !this.#waiting.includes(push.taskId)) {
          this.#waiting.push(push.taskId);
        }
      }
      await readMail(this.agent, pushes);
      for (let id = this.#waiting.shift(); id !== undefined; id = this.#waiting.shift()) {
        await this.#review(id);
      }
    }
  }

  async #review(taskId: number): Promise<void> {
    const claim = await this.agent.call("claim_task", { task_id: taskId });
    if (claim.isError) return;
    await this.agent.ok("get_task_detail", { task_id: taskId });
    this.#reviews++;
    const sendBack = this.#reviews === this.#sendBackAt;
    await this.agent.ok("update_task", {
      task_id: taskId,
      status: sendBack ? "pending" : "done",
      result: sendBack ? "Please cover the empty export in a test." : "Approved.",
    });
    const story = this.team.ledger.task(taskId);
    if (sendBack) story.sentBackAt.push(Date.now());
    else story.doneAt = Date.now();
    this.team.ledger.reviews++;
  }
}
