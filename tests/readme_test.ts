/**
 * The README matches the program: every tool, option, environment variable, command and HTTP
 * endpoint the program has is in it, and it names none that the program does not have.
 */
import assert from "node:assert/strict";
import { knownWords } from "../src/cli/command_line.ts";
import { COMMANDS } from "../src/cli/commands.ts";
import { SETUP_FLAG_NAMES } from "../src/cli/setup/setup_flags.ts";
import { ENV_VARS } from "../src/config.ts";
import { API_ENDPOINTS } from "../src/http/web_api.ts";
import { TOOL_NAMES } from "../src/core/permissions/tool_privileges.ts";
import { tempHandler } from "./support/temp_handler.ts";

const README = await Deno.readTextFile(new URL("../README.md", import.meta.url));
const { commands: COMMAND_WORDS, flags: FLAG_NAMES } = await knownWords(COMMANDS);
/** Options of other programs the README shows (deno, claude, codex, curl, the scripts). */
const OTHER_FLAGS = new Set([
  "--allow-all",
  "--allow-env",
  "--allow-net",
  "--allow-read",
  "--allow-run",
  "--allow-sys",
  "--allow-write",
  "--frozen",
  "--transport",
  "--header",
  "--url",
  "--bearer-token-env-var",
  "--dangerously-load-development-channels",
  "--all",
  "--target",
  "--quick",
  "--only",
  "--agents",
  "--tasks",
  "--seed",
  "--cli",
  "--method",
  "--tool-name",
  "--tool-arg",
  "--root",
  "--check",
  "--no-verify",
  "--show-toplevel",
]);
/** Variables the program sets for --exec commands, or the test suite reads. */
const OTHER_VARS = new Set([
  "TEAM_TABLE_EVENT",
  "TEAM_TABLE_EVENT_ID",
  "TEAM_TABLE_EVENT_TYPE",
  "TEAM_TABLE_BIN",
]);

function _all(pattern: RegExp): string[] {
  return [...new Set([...README.matchAll(pattern)].map((m) => m[1] ?? ""))].sort();
}

Deno.test("README: every tool, and only tools that exist", () => {
  for (const tool of TOOL_NAMES) {
    assert.ok(README.includes(`\`${tool}(`), `README describes the tool ${tool}`);
  }
  const named = _all(/`([a-z]+(?:_[a-z]+)+)\(/g);
  assert.deepEqual(named.filter((name) => !TOOL_NAMES.some((t) => t === name)), []);
});

Deno.test("README: every option, and only options that exist", () => {
  for (const flag of [...FLAG_NAMES, ...SETUP_FLAG_NAMES]) {
    assert.ok(README.includes(flag), `README names ${flag}`);
  }
  const named = _all(/(?<![\w-])(--[a-z][a-z-]*)/g);
  assert.deepEqual(
    named.filter((flag) =>
      !FLAG_NAMES.includes(flag) && !SETUP_FLAG_NAMES.includes(flag) && !OTHER_FLAGS.has(flag) &&
      !COMMAND_WORDS.includes(flag)
    ),
    [],
  );
});

Deno.test("README: every environment variable, and only variables that exist", () => {
  const ours: readonly string[] = ENV_VARS.filter((name) => name.startsWith("TEAM_TABLE_"));
  for (const name of ours) assert.ok(README.includes(`\`${name}\``), `README names ${name}`);
  const named = _all(/\b(TEAM_TABLE_[A-Z_]+)\b/g);
  assert.deepEqual(named.filter((name) => !ours.includes(name) && !OTHER_VARS.has(name)), []);
});

Deno.test("README: every command, and only commands that exist", () => {
  for (const word of COMMAND_WORDS) {
    const shown = word.startsWith("-")
      ? README.includes(word)
      : README.includes(`team-table ${word}`);
    assert.ok(shown, `README shows 'team-table ${word}'`);
  }
  const shown = _all(/(?:`|^)team-table ([a-z][a-z-]*)/gm);
  const notCommands = shown.filter((word) => !COMMAND_WORDS.includes(word));
  assert.deepEqual(notCommands, [], "words after `team-table` that are no command");
});

Deno.test("README: every HTTP endpoint, and only endpoints that answer", async () => {
  await using s = tempHandler({ token: "readme-test-token-0123456789" });
  const paths = s.handler.paths.filter((p) => p !== "/api/*" && p !== "/.well-known/*")
    .map((p) => p.replace(/:(\w+)/g, "{$1}"));
  for (const path of [...paths, ...API_ENDPOINTS.map((e) => e.split(" ")[1] ?? "")]) {
    assert.ok(
      README.includes(`${path}\``) || README.includes(`${path}?`) ||
        README.includes(`${path} `),
      `README names ${path}`,
    );
  }
  for (const endpoint of API_ENDPOINTS) {
    assert.ok(README.includes(endpoint), `README names ${endpoint}`);
  }
  const named = new Set(
    [...README.matchAll(/`(GET|POST|PATCH|DELETE)[A-Z/]* (\/[^`?\s]*)/g)].map((m) =>
      `${m[1]} ${m[2]}`
    ),
  );
  for (const endpoint of named) {
    const [method = "GET", path = "/"] = endpoint.split(" ");
    const concrete = path.replace(/\{[^}]+\}/g, "1").replace(/…|\.\.\./g, "x");
    const response = await s.handler.fetch(
      new Request(`http://127.0.0.1:8741${concrete}`, {
        method,
        headers: {
          authorization: "Bearer readme-test-token-0123456789",
          "content-type": "application/json",
        },
        ...(method === "GET" ? {} : { body: "{}" }),
      }),
    );
    // Streams (/sse, /events, /observe) stay open: only a 404's body is read.
    const body = response.status === 404 ? await response.text() : "";
    if (response.status !== 404) await response.body?.cancel();
    assert.ok(
      !(response.status === 404 && /Nothing at/.test(body)) && response.status !== 405,
      `README names ${endpoint}, which does not exist (${response.status} ${body})`,
    );
  }
});
