/**
 * Every tool as tools/list shows it with the default settings, built by `deno task generate`
 * (from src/mcp/tools/ and advertised_schema.ts) into advertised_tools.json, so the first
 * tools/list converts no zod schema. `deno task check` fails when it is stale.
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { ToolSettings } from "./tool_settings.ts";
import data from "./advertised_tools.json" with { type: "json" };

/** The settings the list was built with: the defaults (tool_settings.ts). */
export const ADVERTISED_SETTINGS: ToolSettings = data.settings;

/** Every tool as tools/list shows it with those settings, in its order. */
export const ADVERTISED_TOOLS: readonly Tool[] = data.tools as Tool[];
