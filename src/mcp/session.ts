/**
 * One MCP connection's identity. `register` binds the session to an agent; afterwards
 * parameters naming the acting agent may be omitted and, when given, must match.
 */
import { type AgentActor, agentActor } from "../core/actor.ts";
import { ForbiddenError } from "../core/errors.ts";

export class Session {
  #agent: string | undefined;
  #touchedAt = -Infinity;

  get agent(): string | undefined {
    return this.#agent;
  }

  bind(agent: string): void {
    this.#agent = agent;
  }

  unbind(): void {
    this.#agent = undefined;
  }

  /**
   * Whether to record a sign of life now (at most every 10 s per session; members.touch
   * records it in the database for the idle rules).
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
          `Omit ${field}, or pass '${bound}'. To act as another agent, call register with that name.`,
      );
    }
    return agentActor(bound);
  }
}
