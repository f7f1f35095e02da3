/**
 * What the join token may hold in all: the agent tokens it minted (in the database, per address
 * and in all) and the MCP sessions of those credentials and its own (a share of the server's,
 * per address and in all), so that the operator's credentials always find a place.
 */
import assert from "node:assert/strict";
import { humanActor } from "../src/core/actor.ts";
import { ConflictError } from "../src/core/errors.ts";
import { LIMITS } from "../src/core/limits.ts";
import { hashCredential } from "../src/core/members/credentials.ts";
import { snapshot, tempTable } from "./support/temp_table.ts";
import { tempHandler } from "./support/temp_handler.ts";
import { INITIALIZE, mcpHeaders } from "./support/mcp_requests.ts";
import { startServe } from "./support/serve_process.ts";
import { runTeamTable, tempDb } from "./support/test_agent.ts";

const joinSession = (id: string, where: string) => ({ id, where, source: "join token", key: "" });

Deno.test("the join token mints at most joinCredentialsPerAddress tokens for one address and joinCredentialsMax in all", () => {
  using t = tempTable();
  const join = (name: string, where: string, i: number) =>
    t.table.members.register({ name, session: joinSession(`s-${name}-${i}`, where), join: true });
  for (let i = 0; i < LIMITS.joinCredentialsPerAddress; i++) join(`a${i}`, "http 10.0.0.1", i);
  const before = snapshot(t.db);
  assert.throws(
    () => join("one-more", "http 10.0.0.1", 99),
    (error: Error) =>
      error instanceof ConflictError &&
      error.message.includes(
        `the join token has made ${LIMITS.joinCredentialsPerAddress} agent tokens for http ` +
          `10.0.0.1, the most one address may get (${LIMITS.joinCredentialsPerAddress})`,
      ) && error.message.includes("team-table members remove NAME"),
  );
  assert.deepEqual(snapshot(t.db), before, "a refused registration changes nothing");

  // The operator removing one, or issuing its own token for another, frees places.
  t.table.members.remove({ name: "a0", by: humanActor("op") });
  t.table.members.issueCredential({ name: "a1", by: humanActor("op") });
  join("again0", "http 10.0.0.1", 1);
  join("again1", "http 10.0.0.1", 2);
  assert.throws(() => join("again2", "http 10.0.0.1", 3), /the most one address may get/);

  let made = LIMITS.joinCredentialsPerAddress;
  for (let address = 2; made < LIMITS.joinCredentialsMax; address++) {
    for (let i = 0; i < LIMITS.joinCredentialsPerAddress && made < LIMITS.joinCredentialsMax; i++) {
      join(`b${address}-${i}`, `http 10.0.0.${address}`, i);
      made++;
    }
  }
  assert.throws(
    () => join("late", "http 10.0.9.9", 0),
    new RegExp(
      `the join token has made ${LIMITS.joinCredentialsMax} agent tokens, the most it may ` +
        `\\(${LIMITS.joinCredentialsMax}\\)`,
    ),
  );
});

Deno.test("a credential the join token minted is told from one the operator issued", () => {
  using t = tempTable();
  const joined = t.table.members.register({
    name: "newbie",
    session: joinSession("s1", "http 10.0.0.1"),
    join: true,
  });
  const minted = joined.credential ?? "";
  assert.deepEqual(t.table.principals.byKeyHash(hashCredential(minted)), {
    name: "newbie",
    joined: true,
  });
  const issued = t.table.members.issueCredential({ name: "newbie", by: humanActor("op") });
  assert.deepEqual(t.table.principals.byKeyHash(hashCredential(issued.credential)), {
    name: "newbie",
    joined: false,
  });
  assert.equal(t.table.principals.byKeyHash(hashCredential(minted)), undefined);
});

Deno.test("join-token sessions take at most their share, per address and in all; the operator's credentials still get places", async () => {
  const JOIN = "join-token-0123456789abcdef";
  const OPERATOR = "operator-token-0123456789ab";
  await using s = tempHandler({
    token: OPERATOR,
    idleMs: 600_000,
    deps: { joinToken: JOIN, sessionCaps: { total: 10, perCredential: 4 } },
  });
  const begin = async (token: string, address: string) => {
    const response = await s.handler.fetch(
      new Request("http://127.0.0.1:8741/mcp", {
        method: "POST",
        headers: mcpHeaders(token),
        body: JSON.stringify(INITIALIZE),
      }),
      {
        remoteAddr: { transport: "tcp", hostname: address, port: 5000 },
      },
    );
    const body = await response.text();
    return { status: response.status, body };
  };
  const minted = (name: string) =>
    s.t.table.members.register({
      name,
      session: joinSession(`s-${name}`, "http 10.0.0.9"),
      join: true,
    }).credential ?? "";
  const [m1, m2] = [minted("m1"), minted("m2")];
  for (let i = 0; i < 4; i++) assert.equal((await begin(JOIN, "10.0.0.1")).status, 200);
  const perAddress = await begin(m1, "10.0.0.1");
  assert.equal(perAddress.status, 503, "one address holds at most 4 (perCredential)");
  assert.match(
    perAddress.body,
    /the join token's credentials from http 10\.0\.0\.1 holds the most it may \(4\)/,
  );
  assert.equal((await begin(m1, "10.0.0.2")).status, 200);
  const share = await begin(m2, "10.0.0.3");
  assert.equal(share.status, 503, "the join token's share is half the server's (5)");
  assert.match(share.body, /the join token's credentials \(its own and the agent tokens/);
  const { credential } = s.t.table.members.issueCredential({ name: "bob", by: humanActor("op") });
  for (let i = 0; i < 4; i++) assert.equal((await begin(OPERATOR, "10.0.0.1")).status, 200);
  assert.equal((await begin(credential, "10.0.0.1")).status, 200, "the operator's agent token");
  assert.equal((await begin(credential, "10.0.0.4")).status, 503, "the server is full now");
});

Deno.test("serve: the join token and the tokens it minted cannot take the places of the operator's credentials", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, {
    args: ["--join-token", "--max-sessions", "6", "--max-sessions-per-credential", "3"],
  });
  const initialize = async (token: string) => {
    const response = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: mcpHeaders(token),
      body: JSON.stringify(INITIALIZE),
    });
    const body = await response.text();
    return { status: response.status, body, id: response.headers.get("mcp-session-id") };
  };
  try {
    const join = server.stderr().match(/join token: +(\S+)/)?.[1] ?? "";
    const first = await initialize(join);
    assert.equal(first.status, 200);
    const registered = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: { ...mcpHeaders(join), "mcp-session-id": first.id ?? "" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "register", arguments: { name: "minted" } },
      }),
    });
    const minted = (await registered.text()).match(/ttk_[A-Za-z0-9_-]+/)?.[0] ?? "";
    assert.ok(minted, "the join token's registration returned an agent token");
    assert.equal((await initialize(minted)).status, 200);
    assert.equal((await initialize(minted)).status, 200);
    const refused = await initialize(minted);
    assert.equal(refused.status, 503, "the join token's share (3 of 6) is taken");
    assert.match(refused.body, /the join token's credentials/);
    const added = await runTeamTable(["members", "add", "real"], { TEAM_TABLE_DB: db.path });
    const real = added.stdout.match(/credential: (ttk_\S+)/)?.[1] ?? "";
    assert.equal((await initialize(real)).status, 200, "an agent the operator added");
    assert.equal((await initialize(server.token)).status, 200, "the operator");
  } finally {
    assert.equal(await server.stop(), 0);
    await db.cleanup();
  }
});
