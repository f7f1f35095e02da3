/**
 * The MCP sessions one HTTP transport (Streamable HTTP at /mcp, legacy SSE at /sse) has open, by
 * id, and everything both do with them: admit a new one under the shared SessionQuota, build its
 * server for the caller, check that a request comes from the credential that began it, end it
 * (its quota place and its agent's name go back), and end those idle too long or whose name
 * another session took. A transport only says how its sessions are reached and closed.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import type { Session } from "../mcp/session.ts";
import type { SessionToolList } from "../mcp/session_tool_list.ts";
import type { ToolCallObserver } from "../mcp/tool_call_observer.ts";
import { type Caller, callerKey, joinedCaller } from "./caller.ts";
import type { QuotaSlot, SessionQuota } from "./session_quota.ts";
import { releaseName, serverForCaller } from "./session_names.ts";

/** One open MCP session over `T`, its transport. */
export interface OpenSession<T> {
  transport: T;
  server: McpServer;
  /** The MCP session's identity; its id is what holds the agent's name. */
  session: Session;
  /** What tools/list shows it; told when its agent's role changes. */
  toolList: SessionToolList;
  /** Who began it (callerKey): later requests must come from the same caller. */
  owner: string;
  /** When it last made a request (ms). */
  lastActive: number;
  /** Its open GET streams (Streamable HTTP): while one is open its client is connected. */
  openStreams?: number;
}

export interface OpenSessionsDeps<T> {
  /** "mcp" or "sse": how the log names these sessions. */
  label: string;
  table: Table;
  logger: Logger;
  quota: SessionQuota;
  /** A session unused for this long is ended by `sweepIdle`. */
  idleMs: number;
  now: () => number;
  /** Told of every tool call (serve's metrics). */
  toolCalls?: ToolCallObserver | undefined;
  /** Closes a session's transport; its transport's close handler then calls `ended`. */
  close(id: string, entry: OpenSession<T>): Promise<void>;
}

/** What a request naming a session finds: it, or why not. */
export type SessionLookup<T> =
  | { session: OpenSession<T> }
  | { refused: "not_found" | "other_credential" };

export class OpenSessions<T> {
  readonly #byId = new Map<string, OpenSession<T>>();
  readonly #deps: OpenSessionsDeps<T>;

  constructor(deps: OpenSessionsDeps<T>) {
    this.#deps = deps;
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The session `id` if it is open (ended while a body arrived: undefined). */
  get(id: string): OpenSession<T> | undefined {
    return this.#byId.get(id);
  }

  /** The session a request names, if open and begun by the same credential. */
  find(id: string | null, caller: Caller): SessionLookup<T> {
    const session = id === null ? undefined : this.#byId.get(id);
    if (!session) return { refused: "not_found" };
    if (session.owner !== callerKey(caller)) return { refused: "other_credential" };
    return { session };
  }

  /** Every open session with its id (a copy: closing them while iterating is safe). */
  entries(): [string, OpenSession<T>][] {
    return [...this.#byId.entries()];
  }

  /**
   * A new session for `caller` under the quota: `open` builds it with the place held for it
   * (it calls `add` once the session has an id); a refusal (the quota full, the name's
   * credential refused) is the answer.
   */
  async admit(
    caller: Caller,
    where: string,
    open: (slot: QuotaSlot) => Promise<Response>,
  ): Promise<Response> {
    const admitted = await this.#deps.quota.admit(
      callerKey(caller),
      joinedCaller(caller) ? where : undefined,
    );
    if ("refused" in admitted) return admitted.refused;
    try {
      return await open(admitted.slot);
    } finally {
      admitted.slot.release(); // no-op once the session attached to it
    }
  }

  /** The MCP server and session for `caller` (bound to its agent), or the refusal. */
  server(caller: Caller, where: string): ReturnType<typeof serverForCaller> {
    const { table, logger, toolCalls } = this.#deps;
    return serverForCaller({ table, logger, toolCalls }, caller, where);
  }

  /** A session that now has an id: open, and holding the place `slot` kept for it. */
  add(id: string, entry: OpenSession<T>, slot: QuotaSlot): void {
    this.#byId.set(id, entry);
    slot.attach(id, {
      lastActive: () => entry.lastActive,
      bound: () => entry.session.agent !== undefined,
      close: () => this.#deps.close(id, entry),
    });
  }

  /** The session ended (any way): it leaves, with its quota place and its agent's name. */
  ended(id: string | undefined, session: Session): void {
    if (id !== undefined) {
      this.#byId.delete(id);
      this.#deps.quota.release(id);
    }
    releaseName(this.#deps.table, session, this.#deps.logger);
  }

  /**
   * Sends tools/list_changed to each session whose agent's role changed since its list was
   * shown (a role granted from elsewhere: the CLI, another agent), without waiting for its next
   * call.
   */
  announceToolLists(): void {
    for (const { toolList } of this.#byId.values()) toolList.announceChanges();
  }

  /**
   * Ends the sessions that have made no request for longer than the idle time and have no
   * stream open (a client that keeps its stream open is connected, however quiet); returns
   * how many.
   */
  async sweepIdle(): Promise<number> {
    const { idleMs, now, logger, label } = this.#deps;
    const cutoff = now() - idleMs;
    const idle = this.entries().filter(([, s]) => s.lastActive < cutoff && !s.openStreams);
    for (const [id, session] of idle) {
      logger.info(`${label} session ${id} expired after ${idleMs / 1000} s without a request`);
      await this.#deps.close(id, session);
    }
    return idle.length;
  }

  /**
   * Ends the sessions whose agent's name another live session holds now (a newer session of
   * the same agent took it over, or took it while this one went unseen): they end rather than
   * fight for it. A database error leaves a session for the next round.
   */
  async endReplaced(): Promise<number> {
    const { table, logger, label } = this.#deps;
    const lost = this.entries().filter(([, s]) => {
      const agent = s.session.agent;
      try {
        return agent !== undefined &&
          table.members.heldElsewhere(agent, s.session.id) !== undefined;
      } catch {
        return false;
      }
    });
    for (const [id, session] of lost) {
      logger.info(`${label} session ${id} ended: '${session.session.agent}' was taken over`);
      await this.#deps.close(id, session);
    }
    return lost.length;
  }

  /** Ends every session (shutdown). */
  async closeAll(): Promise<void> {
    for (const [id, session] of this.entries()) await this.#deps.close(id, session);
  }
}
