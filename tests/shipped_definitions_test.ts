import assert from "node:assert/strict";
import {
  ADVERTISED_DATA,
  DEFINITIONS_DATA,
  generateAdvertisedToolsData,
  generateDefinitionsData,
  REGENERATE,
} from "../scripts/generate_definitions.ts";
import { shippedRoleCatalog } from "../src/definitions/load_roles.ts";
import { defaultRules } from "../src/definitions/load_rules.ts";

const MAIN = new URL("../main.ts", import.meta.url).href;

Deno.test("the generated shipped definitions match roles/*.yaml and rules/defaults.yaml", () => {
  const committed = Deno.readTextFileSync(DEFINITIONS_DATA);
  assert.ok(
    committed === generateDefinitionsData(),
    `src/definitions/shipped_definitions.json is out of date with roles/ or rules/: run ` +
      `\`${REGENERATE}\` and commit the result`,
  );
  assert.equal(shippedRoleCatalog().names().length, 9);
  assert.equal(defaultRules().length, 5);
});

Deno.test("the generated tool list is what the live builder makes of the tool definitions", () => {
  assert.ok(
    Deno.readTextFileSync(ADVERTISED_DATA) === generateAdvertisedToolsData(),
    `src/mcp/advertised_tools.json is out of date with the tools in src/mcp/: run ` +
      `\`${REGENERATE}\` and commit the result`,
  );
});

/** The modules `deno run main.ts` loads before running anything: static imports only. */
async function startGraph(): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", MAIN],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
    }[];
  };
  const bySpecifier = new Map(graph.modules.map((module) => [module.specifier, module]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (dependency.code && !dependency.isDynamic) visit(dependency.code.specifier);
    }
  };
  visit(MAIN);
  return seen;
}

Deno.test("starting team-table loads no YAML parser: only --roles-dir and --rules do", async () => {
  const loaded = [...await startGraph()];
  assert.ok(loaded.some((specifier) => specifier.endsWith("/shipped_definitions.ts")));
  assert.deepEqual(
    loaded.filter((specifier) =>
      specifier.startsWith("npm:yaml") || /\/(yaml_source|parse_role_file)\.ts$/.test(specifier)
    ),
    [],
  );
});

Deno.test("starting team-table loads no node:crypto: the first credential check does", async () => {
  const loaded = await startGraph();
  assert.ok(loaded.has("node:process"));
  assert.ok(!loaded.has("node:crypto"), "node:crypto is imported statically at start");
});
