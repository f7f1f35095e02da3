import assert from "node:assert/strict";
import { type ServeProcess, startServe } from "./support/serve_process.ts";
import { type SseFrame, SseReader } from "./support/sse_reader.ts";
import { tempDb, TestAgent } from "./support/test_agent.ts";

const PUSHED = ["message", "broadcast"];

/** What a message or broadcast frame says, for comparing streams. */
function _text(frame: SseFrame): string {
  return `${frame.event} ${JSON.parse(frame.data).message.content}`;
}

Deno.test("SSE resume across a serve restart: Last-Event-ID gets every missed event once, in order", async () => {
  const db = await tempDb();
  const servers: ServeProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  const events = async (server: ServeProcess, headers: Record<string, string> = {}) => {
    const reader = await SseReader.open(`${server.url}/events/bob`, {
      authorization: `Bearer ${server.token}`,
      ...headers,
    });
    closers.push(() => reader.close());
    assert.equal(reader.response.status, 200);
    assert.equal((await reader.next()).event, "connected");
    return reader;
  };
  try {
    const first = await startServe(db.path);
    servers.push(first);
    const alice = await TestAgent.http(first.url, first.token);
    closers.push(() => alice.close());
    const bob = await TestAgent.http(first.url, first.token);
    closers.push(() => bob.close());
    await alice.ok("register", { name: "alice" });
    await bob.ok("register", { name: "bob" });

    const before = await events(first);
    for (const content of ["seen 1", "seen 2", "seen 3"]) {
      await alice.ok("send_message", { recipient: "bob", content });
    }
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await before.nextOf(PUSHED));
    assert.deepEqual(seen.map(_text), ["message seen 1", "message seen 2", "message seen 3"]);
    const lastSeen = seen[2]!.id!;
    await before.close();
    await Promise.all([alice.close(), bob.close()]);
    assert.equal(await first.stop(), 0);

    // While serve is down another process writes to the same file.
    const stdio = await TestAgent.stdio(db.path);
    closers.push(() => stdio.close());
    await stdio.ok("register", { name: "carol" });
    await stdio.ok("send_message", { recipient: "bob", content: "missed 1" });
    await stdio.ok("send_message", { recipient: "alice", content: "not for bob" });
    await stdio.ok("broadcast", { content: "missed 2" });
    await stdio.ok("send_message", { recipient: "bob", content: "missed 3" });
    await stdio.close();

    const second = await startServe(db.path);
    servers.push(second);
    const resumed = await events(second, { "last-event-id": lastSeen });
    const carol = await TestAgent.http(second.url, second.token);
    closers.push(() => carol.close());
    await carol.ok("register", { name: "carol" });
    // The marker: a live event after the replay; whatever came twice would come before it.
    await carol.ok("send_message", { recipient: "bob", content: "live marker" });
    const frames: SseFrame[] = [];
    while (frames.length < 10 && frames.at(-1)?.data.includes("live marker") !== true) {
      frames.push(await resumed.nextOf(PUSHED));
    }
    assert.deepEqual(frames.map(_text), [
      "message missed 1",
      "broadcast missed 2",
      "message missed 3",
      "message live marker",
    ]);
    const ids = frames.map((frame) => Number(frame.id));
    assert.ok(ids.every((id, i) => id > (i === 0 ? Number(lastSeen) : ids[i - 1]!)), `${ids}`);
    assert.equal(await second.stop(), 0);
  } finally {
    for (const close of closers) await close().catch(() => {});
    for (const server of servers) await server.stop();
    await db.cleanup();
  }
});
