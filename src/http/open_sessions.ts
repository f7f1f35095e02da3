/**
 * The MCP sessions one HTTP transport (Streamable HTTP at /mcp, legacy SSE at /sse) has open, by
 * id, and what both do with all of them: tell each of a change of its role's tools, and find the
 * ones idle for too long.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Session } from "../mcp/session.ts";
import type { SessionToolList } from "../mcp/session_tool_list.ts";

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

export class OpenSessions<T> {
  readonly #byId = new Map<string, OpenSession<T>>();

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): OpenSession<T> | undefined {
    return this.#byId.get(id);
  }

  set(id: string, entry: OpenSession<T>): void {
    this.#byId.set(id, entry);
  }

  delete(id: string): void {
    this.#byId.delete(id);
  }

  /** Every open session with its id (a copy: closing them while iterating is safe). */
  entries(): [string, OpenSession<T>][] {
    return [...this.#byId.entries()];
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
   * The sessions whose agent's name another live session holds now (a newer session of the
   * same agent took it over, or took it while this one went unseen): they end rather than
   * fight for it. A database error leaves a session for the next round.
   */
  lostTheirNames(members: {
    heldElsewhere(name: string, sessionId: string): unknown;
  }): [string, OpenSession<T>][] {
    return this.entries().filter(([, s]) => {
      const agent = s.session.agent;
      try {
        return agent !== undefined && members.heldElsewhere(agent, s.session.id) !== undefined;
      } catch {
        return false;
      }
    });
  }

  /**
   * The sessions that have made no request since `cutoff` (ms) and have no stream open (a
   * client that keeps its stream open is connected, however quiet).
   */
  idleSince(cutoff: number): [string, OpenSession<T>][] {
    return this.entries().filter(([, s]) => s.lastActive < cutoff && !s.openStreams);
  }
}
