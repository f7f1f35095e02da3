import { mayCallTool, toolsOf } from "../src/core/permissions/permissions.ts";
import assert from "node:assert/strict";
import { PRIVILEGES } from "../src/core/role_catalog.ts";
import { TOOL_NAMES } from "../src/core/permissions/tool_privileges.ts";
import { loadRoleCatalog, shippedRoleCatalog } from "../src/definitions/load_roles.ts";
import { RoleFileError } from "../src/definitions/file_problems.ts";
import { parseRoleFile } from "../src/definitions/parse_role_file.ts";

const testdata = new URL("./testdata/", import.meta.url).pathname;

Deno.test("every shipped template loads and validates", () => {
  const catalog = shippedRoleCatalog();
  assert.deepEqual(catalog.names(), [
    "admin",
    "agent",
    "architect",
    "async-worker",
    "coder",
    "designer",
    "lead",
    "reviewer",
    "tester",
  ]);
  for (const role of catalog.list()) {
    assert.ok(role.description.length > 10, `${role.name} has a description`);
    assert.ok(role.guidelines.length > 40, `${role.name} has guidelines`);
    assert.equal(role.source, "shipped");
  }
  assert.deepEqual(catalog.list().filter((r) => r.privileged).map((r) => r.name), [
    "admin",
    "lead",
  ]);
  assert.deepEqual(catalog.get("admin").privileges, [...PRIVILEGES]);
  assert.equal(toolsOf(catalog, "admin").length, TOOL_NAMES.length);
  assert.equal(mayCallTool(catalog.get("agent"), "purge_messages"), false);
  assert.equal(mayCallTool(catalog.get("async-worker"), "broadcast"), false);
  assert.equal(mayCallTool(catalog.get("async-worker"), "next_task"), true);
  assert.deepEqual(catalog.rolesWithAffinity("review"), [
    "architect",
    "lead",
    "reviewer",
    "tester",
  ]);
  assert.deepEqual(catalog.get("coder").escalation, { role: "lead" });
  assert.equal(catalog.get("no-such-role").name, "agent", "unknown roles fall back to the default");
});

Deno.test("an override directory replaces shipped roles and adds new ones", async () => {
  const catalog = await loadRoleCatalog(`${testdata}roles-override`);
  assert.equal(catalog.names().length, 10);
  const coder = catalog.get("coder");
  assert.equal(coder.description, "Our coders write Rust.");
  assert.equal(coder.source, `${testdata}roles-override/coder.yaml`);
  assert.deepEqual(coder.escalation, { agent: "team-lead-human" });
  assert.equal(mayCallTool(catalog.get("coder"), "broadcast"), false);
  assert.deepEqual(catalog.get("auditor").task_affinity, ["audit"]);
  assert.equal(catalog.get("auditor").privileged, false);
  assert.equal(catalog.get("lead").source, "shipped", "others stay as shipped");
});

Deno.test("bad role files: every problem, as file:line: message", async () => {
  const dir = `${testdata}roles-bad`;
  await assert.rejects(() => loadRoleCatalog(dir), (error: unknown) => {
    assert.ok(error instanceof RoleFileError);
    assert.deepEqual(error.problems, [
      `${dir}/broken.yaml:3: Missing closing "quote`,
      `${dir}/renamed.yaml:1: name "other" does not match the file name (renamed.yaml)`,
      `${dir}/typo.yaml:1: missing key "tools" ("*" or a list of tool names)`,
      `${dir}/typo.yaml:5: unknown key "tool"`,
      `${dir}/typo.yaml:6: "privileges.1" Invalid option: expected one of "delete_any_message"|"purge_messages"|"claim_assigned"|"update_any_task"|"manage_rules"|"assign_roles"|"manage_context"|"manage_leases"`,
      `${dir}/typo.yaml:7: "task_affinity.0" must be lowercase letters, digits, '_' or '-'`,
      `${dir}/unknown-tool.yaml:5: unknown tool "teleport" in tools`,
    ]);
    return true;
  });
});

Deno.test("escalation to a role that does not exist is refused", async () => {
  const role = parseRoleFile("description: d\nguidelines: g\ntools: '*'\nescalation: ghosts\n", {
    roleName: "x",
    label: "x.yaml",
    tools: TOOL_NAMES,
    source: "x.yaml",
  });
  assert.deepEqual(role.escalation, { role: "ghosts" });
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/x.yaml`,
      "description: d\nguidelines: g\ntools: '*'\nescalation: ghosts\n",
    );
    await assert.rejects(
      () => loadRoleCatalog(dir),
      /x\.yaml:1: escalation names the unknown role "ghosts"/,
    );
    Deno.writeTextFileSync(`${dir}/Bad Name.yaml`, "description: d\n");
    await assert.rejects(
      () => loadRoleCatalog(dir),
      /Bad Name\.yaml:1: a role file name must be lowercase/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  await assert.rejects(
    () => loadRoleCatalog("/nonexistent/roles"),
    /\/nonexistent\/roles: cannot read the roles directory/,
  );
});
