/**
 * Writes the data (JSON, imported as modules, so `deno compile` and the bundle embed it) a
 * starting team-table reads instead of building it:
 *
 * - src/definitions/shipped_definitions.json: the shipped role templates (roles/*.yaml) and
 *   default rules (rules/defaults.yaml), parsed and validated here, so that a starting
 *   team-table neither parses YAML nor loads the YAML library unless the user gives files of
 *   its own;
 * - src/mcp/advertised_tools.json: every tool as tools/list advertises it with the default
 *   settings, built by the live builder (src/mcp/advertised_schema.ts), so that the first
 *   tools/list converts no zod schema to JSON Schema.
 *
 * `deno task check` (and tests/shipped_definitions_test.ts) fails when either is out of date.
 *
 *   deno task generate
 */
import { join } from "node:path";
import { compareNames } from "../src/core/name_order.ts";
import { parseRoleFiles, type RoleFileText } from "../src/definitions/parse_role_files.ts";
import { parseRulesFile } from "../src/definitions/parse_rules_file.ts";
import { advertisedTool } from "../src/mcp/advertised_schema.ts";
import { DEFAULT_TOOL_SETTINGS } from "../src/mcp/tool_settings.ts";
import { allTools } from "../src/mcp/tools/all_tools.ts";

/** Where the shipped definitions go (read by src/definitions/shipped_definitions.ts). */
export const DEFINITIONS_DATA = new URL(
  "../src/definitions/shipped_definitions.json",
  import.meta.url,
);

/** Where the generated tool list goes (read by src/mcp/advertised_tools.ts). */
export const ADVERTISED_DATA = new URL("../src/mcp/advertised_tools.json", import.meta.url);

/** What fixes a module that drifted from its sources. */
export const REGENERATE = "deno task generate";

const _ROOT = new URL("../", import.meta.url).pathname;

/** The shipped definitions, from the YAML in roles/ and rules/, as JSON text. */
export function generateDefinitionsData(): string {
  const roleNames = [...Deno.readDirSync(join(_ROOT, "roles"))]
    .filter((entry) => entry.isFile && entry.name.endsWith(".yaml"))
    .map((entry) => entry.name.slice(0, -".yaml".length))
    .sort(compareNames);
  const files: RoleFileText[] = roleNames.map((name) => ({
    name,
    label: `roles/${name}.yaml`,
    source: "shipped",
    text: Deno.readTextFileSync(join(_ROOT, "roles", `${name}.yaml`)),
  }));
  const roles = parseRoleFiles(files);
  const rules = parseRulesFile(Deno.readTextFileSync(join(_ROOT, "rules", "defaults.yaml")), {
    label: "rules/defaults.yaml",
    source: "shipped",
  });
  return _json({ roles, rules });
}

/** Every tool as tools/list shows it with the default settings, as JSON text. */
export function generateAdvertisedToolsData(): string {
  const tools = allTools(DEFAULT_TOOL_SETTINGS).map(advertisedTool);
  return _json({ settings: DEFAULT_TOOL_SETTINGS, tools });
}

/** `value` as JSON laid out as `deno fmt` leaves it. */
function _json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The generated files and their texts as the sources make them now. */
function _modules(): [URL, string][] {
  return [
    [DEFINITIONS_DATA, generateDefinitionsData()],
    [ADVERTISED_DATA, generateAdvertisedToolsData()],
  ];
}

if (import.meta.main) {
  // --check (deno task check): write nothing; fail, naming the command, when a module is stale.
  if (Deno.args.includes("--check")) {
    const stale = _modules().filter(([url, text]) => Deno.readTextFileSync(url) !== text);
    for (const [url] of stale) {
      console.error(`${url.pathname} is out of date: run \`${REGENERATE}\` and commit the result`);
    }
    Deno.exit(stale.length === 0 ? 0 : 1);
  }
  for (const [url, text] of _modules()) {
    Deno.writeTextFileSync(url, text);
    console.log(`wrote ${url.pathname}`);
  }
}
