/**
 * `deno task conformance`: runs the MCP conformance suite's server scenarios against a real
 * `serve` (no auth, a fresh database, a free port on 127.0.0.1) with conformance/
 * expected-failures.yml, and exits with the suite's code; each scenario's checks stay in the
 * temporary folder it prints. Needs the npm registry (the suite is fetched at run time, outside
 * deno.lock); not part of `deno task test`.
 */
import { PERMISSION_FLAGS } from "./permissions.ts";

const SUITE = "npm:@modelcontextprotocol/conformance@0.1.16";
const root = new URL("..", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function waitForHealth(url: string, serve: Deno.ChildProcess): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    try {
      const response = await fetch(`${url}/health`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  serve.kill("SIGKILL");
  throw new Error(`serve did not answer ${url}/health within 60 s`);
}

const dir = await Deno.makeTempDir({ prefix: "team-table-conformance-" });
const port = freePort();
const url = `http://127.0.0.1:${port}`;
const serve = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--quiet",
    ...PERMISSION_FLAGS,
    `${root}main.ts`,
    "serve",
    "--no-auth",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
  ],
  env: { TEAM_TABLE_DB: `${dir}/conformance.db` },
  stdout: "null",
  stderr: "null",
}).spawn();
let code = 1;
try {
  await waitForHealth(url, serve);
  const suite = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-lock",
      SUITE,
      "server",
      "--url",
      `${url}/mcp`,
      "--expected-failures",
      `${root}conformance/expected-failures.yml`,
      "-o",
      `${dir}/results`,
      ...Deno.args,
    ],
    cwd: dir,
  }).spawn().status;
  code = suite.code;
} finally {
  serve.kill("SIGTERM");
  await serve.status;
  for (const file of ["conformance.db", "conformance.db-wal", "conformance.db-shm"]) {
    await Deno.remove(`${dir}/${file}`).catch(() => {});
  }
  console.log(`Each scenario's checks: ${dir}/results`);
}
Deno.exit(code);
