import assert from "node:assert/strict";
import { LIBRARY_ENV_VARS, PERMISSION_FLAGS } from "../scripts/permissions.ts";
import { compileArgs } from "../scripts/compile.ts";
import { bundle } from "../scripts/bundle.ts";
import { ENV_VARS } from "../src/config.ts";

const root = new URL("../", import.meta.url).pathname;

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files.sort();
}

Deno.test("deno compile embeds every module, the shipped roles and rules among them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "team-table-compile-" });
  try {
    // The binary is built from the bundle (tests/bundle_test.ts runs it). The runtime base
    // `deno compile` downloads is out of reach here; pointing DENORT_BIN at this deno still
    // builds the whole module graph and its embedding (the result only runs as plain deno).
    const entry = await bundle(`${dir}/bundle`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(`${dir}/team-table`, entry),
      env: { DENORT_BIN: Deno.execPath(), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.match(text, /Embedded Files/);
    assert.match(text, /bundle\/\* \(/, "the bundle with the chunks it loads on demand");
    assert.ok((await Deno.stat(`${dir}/team-table`)).size > 1_000_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }

  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", `${root}main.ts`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(info.code, 0);
  const graph: unknown = JSON.parse(new TextDecoder().decode(info.stdout));
  const modules = typeof graph === "object" && graph !== null && "modules" in graph &&
      Array.isArray(graph.modules)
    ? graph.modules.map((m: unknown) =>
      typeof m === "object" && m !== null && "specifier" in m ? String(m.specifier) : ""
    )
    : [];
  const inGraph = new Set(modules.map((s: string) => s.replace("file://", "")));
  for (const file of await sourceFiles(`${root}src`)) {
    assert.ok(inGraph.has(file), `${file} is in the module graph (and so in the binary)`);
  }
  // roles/ and rules/ are in the binary as data: src/definitions/shipped_definitions.ts,
  // generated from them (tests/shipped_definitions_test.ts keeps it up to date).
});

Deno.test("no code reads files relative to the source tree at run time", async () => {
  const allowedReads = new Set([
    `${root}src/definitions/load_roles.ts`, // --roles-dir, a path the user gives
    `${root}src/definitions/load_rules.ts`, // --rules, a path the user gives
    `${root}src/http/access_token.ts`, // the token beside the database
    `${root}src/db/open_database.ts`, // the database itself
    `${root}src/cli/lease_git.ts`, // the repository's pre-commit hook, where git says it is
    `${root}src/runtime/tls_files.ts`, // --tls-cert, --tls-key: paths the user gives
    `${root}src/cli/setup/json_object.ts`, // the MCP clients' config files, in the user's home
    `${root}src/cli/setup/team_table_command.ts`, // the command a client entry runs
  ]);
  /** Commands that take paths relative to where the user runs them (not the source tree). */
  const usesWorkingDirectory = new Set([
    `${root}src/cli/lease_command.ts`,
    `${root}src/cli/setup/setup_command.ts`, // the project folder (--project, else here)
    `${root}src/cli/doctor/clients_check.ts`, // the project whose client entries it reads
  ]);
  for (const file of [`${root}main.ts`, ...await sourceFiles(`${root}src`)]) {
    const text = await Deno.readTextFile(file);
    assert.doesNotMatch(
      text,
      /import\.meta\.(url|dirname|filename|resolve)/,
      `${file} locates itself`,
    );
    assert.doesNotMatch(
      text,
      usesWorkingDirectory.has(file)
        ? /Deno\.readDir\(|new URL\([^)]*import\.meta/
        : /Deno\.cwd\(|Deno\.readDir\(|new URL\([^)]*import\.meta/,
      `${file} reads the tree`,
    );
    if (!allowedReads.has(file)) {
      assert.doesNotMatch(
        text,
        /Deno\.(readTextFile|readFile|readDir|open)(Sync)?\(/,
        `${file} reads files`,
      );
    }
  }
});

Deno.test("the tasks and the binary use the same narrow permissions", async () => {
  const tasks: unknown = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  const taskMap = typeof tasks === "object" && tasks !== null && "tasks" in tasks
    ? tasks.tasks
    : {};
  for (const name of ["start", "serve", "poll"]) {
    const command = String(Reflect.get(taskMap ?? {}, name));
    for (const flag of PERMISSION_FLAGS) {
      assert.ok(command.includes(flag), `task ${name} has ${flag}`);
    }
    assert.ok(
      !command.includes(" -A ") && !command.includes("--allow-all"),
      `task ${name} is narrow`,
    );
  }
  const env = `--allow-env=${[...ENV_VARS, ...LIBRARY_ENV_VARS].join(",")}`;
  assert.ok(PERMISSION_FLAGS.includes(env));
  assert.ok(compileArgs("x", "main.js").includes(env));
});
