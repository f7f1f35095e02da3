/**
 * One MCP connection's identity. The session is bound to an agent by `register`, or at
 * connect time (stdio `--agent`, an HTTP agent token), and then fixed to it. Afterwards the
 * parameters naming the acting agent may be omitted and, when given, must match.
 */
import { type AgentActor, agentActor } from "../core/actor.ts";
import { ForbiddenError } from "../core/errors.ts";
import type { SessionRef } from "../core/members/session_ref.ts";

/** Where a connection comes from and what it presented. */
export interface SessionOrigin {
  /** Shown to whoever is refused a name this session holds: "stdio, pid 4711". */
  where: string;
  /** The agent credential the connection presented, if any. */
  key?: string | undefined;
  /** The connection came with a join token: it may register one new, unprivileged name. */
  join?: boolean | undefined;
  /** The local process serving it (stdio): its name is free once the process is gone. */
  process?: { pid: number; host: string } | undefined;
}

export class Session {
  readonly id: string = crypto.randomUUID();
  readonly #origin: SessionOrigin;
  #agent: string | undefined;
  #expected: string | undefined;
  #fixed = false;
  #touchedAt = -Infinity;
  #unreadShown: number | undefined;
  #holdingsTold = false;
  /** The newest event looked at for work offers to show in a result (0: none yet). */
  #offersSeen = 0;

  /** When the session began, on the table's clock (a newer session may take its name over). */
  readonly opened: number;

  constructor(origin: SessionOrigin = { where: "unknown" }, opened = Date.now()) {
    this.#origin = origin;
    this.opened = opened;
  }

  get agent(): string | undefined {
    return this.#agent;
  }

  /** True when the connection itself named the agent (it cannot register as another). */
  get fixed(): boolean {
    return this.#fixed || this.#expected !== undefined;
  }

  /** The agent the connection named (stdio --agent, an agent token), bound or not yet. */
  get expected(): string | undefined {
    return this.#expected;
  }

  /** Records the agent the connection names; connect_binding.ts binds it. */
  expect(agent: string): void {
    this.#expected = agent;
  }

  get join(): boolean {
    return this.#origin.join === true;
  }

  /** What the core needs to know about this session to give it a name. */
  get ref(): SessionRef {
    return {
      id: this.id,
      where: this.#origin.where,
      key: this.#origin.key,
      source: this.join ? "join token" : this.#origin.where,
      process: this.#origin.process,
      opened: this.opened,
    };
  }

  /** Binds the session to `agent`; `fixed` when the connection itself named it. */
  bind(agent: string, fixed = false): void {
    if (agent !== this.#agent) {
      this.#unreadShown = undefined;
      this.#holdingsTold = false;
      this.#offersSeen = 0;
    }
    this.#agent = agent;
    this.#fixed = this.#fixed || fixed;
  }

  unbind(): void {
    this.#holdingsTold = false;
    this.#agent = undefined;
    this.#expected = undefined;
    this.#fixed = false;
    this.#unreadShown = undefined;
  }

  /** The newest event looked at for work offers (the next look starts after it). */
  get offersSeen(): number {
    return this.#offersSeen;
  }

  lookedAtOffers(upTo: number): void {
    this.#offersSeen = Math.max(this.#offersSeen, upTo);
  }

  /**
   * The newest unread message a result of this session has previewed in its unread badge:
   * while it is still the newest, the badge just counts (nothing new to show).
   */
  get unreadShown(): number | undefined {
    return this.#unreadShown;
  }

  /** A result was sent with the badge `unread` (its preview, if any, was shown). */
  showedUnread(unread: { newest: number; preview?: unknown }): void {
    if (unread.preview !== undefined || unread.newest === 0) this.#unreadShown = unread.newest;
  }

  /**
   * Whether the agent has been told what it holds since it was bound (register tells it; else
   * the first result after a binding at connect time does, once).
   */
  get holdingsTold(): boolean {
    return this.#holdingsTold;
  }

  toldHoldings(): void {
    this.#holdingsTold = true;
  }

  /**
   * Whether to record a sign of life now (at most every 10 s per session; members.touch
   * records it in the database for the idle rules and presence).
   */
  shouldTouch(now: number): boolean {
    if (now - this.#touchedAt < 10_000) return false;
    this.#touchedAt = now;
    return true;
  }

  /**
   * The acting agent for a tool call: the bound agent. `given` is the value of the parameter
   * that names the actor (`field`), which must match when present.
   */
  actor(given: string | undefined, field: string): AgentActor {
    const bound = this.#agent;
    if (bound === undefined) {
      throw new ForbiddenError(
        `This session has no agent yet: call register with your agent name first. ` +
          `After that, ${field} may be omitted.`,
      );
    }
    if (given !== undefined && given.toLowerCase() !== bound.toLowerCase()) {
      throw new ForbiddenError(
        `${field} '${given}' does not match the agent registered in this session ('${bound}'). ` +
          `Omit ${field}, or pass '${bound}'.`,
      );
    }
    return agentActor(bound);
  }
}
