/** Search and threads outside MCP: the web API (as the operator) and `team-table search`. */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { ROLES, testSession } from "./support/temp_table.ts";
import { tempHandler } from "./support/temp_handler.ts";
import { signIn } from "./support/web_session.ts";
import { runTeamTable, tempDb } from "./support/test_agent.ts";

const TOKEN = "search-test-token-0123456789";

Deno.test("web: /api/search finds everything for the operator; /api/threads/{id} shows acks", async () => {
  await using s = tempHandler({ token: TOKEN, operator: "ops" });
  const { read } = await signIn(s.handler, "http://127.0.0.1:8741", TOKEN);
  const get = (path: string) =>
    s.handler.fetch(new Request(`http://127.0.0.1:8741${path}`, { headers: read }));
  const { table } = s.t;
  for (const name of ["alice", "bob"]) table.members.register({ name, session: testSession(name) });
  const first = table.messages.send({
    by: agentActor("alice"),
    recipient: "bob",
    content: "Please review the migration",
    subject: "Migration review",
    ackRequired: true,
  });
  table.messages.send({
    by: agentActor("bob"),
    recipient: "alice",
    content: "On it",
    replyTo: first.id,
  });
  table.messages.acknowledge({ by: agentActor("bob"), messageId: first.id, note: "ok" });
  const found = await (await get("/api/search?q=migration&kinds=message")).json();
  assert.equal(found.results.length, 2, "the reply keeps the thread's subject");
  assert.ok(found.results.some((r: { id: number }) => r.id === first.id));
  const snippets = found.results.map((r: { snippet: string }) => r.snippet.toLowerCase());
  assert.ok(snippets.every((x: string) => x.includes("\u0001migration\u0002")), "marked");
  const thread = await (await get(`/api/threads/${first.id}`)).json();
  assert.equal(thread.subject, "Migration review");
  assert.deepEqual(thread.messages.map((m: { content: string }) => m.content), [
    "Please review the migration",
    "On it",
  ]);
  assert.deepEqual(thread.messages[0].acks.acknowledged[0].note, "ok");
  const bad = await get("/api/search?q=%22open");
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /^query: the double quote at character 1/);
  const badKind = await get("/api/search?q=x&kinds=mail");
  assert.equal(badKind.status, 400);
  await badKind.body?.cancel();
  const missing = await get("/api/threads/99");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  const page = await (await get("/")).text();
  assert.match(page, /id="search-q"/);
  assert.match(page, /id="thread-dialog"/);
});

Deno.test("team-table search prints ranked results with what to open, or a clear error", async () => {
  const db = await tempDb();
  try {
    const handle = openDatabase(db.path);
    const table = createTable({ db: handle, roles: ROLES });
    table.members.register({ session: testSession("alice"), name: "alice" });
    table.members.register({ session: testSession("bob"), name: "bob" });
    table.tasks.create({ title: "Rotate the signing keys", by: agentActor("alice") });
    table.messages.send({
      by: agentActor("alice"),
      recipient: "bob",
      content: "keys rotate friday",
    });
    handle.close();
    const env = { TEAM_TABLE_DB: db.path };
    const text = await runTeamTable(["search", "rotate", "keys"], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^2 results for "rotate keys"/);
    assert.match(text.stdout, /task #1 "Rotate the signing keys" — alice/);
    assert.match(text.stdout, /open: get_thread\(message_id=1\)/);
    const json = await runTeamTable(["search", "friday", "--kinds", "message", "--json"], env);
    assert.equal(JSON.parse(json.stdout).results[0].by, "alice");
    const bad = await runTeamTable(["search", '"open'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /query: the double quote at character 1 is never closed/);
    const badKind = await runTeamTable(["search", "x", "--kinds", "mail"], env);
    assert.equal(badKind.code, 2);
    assert.match(badKind.stderr, /--kinds: 'mail' is not one of message, task, comment, context/);
  } finally {
    await db.cleanup();
  }
});
