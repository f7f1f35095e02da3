/**
 * One visibility rule for a message wherever it appears: a private message linked to a task is
 * read by its sender and recipient (and the operator), and by nobody else — not in the task's
 * feed, a thread, search or an event stream — whatever credential the session holds.
 */
import assert from "node:assert/strict";
import { runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";
import { startServe } from "./support/serve_process.ts";
import { SseReader } from "./support/sse_reader.ts";
import { tempTable } from "./support/temp_table.ts";

interface Detail {
  entries: { type: string; content: string }[];
  message_count: number;
  feed: string;
}

async function addMember(dbPath: string, name: string): Promise<string> {
  const out = await runTeamTable(["members", "add", name], { TEAM_TABLE_DB: dbPath });
  const credential = out.stdout.match(/credential: (ttk_\S+)/)?.[1];
  assert.ok(credential, `members add printed a credential: ${out.stdout}${out.stderr}`);
  return credential;
}

function messagesIn(detail: Record<string, unknown>): string[] {
  return (detail as unknown as Detail).entries.filter((e) => e.type === "message").map((e) =>
    e.content
  );
}

Deno.test("a private message linked to a task: its feed, thread, search and events show it to its sender, recipient and the operator only", async () => {
  const db = await tempDb();
  const credentials = {
    alice: await addMember(db.path, "alice"),
    bob: await addMember(db.path, "bob"),
    carol: await addMember(db.path, "carol"),
  };
  const server = await startServe(db.path, { args: ["--join-token"] });
  const join = server.stderr().match(/join token: +(\S+)/)?.[1] ?? "";
  const alice = await TestAgent.http(server.url, credentials.alice);
  const bob = await TestAgent.http(server.url, credentials.bob);
  const carol = await TestAgent.http(server.url, credentials.carol);
  const joiner = await TestAgent.http(server.url, join);
  const unbound = await TestAgent.http(server.url, server.token);
  const stdio = await TestAgent.stdio(db.path);
  const carolEvents = await SseReader.open(`${server.url}/events/carol`, {
    authorization: `Bearer ${credentials.carol}`,
  });
  try {
    const task = (await alice.ok("create_task", { title: "ship it" }))["task"] as { id: number };
    const sent = await alice.ok("send_message", {
      recipient: "bob",
      content: "the secret is 42",
      task_id: task.id,
    });
    const messageId = (sent["message"] as { id: number }).id;
    await alice.ok("broadcast", { content: "standup at nine", task_id: task.id });

    for (const [who, agent] of [["alice", alice], ["bob", bob]] as const) {
      const detail = await agent.ok("get_task_detail", { task_id: task.id });
      assert.deepEqual(messagesIn(detail), ["the secret is 42", "standup at nine"], who);
      assert.equal(detail["message_count"], 2, who);
    }
    const carolDetail = await carol.ok("get_task_detail", { task_id: task.id });
    assert.deepEqual(messagesIn(carolDetail), ["standup at nine"], "carol got the broadcast only");
    assert.equal(carolDetail["message_count"], 1);
    assert.doesNotMatch(String(carolDetail["feed"]), /secret/);
    const noAgent = [["join token", joiner], ["operator token", unbound], ["stdio", stdio]];
    for (const [who, session] of noAgent as [string, TestAgent][]) {
      const detail = await session.ok("get_task_detail", { task_id: task.id });
      assert.deepEqual(messagesIn(detail), [], `a ${who} session with no agent reads no messages`);
      assert.equal(detail["message_count"], 0, who);
      assert.doesNotMatch(String(detail["feed"]), /secret|standup/, who);
    }

    const thread = await carol.call("get_thread", { message_id: messageId });
    assert.equal(thread.isError, true);
    assert.match(thread.text, /not one it sent or received/);
    const hits = async (agent: TestAgent) =>
      ((await agent.ok("search", { query: "secret" }))["results"] as { kind: string }[])
        .filter((r) => r.kind === "message").length;
    assert.equal(await hits(carol), 0);
    assert.equal(await hits(bob), 1);

    const api = await fetch(`${server.url}/api/tasks/${task.id}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(api.status, 200);
    assert.deepEqual(messagesIn(await api.json()), ["the secret is 42", "standup at nine"]);

    // carol's stream: the broadcast, then a marker; the private message never comes between.
    await alice.ok("send_message", { recipient: "carol", content: "marker" });
    const seen: string[] = [];
    for (;;) {
      const frame = await carolEvents.next();
      seen.push(frame.data);
      if (frame.data.includes("marker")) break;
    }
    assert.ok(seen.some((data) => data.includes("standup at nine")));
    assert.ok(!seen.some((data) => data.includes("secret is 42")));
  } finally {
    await carolEvents.close();
    await Promise.all([alice, bob, carol, joiner, unbound, stdio].map((a) => a.close()));
    assert.equal(await server.stop(), 0);
    await db.cleanup();
  }
});

Deno.test("the audit log's rows about messages follow the same rule", async () => {
  // get_audit_log(action: "message.*") once showed any session who wrote to whom, about which task.
  using db = tempTable();
  const [alice, bob, carol, stranger] = await Promise.all(
    [0, 1, 2, 3].map(() => TestAgent.inProcess(db.table)),
  );
  try {
    for (const [name, agent] of [["alice", alice], ["bob", bob], ["carol", carol]] as const) {
      await agent!.ok("register", { name });
    }
    const task = (await alice!.ok("create_task", { title: "ship it" }))["task"] as { id: number };
    await alice!.ok("send_message", { recipient: "bob", content: "secret", task_id: task.id });
    await carol!.ok("broadcast", { content: "standup at nine" });
    await bob!.ok("get_messages", {});
    const rows = async (agent: TestAgent) =>
      ((await agent.ok("get_audit_log", { action: "message.*" }))["entries"] as {
        action: string;
        agent: string;
      }[]).map((e) => `${e.action} by ${e.agent}`);
    assert.deepEqual(await rows(alice!), ["message.broadcast by carol", "message.sent by alice"]);
    assert.deepEqual(await rows(bob!), ["message.broadcast by carol", "message.sent by alice"]);
    assert.deepEqual(await rows(carol!), ["message.broadcast by carol"], "not alice's to bob");
    assert.deepEqual(await rows(stranger!), [], "a session with no agent sees none");
    const reads = (await carol!.ok("get_audit_log", { action: "messages.read" }))["entries"];
    assert.deepEqual(reads, [], "nor who read what");
    // other rows are as before, and the operator's view (the core's default) has everything
    assert.equal(
      ((await stranger!.ok("get_audit_log", { action: "task.*" }))["entries"] as []).length,
      1,
    );
    assert.equal(db.table.audit.query({ action: "message.*" }).length, 2);
  } finally {
    for (const agent of [alice, bob, carol, stranger]) await agent?.close();
  }
});
