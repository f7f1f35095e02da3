import assert from "node:assert/strict";
import { startServe } from "./support/serve_process.ts";
import { runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";

function runServeCommand(args: string[], env: Record<string, string>) {
  return runTeamTable(["serve", ...args], env);
}

Deno.test("--no-auth is refused off loopback, before anything listens", async () => {
  const db = await tempDb();
  try {
    const result = await runServeCommand(["--host", "0.0.0.0", "--no-auth"], {
      TEAM_TABLE_DB: db.path,
    });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^team-table: --no-auth is refused on the non-loopback host 0\.0\.0\.0/,
    );
  } finally {
    await db.cleanup();
  }
});

Deno.test("bad serve flags are one-line errors", async () => {
  const db = await tempDb();
  try {
    const port = await runServeCommand(["--port", "99999"], { TEAM_TABLE_DB: db.path });
    assert.equal(port.code, 2);
    assert.equal(
      port.stderr,
      "team-table: port must be a whole number from 0 to 65535 (got '99999')\n",
    );
    const beat = await runServeCommand(["--heartbeat", "soon"], { TEAM_TABLE_DB: db.path });
    assert.equal(beat.code, 2);
    assert.match(beat.stderr, /heartbeat must be a number of seconds/);
  } finally {
    await db.cleanup();
  }
});

Deno.test("without TEAM_TABLE_TOKEN a token is generated once, kept 0600, and shown in the banner once", async () => {
  const db = await tempDb();
  try {
    const first = await startServe(db.path, { token: null, args: ["--join-token"] });
    const tokenFile = `${db.dir}/token`;
    const joinFile = `${db.dir}/join_token`;
    const join = (await Deno.readTextFile(joinFile)).trim();
    assert.match(
      first.stderr(),
      new RegExp(`join token: +${join} \\(new, saved to ${joinFile}\\)`),
    );
    const token = (await Deno.readTextFile(tokenFile)).trim();
    assert.ok(token.length >= 32);
    assert.equal((await Deno.stat(tokenFile)).mode! & 0o777, 0o600);
    assert.match(
      first.stderr(),
      new RegExp(`operator token: +${token} \\(new, saved to ${tokenFile}\\)`),
    );
    assert.match(
      first.stderr(),
      new RegExp(
        `claude mcp add --transport http team-table ${first.url}/mcp --header "Authorization: Bearer <agent token>"`,
      ),
    );
    assert.match(
      first.stderr(),
      /codex mcp add team-table --url .*--bearer-token-env-var TEAM_TABLE_AGENT_KEY/,
    );
    const unauthorized = await fetch(`${first.url}/mcp`, { method: "POST" });
    assert.equal(unauthorized.status, 401);
    await unauthorized.body?.cancel();
    assert.equal(await first.stop(), 0);

    await Deno.chmod(tokenFile, 0o644);
    const second = await startServe(db.path, { token: null, args: ["--join-token"] });
    assert.match(
      second.stderr(),
      new RegExp(`operator token: +kept in ${tokenFile} \\(not shown; read it there\\)`),
    );
    assert.match(second.stderr(), new RegExp(`join token: +kept in ${joinFile} \\(not shown`));
    assert.ok(!second.stderr().includes(token), "a restart does not print the secret again");
    assert.ok(!second.stderr().includes(join));
    assert.equal((await Deno.stat(tokenFile)).mode! & 0o777, 0o600, "the file is 0600 again");
    assert.equal(await second.stop(), 0);
  } finally {
    await db.cleanup();
  }
});

Deno.test("--no-auth: every session is one caller, so only --max-sessions caps them", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, {
    token: null,
    args: ["--no-auth", "--max-sessions-per-credential", "2"],
  });
  const agents: TestAgent[] = [];
  try {
    for (const name of ["a1", "a2", "a3"]) {
      const agent = await TestAgent.http(server.url, "unused");
      agents.push(agent);
      await agent.ok("register", { name });
    }
    const first = await agents[0]!.call("heartbeat");
    assert.equal(first.isError, false, "the first agent's session was not ended for a third");
  } finally {
    for (const agent of agents) await agent.close();
    assert.equal(await server.stop(), 0);
    await db.cleanup();
  }
});

Deno.test("--no-auth on loopback serves without a token", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { token: null, args: ["--no-auth"] });
  try {
    assert.match(server.stderr(), /access token: +none/);
    const response = await fetch(`${server.url}/mcp`);
    assert.equal(response.status, 400, "past auth");
    await response.body?.cancel();
  } finally {
    assert.equal(await server.stop(), 0);
    await db.cleanup();
  }
});
