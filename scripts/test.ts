/**
 * Runs one half of the test suite. The rule needs no list of tests: a test file that starts
 * processes (team-table over stdio, `serve`, the CLI, deno itself, a simulated team) is end-to-end; every other
 * test file is a unit test, run in this process and without --allow-run, so a unit test that
 * starts a process fails at once rather than slowing the fast half.
 *
 *   deno task test:unit [deno test flags]     in process (the SDK's in-memory transport, core)
 *   deno task test:e2e  [deno test flags]     real processes: races, crashes, CLI, transports
 */

const ROOT = new URL("../", import.meta.url).pathname;
const TESTS = `${ROOT}tests/`;

/** What starts a process in a test: Deno's API, or the helpers in tests/support that use it. */
const _STARTS_PROCESSES =
  /\b(?:Deno\.Command|StdioClientTransport|TestAgent\.(?:stdio|http|sse)|startServe|runTeamTable|teamTableCommand|grantRole|simulate)\b/;

const _PERMISSIONS = [
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-net=127.0.0.1,localhost",
];

/** Whether the test file with text `text` starts processes (is end-to-end). */
export function startsProcesses(text: string): boolean {
  return _STARTS_PROCESSES.test(text);
}

/** The test files of one half, sorted. */
export function testFiles(half: "unit" | "e2e"): string[] {
  return [...Deno.readDirSync(TESTS)]
    .filter((entry) => entry.isFile && entry.name.endsWith("_test.ts"))
    .map((entry) => `${TESTS}${entry.name}`)
    .filter((path) => startsProcesses(Deno.readTextFileSync(path)) === (half === "e2e"))
    .sort();
}

if (import.meta.main) {
  const [half, ...flags] = Deno.args;
  if (half !== "unit" && half !== "e2e") {
    console.error("usage: deno run scripts/test.ts unit|e2e [deno test flags]");
    Deno.exit(2);
  }
  const permissions = half === "e2e" ? [..._PERMISSIONS, "--allow-run"] : _PERMISSIONS;
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["test", ...permissions, ...flags, ...testFiles(half)],
    cwd: ROOT,
  }).spawn().status;
  Deno.exit(code);
}
