/**
 * Starting and stopping a long-running command, one way for all of them (stdio, serve, poll).
 * Whatever a command starts — the database, the relay, timers, signal listeners, the server —
 * is registered here with its teardown the moment it exists. When the command ends, normally,
 * on a signal, or because a later start-up step threw, the teardowns run in reverse order,
 * each one even if an earlier one failed, so a failed start leaves nothing running.
 */
import type { Logger } from "../log.ts";

/** The things one running command has started, and the request to stop it. */
export class Lifecycle {
  readonly #logger: Logger;
  readonly #stack = new AsyncDisposableStack();
  readonly #stop = new AbortController();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Aborted once stopping is asked for (stop() or a signal); its reason says why. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Asks the command to stop; the first reason wins. */
  stop(reason: string): void {
    if (!this.#stop.signal.aborted) this.#stop.abort(reason);
  }

  /** Resolves with the reason once stopping is asked for. */
  stopped(): Promise<string> {
    const signal = this.#stop.signal;
    if (signal.aborted) return Promise.resolve(String(signal.reason));
    return new Promise((resolve) => {
      signal.addEventListener("abort", () => resolve(String(signal.reason)), { once: true });
    });
  }

  /**
   * Registers the teardown of something just started; teardowns run last-in, first-out.
   * `what` names it in the warning logged when its teardown fails (the others still run).
   */
  defer(what: string, teardown: () => void | Promise<void>): void {
    this.#stack.defer(async () => {
      try {
        await teardown();
      } catch (error) {
        this.#logger.warn(
          `stopping ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    });
  }

  /** Runs `task` every `ms` until the command ends. */
  every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    this.defer("a timer", () => clearInterval(timer));
  }

  /** From now until the command ends, SIGINT and SIGTERM ask it to stop. */
  stopOnSignals(): void {
    for (const name of ["SIGINT", "SIGTERM"] as const) {
      const listener = () => this.stop(name);
      Deno.addSignalListener(name, listener);
      this.defer(`the ${name} listener`, () => Deno.removeSignalListener(name, listener));
    }
  }

  /** Tears down everything registered, in reverse order. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#stack.disposeAsync();
  }
}

/**
 * Runs a long-running command: `body` starts things on a fresh Lifecycle and returns when the
 * command is done; everything it started is then torn down, also when it throws half-way.
 */
export async function runLifecycle<T>(
  logger: Logger,
  body: (life: Lifecycle) => Promise<T>,
): Promise<T> {
  await using life = new Lifecycle(logger);
  return await body(life);
}
