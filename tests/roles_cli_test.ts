import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { ROLES, testSession } from "./support/temp_table.ts";
import { agentEnv, runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";

const testdata = new URL("./testdata/", import.meta.url).pathname;

Deno.test("team-table roles list | show | check", async () => {
  const list = await runTeamTable(["roles", "list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^admin +Operator of the table\..* \[privileged\]$/m);
  assert.match(list.stdout, /^async-worker +Works in the background/m);
  assert.equal(list.stdout.trim().split("\n").length, 9);

  const withDir = await runTeamTable(["roles", "list", "--roles-dir", `${testdata}roles-override`]);
  assert.match(withDir.stdout, /^auditor +Reads everything.* \[from .*auditor\.yaml\]$/m);

  const show = await runTeamTable(["roles", "show", "async-worker"]);
  assert.equal(show.code, 0);
  assert.match(show.stdout, /^async-worker\n/);
  assert.match(show.stdout, /task affinity: implement, test, docs/);
  assert.match(show.stdout, /blockers escalate to: lead/);
  assert.match(show.stdout, /tools \(26\): register, deregister/);
  assert.match(show.stdout, /guidelines:\n {4}You are an asynchronous worker/);

  const good = await runTeamTable(["roles", "check", `${testdata}roles-override`]);
  assert.equal(good.code, 0);
  assert.match(good.stdout, /2 role file\(s\) valid \(auditor, coder\)/);

  const bad = await runTeamTable(["roles", "check", `${testdata}roles-bad`]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^team-table: bad role template:\n/);
  assert.match(bad.stderr, /roles-bad\/typo\.yaml:5: unknown key "tool"\n/);

  const missing = await runTeamTable(["roles", "show", "wizard"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /there is no role 'wizard'; roles: admin, agent/);
});

Deno.test("a bad roles directory stops start-up with file:line errors", async () => {
  const db = await tempDb();
  try {
    const result = await runTeamTable([], {
      TEAM_TABLE_DB: db.path,
      TEAM_TABLE_ROLES_DIR: `${testdata}roles-bad`,
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown tool "teleport" in tools/);
    assert.equal(result.stdout, "");
  } finally {
    await db.cleanup();
  }
});

Deno.test("team-table members grant / list work on the database directly", async () => {
  const db = await tempDb();
  const env = { TEAM_TABLE_DB: db.path };
  try {
    const missing = await runTeamTable(["members"], env);
    assert.equal(missing.code, 1, "listing a database that does not exist is refused");
    assert.match(missing.stderr, /no such file/);
    const granted = await runTeamTable(["members", "grant", "boss", "admin"], env);
    assert.equal(granted.code, 0);
    assert.match(
      granted.stdout,
      /^boss now has role 'admin' \(not at the table yet: it takes effect when it registers\)\.\nThe role is privileged, so the name now has a credential\.\n {2}credential: ttk_/,
    );
    const listed = await runTeamTable(["members", "list"], env);
    assert.match(listed.stdout, /^boss +admin +gone +since .*credential$/m);
    const unknown = await runTeamTable(["members", "grant", "boss", "wizard"], env);
    assert.equal(unknown.code, 2, "an unknown role is a usage error");
    assert.match(unknown.stderr, /role: there is no role 'wizard'/);
    const usage = await runTeamTable(["members", "grant", "boss"], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage: team-table members .*grant NAME ROLE/);
  } finally {
    await db.cleanup();
  }
});

Deno.test("team-table members revoke and remove act on the database, audited", async () => {
  const db = await tempDb();
  const env = { TEAM_TABLE_DB: db.path };
  try {
    assert.equal((await runTeamTable(["members", "grant", "boss", "lead"], env)).code, 0);
    const revoked = await runTeamTable(["members", "revoke", "boss"], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /boss has the default role 'agent' again/);
    const removed = await runTeamTable(["members", "remove", "boss"], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(
      removed.stdout,
      /boss is removed: gone, its name free, its credential and role dropped/,
    );
    const listed = await runTeamTable(["members", "list"], env);
    assert.match(listed.stdout, /^boss +agent +gone /m);
    assert.doesNotMatch(listed.stdout, /credential$/m);
  } finally {
    await db.cleanup();
  }
});

Deno.test("team-table members revoke: the credential a privileged grant gave stays, and the message says so", async () => {
  const db = await tempDb();
  const env = { TEAM_TABLE_DB: db.path };
  const run = (...args: string[]) => runTeamTable(args, env);
  try {
    const granted = await run("members", "grant", "coder1", "admin");
    assert.equal(granted.code, 0, granted.stderr);
    const credential = granted.stdout.match(/credential: (ttk_\S+)/)?.[1] ?? "";
    const revoked = await run("members", "revoke", "coder1");
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(
      revoked.stdout.trim(),
      [
        "coder1 has the default role 'agent' again.",
        "Its credential stays: coder1 still joins only with it (stdio: TEAM_TABLE_AGENT_KEY, " +
        "HTTP: the bearer token), so its MCP clients keep passing it.",
        "  'team-table members token coder1' issues a new one (the old one stops working);",
        "  'team-table members remove coder1' drops it (and removes coder1: gone, its open " +
        "tasks back to pending).",
      ].join("\n"),
    );
    assert.match((await run("members", "list")).stdout, /^coder1 +agent +gone .* credential$/m);
    // What the message says is so: without the key the name is refused, with it the agent starts.
    const refused = await run("--agent", "coder1");
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /'coder1' has a credential; only a session that presents it/);
    const agent = await TestAgent.stdio(db.path, agentEnv("coder1", credential));
    try {
      const me = await agent.call("register", { name: "coder1" });
      assert.equal(me.isError, false, me.text);
      assert.match(me.text, /"role":"agent"/);
    } finally {
      await agent.close();
    }
  } finally {
    await db.cleanup();
  }
});

Deno.test("team-table members revoke: an unknown name is refused; a name only granted is withdrawn", async () => {
  const db = await tempDb();
  const env = { TEAM_TABLE_DB: db.path };
  const run = (...args: string[]) => runTeamTable(args, env);
  const recipients = async () => {
    const sent = await run("broadcast", "standup");
    assert.equal(sent.code, 0, sent.stderr);
    return Number(sent.stdout.match(/sent to (\d+) members?/)?.[1]);
  };
  try {
    // alice joined (and left); bob was added with a credential but has not joined yet.
    const handle = openDatabase(db.path);
    const table = createTable({ db: handle, roles: ROLES });
    table.members.register({ session: testSession("alice"), name: "alice" });
    table.members.deregister(agentActor("alice"));
    handle.close();
    assert.equal((await run("members", "add", "bob")).code, 0);
    const before = (await run("members", "list")).stdout;
    assert.equal(await recipients(), 2);

    const unknown = await run("members", "revoke", "carol");
    assert.equal(unknown.code, 1, "a refusal, as members grant/remove refuse");
    assert.equal(unknown.stdout, "");
    assert.equal(
      unknown.stderr.trim(),
      "team-table: name: no agent named 'carol' has ever registered. Run 'team-table members " +
        "list' to see who is registered.",
    );
    assert.equal((await run("members", "list")).stdout, before, "nothing changed");
    assert.equal(await recipients(), 2, "carol is no recipient");

    // A grant before joining makes the name; revoking it, before it ever joined, withdraws it.
    assert.equal((await run("members", "grant", "dave", "reviewer")).code, 0);
    assert.match((await run("members", "list")).stdout, /^dave +reviewer +gone /m);
    const withdrawn = await run("members", "revoke", "dave");
    assert.equal(withdrawn.code, 0, withdrawn.stderr);
    assert.equal(
      withdrawn.stdout.trim(),
      "dave never joined: the grant is withdrawn, and the name is no member again (not listed, " +
        "not a recipient of broadcasts).",
    );
    assert.equal((await run("members", "list")).stdout, before, "dave is not listed");
    assert.equal(await recipients(), 2, "dave is no recipient");
    assert.equal((await run("members", "revoke", "dave")).code, 1, "unknown again");

    // Real members keep their names: the default role again, as before.
    for (const name of ["alice", "bob"]) {
      assert.equal((await run("members", "grant", name, "reviewer")).code, 0);
      const revoked = await run("members", "revoke", name);
      assert.equal(revoked.code, 0, revoked.stderr);
      const [first, ...rest] = revoked.stdout.trim().split("\n");
      assert.equal(first, `${name} has the default role 'agent' again.`);
      // bob, added with a credential, keeps it (and is told); alice never had one.
      assert.equal(rest[0]?.startsWith("Its credential stays: ") ?? false, name === "bob");
    }
    assert.equal((await run("members", "list")).stdout, before);
    assert.equal(await recipients(), 2);
  } finally {
    await db.cleanup();
  }
});
