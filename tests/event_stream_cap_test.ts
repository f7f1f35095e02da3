/**
 * One agent's `/events` streams are capped (LIMITS.eventStreamsPerAgentMax, 5) on a real serve:
 * a sixth closes the oldest (its last frame says why), a stream that ends frees its place, and
 * other agents' streams are untouched.
 */
import assert from "node:assert/strict";
import { LIMITS } from "../src/core/limits.ts";
import { startServe } from "./support/serve_process.ts";
import { SseReader } from "./support/sse_reader.ts";
import { runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";
import { waitFor } from "./support/wait_for.ts";

Deno.test("serve: at most 5 /events streams per agent; a sixth closes the oldest, a closed one frees its place", async () => {
  const db = await tempDb();
  const added = await runTeamTable(["members", "add", "bob"], { TEAM_TABLE_DB: db.path });
  const bobKey = added.stdout.match(/credential: (ttk_\S+)/)?.[1] ?? "";
  assert.ok(bobKey, added.stdout + added.stderr);
  const server = await startServe(db.path);
  const bob = await TestAgent.http(server.url, bobKey);
  const carol = await TestAgent.http(server.url, server.token);
  const readers: SseReader[] = [];
  /** Opens one of bob's streams with bob's token in the URL, as an EventSource client would. */
  const open = async (agent = "bob", token = bobKey) => {
    const reader = await SseReader.open(
      `${server.url}/events/${agent}?token=${encodeURIComponent(token)}`,
    );
    readers.push(reader);
    assert.equal(reader.response.status, 200);
    assert.equal((await reader.next()).event, "connected");
    return reader;
  };
  const openStreams = async () => {
    const response = await fetch(`${server.url}/health`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    return (await response.json()).connections.event_streams as number;
  };
  /** Every reader in `live` gets the next message to bob (none was closed before it). */
  const allReceive = async (live: SseReader[], content: string) => {
    await carol.ok("send_message", { recipient: "bob", content });
    for (const reader of live) {
      const frame = await reader.nextOf(["message", "closed"]);
      assert.equal(frame.event, "message");
      assert.equal(JSON.parse(frame.data).message.content, content);
    }
  };
  try {
    assert.equal(LIMITS.eventStreamsPerAgentMax, 5);
    await bob.ok("heartbeat");
    await carol.ok("register", { name: "carol" });
    const carolStream = await open("carol", server.token);
    const streams = [];
    for (let i = 0; i < 5; i++) streams.push(await open());
    assert.equal(await openStreams(), 6);

    const sixth = await open();
    const [oldest, second, ...rest] = streams;
    const last = await oldest!.next();
    assert.equal(last.event, "closed");
    assert.equal(last.id, undefined, "the closed frame leaves Last-Event-ID alone");
    const data = JSON.parse(last.data);
    assert.deepEqual([data.reason, data.limit], ["too_many_streams", 5]);
    assert.match(data.note, /'bob' opened another event stream; at most 5 stay open per agent/);
    assert.equal(await oldest!.ended(), true, "the oldest stream ended");
    assert.equal(await openStreams(), 6, "still 5 for bob, and carol's");
    assert.match(server.stderr(), /closed the oldest \/events stream of 'bob'/);
    await allReceive([second!, ...rest, sixth], "six opened, five open");

    // A stream the client closes frees its place: the next one closes nobody.
    await second!.close();
    await waitFor(async () => (await openStreams()) === 5, { what: "the closed stream to end" });
    const seventh = await open();
    await allReceive([...rest, sixth, seventh], "one closed, one more opened");

    // The operator's streams of bob count too; carol's stream was never touched.
    const operators = await open("bob", server.token);
    assert.equal((await rest[0]!.nextOf(["message", "closed"])).event, "closed");
    await allReceive([...rest.slice(1), sixth, seventh, operators], "the operator's count");
    await bob.ok("send_message", { recipient: "carol", content: "still here" });
    const toCarol = await carolStream.nextOf(["message", "closed"]);
    assert.equal(JSON.parse(toCarol.data).message.content, "still here");
  } finally {
    for (const reader of readers) await reader.close();
    await Promise.all([bob.close(), carol.close()]);
    await server.stop();
    await db.cleanup();
  }
});
