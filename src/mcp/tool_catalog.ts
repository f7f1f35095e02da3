/**
 * The tools as tools/list advertises them, once per process and table (not per connection:
 * every connection registers the same tools) and filtered by role: a session lists what its
 * role may call (`mayCallTool`, the one place that decides it).
 *
 * Nothing is built at registration. With the default tool settings the list is the one
 * generated at build time (advertised_tools.ts, checked against the live builder by
 * tests/shipped_definitions_test.ts); with other settings (TEAM_TABLE_LEASE_MAX_TTL) each tool
 * is built by advertised_schema.ts on the first tools/list.
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { mayCallTool } from "../core/permissions/permissions.ts";
import type { Role } from "../core/role_catalog.ts";
import type { Table } from "../core/table.ts";
import { ADVERTISED_SETTINGS, ADVERTISED_TOOLS } from "./advertised_tools.ts";
import { sameToolSettings, toolSettings } from "./tool_settings.ts";

export class ToolCatalog {
  static readonly #byTable = new WeakMap<Table, ToolCatalog>();
  /** The generated tools by name, when the table's settings are the ones they were made with. */
  readonly #generated: ReadonlyMap<string, Tool> | undefined;
  /** How to build each tool, in registration order. */
  readonly #builders = new Map<string, () => Tool>();
  readonly #tools = new Map<string, Tool>();
  readonly #byRole = new Map<string, Tool[]>();

  private constructor(generated: ReadonlyMap<string, Tool> | undefined) {
    this.#generated = generated;
  }

  /** The catalog of `table` in this process. */
  static of(table: Table): ToolCatalog {
    let catalog = ToolCatalog.#byTable.get(table);
    if (catalog === undefined) {
      catalog = new ToolCatalog(
        sameToolSettings(toolSettings(table), ADVERTISED_SETTINGS) ? _generatedByName() : undefined,
      );
      ToolCatalog.#byTable.set(table, catalog);
    }
    return catalog;
  }

  /** Adds the tool `name` unless it is there; `build` runs at most once, on the first list. */
  add(name: string, build: () => Tool): void {
    if (this.#builders.has(name)) return;
    this.#builders.set(name, build);
    this.#byRole.clear();
  }

  /** The tools `role` may call, in registration order (the same array for every session). */
  listFor(role: Role): Tool[] {
    let tools = this.#byRole.get(role.name);
    if (tools === undefined) {
      tools = this.#all().filter((tool) => mayCallTool(role, tool.name));
      this.#byRole.set(role.name, tools);
    }
    return tools;
  }

  /** Every tool added, in registration order: generated where it can be, else built. */
  #all(): Tool[] {
    for (const [name, build] of this.#builders) {
      if (!this.#tools.has(name)) this.#tools.set(name, this.#generated?.get(name) ?? build());
    }
    return [...this.#tools.values()];
  }
}

let _generated: ReadonlyMap<string, Tool> | undefined;

function _generatedByName(): ReadonlyMap<string, Tool> {
  _generated ??= new Map(ADVERTISED_TOOLS.map((tool) => [tool.name, tool]));
  return _generated;
}
