import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { createTable, type Table } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { LineReader } from "./support/line_reader.ts";
import { ROLES, testSession } from "./support/temp_table.ts";
import { runTeamTable, teamTableCommand, tempDb } from "./support/test_agent.ts";

function pollCommand(dbPath: string, args: string[]): Deno.Command {
  const { command, args: full } = teamTableCommand(["poll", ...args]);
  return new Deno.Command(command, {
    args: full,
    env: { TEAM_TABLE_DB: dbPath },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

async function withTable(fn: (table: Table, db: { path: string; dir: string }) => Promise<void>) {
  const db = await tempDb();
  const handle = openDatabase(db.path);
  try {
    const table = createTable({ db: handle, roles: ROLES });
    for (const name of ["alice", "bob"]) {
      table.members.register({ name, session: testSession(name) });
    }
    await fn(table, db);
  } finally {
    handle.close();
    await db.cleanup();
  }
}

function once(dbPath: string, args: string[]) {
  return runTeamTable(["poll", ...args, "--once"], { TEAM_TABLE_DB: dbPath });
}

Deno.test("poll: an unknown agent is a one-line error, exit 1", async () => {
  await withTable(async (_table, db) => {
    const result = await once(db.path, ["alicee"]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /agent: no agent named 'alicee' has ever registered\. Did you mean 'alice'\?/,
    );
  });
});

Deno.test("poll --once prints what arrived since the last poll, once", async () => {
  await withTable(async (table, db) => {
    assert.equal((await once(db.path, ["alice"])).stdout, "", "the first run only sets the cursor");
    table.messages.send({ by: agentActor("bob"), recipient: "alice", content: "first\nline two" });
    table.tasks.create({
      title: "Ship it",
      by: agentActor("bob"),
      assignee: "alice",
      priority: "high",
    });
    table.messages.send({ by: agentActor("bob"), recipient: "bob", content: "not for alice" });
    const result = await once(db.path, ["alice"]);
    assert.equal(result.code, 0);
    const lines = result.stdout.trim().split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? "", /^\S+Z message #1 from bob: first line two$/);
    assert.match(lines[1] ?? "", /task #1 created by bob: "Ship it" \[high\] assigned to alice$/);
    assert.equal((await once(db.path, ["alice"])).stdout, "");
    table.messages.broadcast({ by: agentActor("bob"), content: "json please" });
    const json = await once(db.path, ["alice", "--json"]);
    const event = JSON.parse(json.stdout.trim());
    assert.equal(event.type, "broadcast");
    assert.equal(event.message.content, "json please");
  });
});

Deno.test("poll watches live, runs --exec per event, and stops cleanly on SIGTERM", async () => {
  await withTable(async (table, db) => {
    const out = `${db.dir}/events.jsonl`;
    const child = pollCommand(db.path, [
      "alice",
      "--interval",
      "0.05",
      "--exec",
      `cat >> '${out}'; echo "$TEAM_TABLE_EVENT_TYPE $TEAM_TABLE_EVENT_ID" >> '${out}.env'`,
    ]).spawn();
    const lines = new LineReader(child.stdout);
    const errors = new LineReader(child.stderr);
    try {
      // The watcher starts from the newest event: wait until it is watching.
      assert.match(await errors.next(10_000), /watching alice's events every 0\.05 s/);
      table.messages.send({ by: agentActor("bob"), recipient: "alice", content: "live one" });
      assert.match(await lines.next(), /message #1 from bob: live one/);
      table.messages.send({ by: agentActor("bob"), recipient: "alice", content: "live two" });
      assert.match(await lines.next(), /message #2 from bob: live two/);
    } finally {
      child.kill("SIGTERM");
      assert.equal((await child.status).code, 0);
      await lines.rest();
      await errors.rest();
    }
    const exec = (await Deno.readTextFile(out)).trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(exec.map((e) => e.message.content), ["live one", "live two"]);
    assert.equal((await Deno.readTextFile(`${out}.env`)).trim(), "message 1\nmessage 2");
  });
});

Deno.test("poll --auto-reply: capped, never answers auto-replies, escalates questions", async () => {
  await withTable(async (table, db) => {
    await once(db.path, ["alice"]);
    for (const content of ["status report attached", "deploy finished", "logs rotated"]) {
      table.messages.send({ by: agentActor("bob"), recipient: "alice", content });
    }
    table.messages.send({
      by: agentActor("bob"),
      recipient: "alice",
      content: "[auto-reply] bob got it",
    });
    const capped = await once(db.path, ["alice", "--auto-reply", "--max-replies", "2"]);
    assert.equal(capped.code, 0);
    assert.match(capped.stdout, /ESCALATE: the auto-reply cap \(2\) is reached/);
    const replies = table.messages.inbox({ by: agentActor("bob") }).messages;
    assert.deepEqual(
      replies.map((m) => m.content),
      [
        "[auto-reply] alice received your message #1 and will act on it when it next checks in.",
        "[auto-reply] alice received your message #2 and will act on it when it next checks in.",
      ],
    );

    table.messages.send({
      by: agentActor("bob"),
      recipient: "alice",
      content: "Should we migrate to Postgres?",
    });
    table.messages.send({
      by: agentActor("bob"),
      recipient: "alice",
      content: "fyi: build is green",
    });
    const question = await once(db.path, ["alice", "--auto-reply"]);
    assert.match(
      question.stdout,
      /ESCALATE: message #\d+ from bob asks a question or for a decision; auto-replies are off/,
    );
    assert.equal(
      table.messages.inbox({ by: agentActor("bob") }).messages.length,
      0,
      "no reply after escalation",
    );
  });
});
