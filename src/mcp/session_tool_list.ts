/**
 * What one connection's tools/list shows: the tools its agent's role may call. An unbound
 * session lists the default role's tools (some clients never refresh the list, and must still
 * see every tool a plain agent may call). When the role changes — register, deregister,
 * assign_role, a grant picked up on the next call — the client is sent
 * `notifications/tools/list_changed`. A call to an unlisted tool is still refused by the role
 * check in register_tool.ts, with the role's tools named.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_ROLE, type Role } from "../core/role_catalog.ts";
import type { Table } from "../core/table.ts";
import type { Session } from "./session.ts";
import { ToolCatalog } from "./tool_catalog.ts";

export class SessionToolList {
  readonly #server: McpServer;
  readonly #table: Table;
  readonly #session: Session;
  /** The role whose tools the client was last shown (or told to fetch). */
  #shown: string;

  constructor(deps: { server: McpServer; table: Table; session: Session }) {
    this.#server = deps.server;
    this.#table = deps.table;
    this.#session = deps.session;
    this.#shown = this.#role().name;
  }

  /** Answers tools/list from the catalog; call once every tool is registered. */
  install(): void {
    const catalog = ToolCatalog.of(this.#table);
    this.#server.server.setRequestHandler(ListToolsRequestSchema, () => {
      const role = this.#role();
      this.#shown = role.name;
      return { tools: catalog.listFor(role) };
    });
  }

  /**
   * Sends tools/list_changed when the session's role is no longer the one its list shows;
   * `known` is the agent's role when the caller has just read it.
   */
  announceChanges(known?: string): void {
    const role = known ?? this.#role().name;
    if (role === this.#shown) return;
    this.#shown = role;
    // From a timer too: a connection that went away must not make an unhandled rejection.
    if (this.#server.isConnected()) void this.#server.server.sendToolListChanged().catch(() => {});
  }

  /** The role of the session's agent (bound, or named by its connection), else the default. */
  #role(): Role {
    const name = this.#session.agent ?? this.#session.expected;
    const role = name === undefined ? undefined : this.#table.members.roleOf(name);
    return this.#table.roles.get(role ?? DEFAULT_ROLE);
  }
}
