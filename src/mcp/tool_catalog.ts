/**
 * The tools as tools/list advertises them, built once per process and table (not per
 * connection: every connection registers the same tools) and filtered by role: a session lists
 * what its role may call (`mayCallTool`, the one place that decides it).
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { mayCallTool } from "../core/permissions/permissions.ts";
import type { Role } from "../core/role_catalog.ts";
import type { Table } from "../core/table.ts";

export class ToolCatalog {
  static readonly #byTable = new WeakMap<Table, ToolCatalog>();
  readonly #tools = new Map<string, Tool>();
  readonly #byRole = new Map<string, Tool[]>();

  /** The catalog of `table` in this process. */
  static of(table: Table): ToolCatalog {
    let catalog = ToolCatalog.#byTable.get(table);
    if (catalog === undefined) {
      catalog = new ToolCatalog();
      ToolCatalog.#byTable.set(table, catalog);
    }
    return catalog;
  }

  /** Adds the tool `name` unless it is there: `build` runs once per process. */
  add(name: string, build: () => Tool): void {
    if (this.#tools.has(name)) return;
    this.#tools.set(name, build());
    this.#byRole.clear();
  }

  /** The tools `role` may call, in registration order (the same array for every session). */
  listFor(role: Role): Tool[] {
    let tools = this.#byRole.get(role.name);
    if (tools === undefined) {
      tools = [...this.#tools.values()].filter((tool) => mayCallTool(role, tool.name));
      this.#byRole.set(role.name, tools);
    }
    return tools;
  }
}
