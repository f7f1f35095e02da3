import assert from "node:assert/strict";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { ADVERTISED_TOOLS } from "../src/mcp/advertised_tools.ts";
import { ToolCatalog } from "../src/mcp/tool_catalog.ts";
import { ROLES, tempTable } from "./support/temp_table.ts";

const ADMIN = ROLES.get("admin");

/** Adds every generated tool's name with a builder that counts its calls. */
function addCounted(catalog: ToolCatalog): { builds: number } {
  const counter = { builds: 0 };
  for (const tool of ADVERTISED_TOOLS) {
    catalog.add(tool.name, (): Tool => {
      counter.builds++;
      return { ...tool, description: "built live" };
    });
  }
  return counter;
}

Deno.test("with the default settings, tools/list is the generated list: nothing is built", () => {
  using t = tempTable();
  const catalog = ToolCatalog.of(t.table);
  const counter = addCounted(catalog);
  const listed = catalog.listFor(ADMIN);
  assert.equal(counter.builds, 0);
  assert.equal(listed.length, ADVERTISED_TOOLS.length);
  listed.forEach((tool, i) => assert.equal(tool, ADVERTISED_TOOLS[i]));
});

Deno.test("with another lease ttl, each tool is built on the first tools/list, once", () => {
  const dir = Deno.makeTempDirSync({ prefix: "team-table-catalog-" });
  const db = openDatabase(`${dir}/team_table.db`);
  try {
    const table = createTable({ db, roles: ROLES, leaseMaxTtl: 600 });
    const catalog = ToolCatalog.of(table);
    const counter = addCounted(catalog);
    assert.equal(counter.builds, 0, "nothing is built at registration");
    const listed = catalog.listFor(ADMIN);
    assert.equal(counter.builds, ADVERTISED_TOOLS.length);
    assert.deepEqual(listed.map((tool) => tool.name), ADVERTISED_TOOLS.map((tool) => tool.name));
    assert.ok(listed.every((tool) => tool.description === "built live"));
    catalog.listFor(ROLES.get("agent"));
    assert.equal(counter.builds, ADVERTISED_TOOLS.length, "built once for every role");
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
