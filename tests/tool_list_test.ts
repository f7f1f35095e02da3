import assert from "node:assert/strict";
import { TOOL_NAMES, TOOL_PRIVILEGES } from "../src/core/permissions/tool_privileges.ts";
import { allTools } from "../src/mcp/tools/all_tools.ts";
import { DEFAULT_TOOL_SETTINGS } from "../src/mcp/tool_settings.ts";

Deno.test("the tool list: every listed tool is defined once, in its order, with its privilege", () => {
  const defined = allTools(DEFAULT_TOOL_SETTINGS);
  assert.deepEqual(defined.map((tool) => tool.name), TOOL_NAMES);
  assert.deepEqual(
    Object.fromEntries(defined.map((tool) => [tool.name, tool.privilege ?? null])),
    TOOL_PRIVILEGES,
  );
});
