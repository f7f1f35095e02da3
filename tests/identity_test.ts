/**
 * Identity as an attacker would test it, through real clients and processes: live names cannot
 * be taken, credentials guard names and privileged roles, each HTTP credential has only its own
 * powers, and names come free when sessions end.
 */
import assert from "node:assert/strict";
import { startServe, TEST_TOKEN } from "./support/serve_process.ts";
import { agentEnv, grantRole, runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";
import { waitFor } from "./support/wait_for.ts";

const IN_USE =
  /name: 'alice' is in use by another session since \d\d:\d\d UTC \((stdio, pid \d+|http [\d.]+)\); choose another name, or end that session/;

/** `team-table members add NAME`: the credential it printed once. */
async function addMember(dbPath: string, name: string): Promise<string> {
  const out = await runTeamTable(["members", "add", name], { TEAM_TABLE_DB: dbPath });
  const credential = out.stdout.match(/credential: (ttk_\S+)/)?.[1];
  assert.ok(credential, `members add printed a credential: ${out.stdout}${out.stderr}`);
  return credential;
}

Deno.test("a live name cannot be taken: stdio and stdio, HTTP and HTTP, stdio and HTTP", async () => {
  const db = await tempDb();
  const server = await startServe(db.path);
  const first = await TestAgent.stdio(db.path);
  const second = await TestAgent.stdio(db.path);
  const http1 = await TestAgent.http(server.url, TEST_TOKEN);
  const http2 = await TestAgent.sse(server.url, TEST_TOKEN);
  try {
    await first.ok("register", { name: "alice" });
    await first.ok("send_message", { recipient: "alice", content: "note to self" });
    for (const intruder of [second, http1, http2]) {
      const taken = await intruder.call("register", { name: "ALICE" });
      assert.equal(taken.isError, true);
      assert.match(taken.text, IN_USE);
      const read = await intruder.call("get_messages", { agent_name: "alice" });
      assert.match(read.text, /no agent yet: call register/, "nothing acts as alice");
    }
    // A second server told it is alice (a second window; a client's health check) connects,
    // and its tool calls say who holds the name until it is free.
    const twin = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "alice" });
    const waiting = await twin.call("get_messages");
    assert.equal(waiting.isError, true);
    assert.match(waiting.text, IN_USE);
    const renamed = await twin.call("register", { name: "mallory" });
    assert.match(renamed.text, /this connection is bound to 'alice'/);
    await http1.ok("register", { name: "hal" });
    const stolen = await second.call("register", { name: "hal" });
    assert.match(stolen.text, /'hal' is in use by another session since .* \(http /);
    const inbox = await first.ok("get_messages", { include_read: true });
    assert.equal((inbox["messages"] as unknown[]).length, 1, "alice's mail stayed hers");
    await first.close();
    const freed = await twin.ok("get_messages");
    assert.deepEqual(freed["messages"], [], "the twin takes alice once she left");
    await twin.close();
  } finally {
    await Promise.all([second.close(), http1.close(), http2.close()]);
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("a name comes free when its stdio process exits or its HTTP session is deleted", async () => {
  const db = await tempDb();
  const server = await startServe(db.path);
  const watcher = await TestAgent.stdio(db.path);
  try {
    await watcher.ok("register", { name: "watcher" });
    const stdio = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "alice" });
    const presence = async () =>
      ((await watcher.ok("list_members", { include_inactive: true }))["members"] as {
        name: string;
        presence: string;
      }[]).find((m) => m.name === "alice")?.presence;
    await stdio.tools();
    assert.equal(await presence(), undefined, "connecting and listing tools take no name");
    await stdio.ok("heartbeat");
    assert.equal(await presence(), "online", "--agent takes it on the first tool call");
    await stdio.close();
    const http = await TestAgent.http(server.url, TEST_TOKEN);
    await http.ok("register", { name: "alice" });
    await http.terminate();
    const back = await TestAgent.stdio(db.path);
    await back.ok("register", { name: "alice" });
    await back.close();
    const log = await watcher.ok("get_audit_log", { action: "member.released" });
    const released = (log["entries"] as { target: string; details: { where: string } }[])
      .filter((e) => e.target === "alice").map((e) => e.details.where.split(/[ ,]/)[0]);
    assert.deepEqual(released, ["stdio", "http", "stdio"], "each session let the name go");
  } finally {
    await watcher.close();
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("a name with a credential: refused without it, refused with a wrong one, taken with it", async () => {
  const db = await tempDb();
  const server = await startServe(db.path);
  try {
    const credential = await addMember(db.path, "alice");
    const bare = await TestAgent.stdio(db.path);
    const refused = await bare.call("register", { name: "alice" });
    assert.match(refused.text, /name: 'alice' has a credential; only a session that presents it/);
    assert.ok(!refused.text.includes(credential), "no secret in an error");
    await bare.close();
    const wrong = await runTeamTable([], {
      TEAM_TABLE_DB: db.path,
      ...agentEnv("alice", "ttk_not-the-right-one"),
    });
    assert.equal(wrong.code, 1, "a stdio server started with a wrong key stops");
    assert.match(
      wrong.stderr,
      /^team-table: name: 'alice' has a credential, and the one this session presented is not it/,
    );
    const right = await TestAgent.stdio(db.path, agentEnv("alice", credential));
    const confirmed = await right.ok("register", { name: "alice" });
    assert.equal((confirmed["member"] as { presence: string }).presence, "online");
    const other = await right.call("register", { name: "bob" });
    assert.match(other.text, /this connection is bound to 'alice'/);
    await right.close();

    const viaToken = await TestAgent.http(server.url, credential);
    const me = await viaToken.ok("list_members");
    assert.equal((me["members"] as { name: string; presence: string }[])[0]?.presence, "online");
    await viaToken.ok("send_message", { recipient: "alice", content: "bound at initialize" });
    await viaToken.terminate();

    const audit = await runTeamTable(["status"], { TEAM_TABLE_DB: db.path });
    assert.equal(audit.code, 0);
    const viewer = await TestAgent.http(server.url, TEST_TOKEN);
    await viewer.ok("register", { name: "viewer" });
    const log = await viewer.ok("get_audit_log", { action: "credential.*" });
    const actions = (log["entries"] as { action: string; details: { reason?: string } }[])
      .map((e) => `${e.action}${e.details.reason ? `:${e.details.reason}` : ""}`);
    assert.deepEqual(actions.sort(), [
      "credential.issued",
      "credential.refused:no credential",
      "credential.refused:wrong credential",
    ]);
    await viewer.close();
  } finally {
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("a granted privileged role is unusable without its credential", async () => {
  const db = await tempDb();
  try {
    const credential = await grantRole(db.path, "boss", "lead");
    const impostor = await TestAgent.stdio(db.path);
    const refused = await impostor.call("register", { name: "boss" });
    assert.match(refused.text, /'boss' has a credential/);
    await impostor.close();
    const boss = await TestAgent.stdio(db.path, agentEnv("boss", credential));
    const role = (await boss.ok("register", { name: "boss" }))["role"] as { name: string };
    assert.equal(role.name, "lead");
    await boss.close();
  } finally {
    await db.cleanup();
  }
});

Deno.test("HTTP credentials keep to their powers: agent tokens, the join token, the operator", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { args: ["--join-token"] });
  try {
    const join = server.stderr().match(/join token: +(\S+)/)?.[1] ?? "";
    assert.ok(join.length >= 16, "the banner prints the join token");
    const alice = await addMember(db.path, "alice");
    const bob = await addMember(db.path, "bob");
    const get = (path: string, token: string) =>
      fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

    const api = await get("/api/overview", alice);
    assert.equal(api.status, 401, "an agent token is not the operator's");
    await api.body?.cancel();
    const post = await fetch(`${server.url}/api/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${alice}`, "content-type": "application/json" },
      body: JSON.stringify({ to: "bob", content: "as human?" }),
    });
    assert.equal(post.status, 401);
    await post.body?.cancel();
    const queryApi = await fetch(`${server.url}/api/overview?token=${TEST_TOKEN}`);
    assert.equal(queryApi.status, 401, "?token= never works for /api");
    await queryApi.body?.cancel();

    const others = await get("/events/bob", alice);
    assert.equal(others.status, 403);
    assert.match((await others.json()).message, /reads only its own agent's stream/);
    const own = await get("/events/alice", alice);
    assert.equal(own.status, 200);
    await own.body?.cancel();
    const operator = await get("/events/bob", TEST_TOKEN);
    assert.equal(operator.status, 200);
    await operator.body?.cancel();
    const joinEvents = await get("/events/bob", join);
    assert.equal(joinEvents.status, 403);
    await joinEvents.body?.cancel();
    void bob;

    const newcomer = await TestAgent.http(server.url, join);
    const taken = await newcomer.call("register", { name: "alice" });
    assert.match(taken.text, /'alice' is taken; a join token registers new names only/);
    const privileged = await newcomer.call("register", { name: "newbie", role: "lead" });
    assert.match(privileged.text, /a join token takes no privileged role|privileged role/);
    const joined = await newcomer.ok("register", { name: "newbie", role: "coder" });
    const token = joined["credential"];
    assert.equal(typeof token, "string");
    await newcomer.terminate();
    const rejoin = await TestAgent.http(server.url, String(token));
    const me = (await rejoin.ok("heartbeat"))["member"] as {
      name: string;
      has_credential: boolean;
    };
    assert.equal(me.name, "newbie", "the returned token binds newbie from now on");
    assert.equal(me.has_credential, true);
    await rejoin.close();

    const hijack = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer nobody-${TEST_TOKEN}`, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(hijack.status, 401);
    await hijack.body?.cancel();
  } finally {
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("an HTTP session begun with one credential cannot be driven with another", async () => {
  const db = await tempDb();
  const server = await startServe(db.path);
  try {
    const alice = await addMember(db.path, "alice");
    const bob = await addMember(db.path, "bob");
    const agent = await TestAgent.http(server.url, alice);
    await agent.ok("list_members");
    const sessionId = await waitFor(() => agent.sessionId(), { what: "a session id" });
    const ride = await fetch(`${server.url}/mcp`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${bob}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": sessionId,
        "mcp-protocol-version": "2025-06-18",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "get_messages", arguments: {} },
      }),
    });
    assert.equal(ride.status, 403);
    await ride.body?.cancel();
    await agent.close();
  } finally {
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("a quiet HTTP session keeps its name while its client is connected; a client gone without DELETE lets it go", async () => {
  const db = await tempDb();
  const fast = { TEAM_TABLE_PRESENCE_TIMEOUT: "0.3", TEAM_TABLE_TICK: "0.05" };
  const server = await startServe(db.path, { env: fast });
  try {
    const quiet = await TestAgent.http(server.url, TEST_TOKEN);
    await quiet.ok("register", { name: "alice" });
    const gone = await TestAgent.http(server.url, TEST_TOKEN);
    await gone.ok("register", { name: "bob" });
    await gone.close(); // no DELETE: a crashed window, a client's close()
    // The marker: bob's name comes free once his session is unseen for the presence timeout.
    const stdio = await waitFor(async () => {
      const candidate = await TestAgent.stdio(db.path, fast);
      const outcome = await candidate.call("register", { name: "bob" });
      if (!outcome.isError) return candidate;
      await candidate.close();
      return undefined;
    }, { what: "the departed session's name to come free", intervalMs: 100 });
    const refused = await stdio.call("register", { name: "alice" });
    assert.match(refused.text, /'alice' is in use by another session since .* \(http [\d.]+\)/);
    await stdio.close();
    const still = await quiet.ok("get_messages");
    assert.deepEqual(still["messages"], [], "the quiet session still acts as alice");
    await quiet.close();
  } finally {
    await server.stop();
    await db.cleanup();
  }
});
