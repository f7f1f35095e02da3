/**
 * The poll daemon's auto-acknowledge mode, with its safety rules: at most `maxReplies`
 * automatic replies per run; never a reply to an auto-reply (no loops between two daemons);
 * and a message that asks a question or for a decision is escalated to the human, after which
 * no more automatic replies are sent at all.
 */
import type { TableEvent } from "../../core/event_outbox.ts";
import { payloadField } from "../../format/payload_field.ts";

export const AUTO_REPLY_PREFIX = "[auto-reply]";

const _NEEDS_HUMAN =
  /\?|\b(decide|decision|approve|approval|confirm|choose|permission|should (we|i|you)|which (one|option)|ok to|okay to|can (you|we|i)|could you|would you|what do you think|your call)\b/i;

/** True when a message asks something that a person (or the agent itself) must answer. */
export function needsHuman(content: string): boolean {
  return _NEEDS_HUMAN.test(content);
}

export type AutoReplyDecision =
  | { kind: "ignore" }
  | { kind: "reply"; recipient: string; messageId: number; content: string; capReached: boolean }
  | { kind: "escalate"; reason: string };

export class AutoReplyPolicy {
  readonly #agent: string;
  readonly #maxReplies: number;
  #sent = 0;
  #stopped = false;

  constructor(agent: string, maxReplies: number) {
    this.#agent = agent;
    this.#maxReplies = maxReplies;
  }

  get sent(): number {
    return this.#sent;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** What to do about one event. Call `recordSent` after a reply went out. */
  decide(event: TableEvent): AutoReplyDecision {
    if (this.#stopped || event.type !== "message") return { kind: "ignore" };
    const message = event.payload["message"];
    const sender = _text(message, "sender");
    const content = _text(message, "content");
    const id = payloadField(message, "id");
    if (typeof id !== "number" || sender.toLowerCase() === this.#agent.toLowerCase()) {
      return { kind: "ignore" };
    }
    if (content.startsWith(AUTO_REPLY_PREFIX)) return { kind: "ignore" };
    if (needsHuman(content)) {
      this.#stopped = true;
      return {
        kind: "escalate",
        reason: `message #${id} from ${sender} asks a question or for a decision; ` +
          `auto-replies are off for the rest of this run — a human must answer it`,
      };
    }
    if (this.#sent >= this.#maxReplies) {
      this.#stopped = true;
      return {
        kind: "escalate",
        reason: `the auto-reply cap (${this.#maxReplies}) is reached; message #${id} from ` +
          `${sender} needs a human`,
      };
    }
    return {
      kind: "reply",
      recipient: sender,
      messageId: id,
      content: `${AUTO_REPLY_PREFIX} ${this.#agent} received your message #${id} and will ` +
        `act on it when it next checks in.`,
      capReached: this.#sent + 1 >= this.#maxReplies,
    };
  }

  recordSent(): void {
    this.#sent++;
  }
}

function _text(value: unknown, key: string): string {
  const field = payloadField(value, key);
  return typeof field === "string" ? field : "";
}
