/**
 * The settings of a table that shape its tool definitions, and so what tools/list advertises.
 * A definition is built from these alone (tools/all_tools.ts takes nothing else of the table),
 * so a process whose settings are the defaults can answer tools/list with the list generated at
 * build time (advertised_tools.ts) instead of building it.
 */
import { LIMITS } from "../core/limits.ts";
import type { Table } from "../core/table.ts";

export interface ToolSettings {
  /** The largest lease ttl, in seconds (TEAM_TABLE_LEASE_MAX_TTL): the `maximum` of `ttl`. */
  readonly leaseMaxTtl: number;
}

/** The settings of a table started without options. */
export const DEFAULT_TOOL_SETTINGS: ToolSettings = { leaseMaxTtl: LIMITS.leaseTtlMaxDefaultS };

/** The settings of `table` its tools are built with. */
export function toolSettings(table: Table): ToolSettings {
  return { leaseMaxTtl: table.leases.maxTtl };
}

/** Whether tools built with `a` and with `b` are the same. */
export function sameToolSettings(a: ToolSettings, b: ToolSettings): boolean {
  return a.leaseMaxTtl === b.leaseMaxTtl;
}
