/** The pushes an agent has received and not yet acted on, and a bounded wait for the next. */

export interface Push {
  /** The outbox event id. */
  id: number;
  type: string;
  taskId?: number | undefined;
  messageId?: number | undefined;
  /**
   * The task's status after the change: HTTP pushes carry the task; a channel line ends with it
   * ("task #3 updated by reviewer: awaiting_review → done").
   */
  status?: string | undefined;
  /** Who sent the message, or made the change. */
  sender?: string | undefined;
  /** The message asks for acknowledgement. */
  ackRequired?: boolean | undefined;
  /** A message's content (HTTP), or the channel line (stdio). */
  text?: string | undefined;
  /** The task as an HTTP push carries it (a channel line does not). */
  task?: Record<string, unknown> | undefined;
}

export class PushQueue {
  #items: Push[] = [];
  #wake: (() => void) | undefined;

  add(push: Push): void {
    this.#items.push(push);
    this.#wake?.();
  }

  /** Waits up to `ms` for a push to be queued (returns at once when one is). */
  async wait(ms: number): Promise<void> {
    if (this.#items.length > 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.#wake = undefined;
  }

  /** Everything queued, oldest first; the queue is emptied. */
  take(): Push[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }
}
