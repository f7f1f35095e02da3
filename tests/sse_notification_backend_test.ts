import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { createLogger } from "../src/log.ts";
import {
  configureNotifications,
  NoOpNotificationBackend,
  notificationBackend,
} from "../src/notify/notification_backend.ts";
import { OutboxRelay } from "../src/notify/outbox_relay.ts";
import { formatSseFrame, SSENotificationBackend } from "../src/notify/sse_notification_backend.ts";
import { SseReader } from "./support/sse_reader.ts";
import { tempTable, testSession } from "./support/temp_table.ts";
import { within } from "./support/wait_for.ts";

/** The first `count` raw frames of `stream` (bounded: fails if they do not come). */
async function readFrames(stream: ReadableStream<Uint8Array>, count: number): Promise<string[]> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    while (text.split("\n\n").length <= count) {
      const { done, value } = await within(reader.read(), 10_000, `${count} SSE frame(s)`);
      if (done) break;
      text += value;
    }
  } finally {
    await reader.cancel();
  }
  return text.split("\n\n").slice(0, count);
}

Deno.test("SSE frames: id only for outbox events", () => {
  assert.equal(
    formatSseFrame({ id: 7, type: "message", data: { a: 1 } }),
    'id: 7\nevent: message\ndata: {"a":1}\n\n',
  );
  assert.equal(formatSseFrame({ type: "heartbeat", data: {} }), "event: heartbeat\ndata: {}\n\n");
});

Deno.test("connected first; events already sent are not sent twice", async () => {
  const backend = new SSENotificationBackend();
  const connection = backend.open("Bob", 5);
  backend.notify("bob", { id: 5, type: "message", data: { n: 5 } });
  backend.notify("BOB", { id: 6, type: "message", data: { n: 6 } });
  backend.notify("bob", { id: 6, type: "message", data: { n: 6 } });
  backend.notify("alice", { id: 7, type: "message", data: { n: 7 } });
  const frames = await readFrames(connection.stream, 2);
  assert.match(frames[0] ?? "", /^event: connected\ndata: \{"agent":"Bob","last_event_id":5/);
  assert.equal(frames[1], 'id: 6\nevent: message\ndata: {"n":6}');
  assert.equal(backend.size, 0, "a cancelled stream is removed");
});

Deno.test("a consumer that stops reading is dropped at the queue limit; memory stays bounded", async () => {
  const backend = new SSENotificationBackend({ queueLimit: 10 });
  const slow = backend.open("slow", 0);
  const fast = backend.open("fast", 0);
  const reader = fast.stream.getReader();
  for (let id = 1; id <= 50; id++) {
    backend.notify("slow", { id, type: "message", data: { id } });
    backend.notify("fast", { id, type: "message", data: { id } });
    await reader.read();
  }
  assert.equal(slow.closed, true, "dropped once its queue was full");
  assert.ok(slow.lastSentId <= 11, `stopped queueing at the limit (last ${slow.lastSentId})`);
  assert.equal(fast.closed, false, "a slow consumer never blocks the others");
  assert.deepEqual(backend.connectedAgents(), ["fast"]);
  await reader.cancel();
  await slow.stream.cancel();
});

Deno.test("heartbeats go to every open stream and stop when none is left", async () => {
  const backend = new SSENotificationBackend({ heartbeatMs: 10 });
  const one = backend.open("a", 0);
  const two = backend.open("a", 0);
  const [framesOne, framesTwo] = await Promise.all([
    readFrames(one.stream, 2),
    readFrames(two.stream, 2),
  ]);
  assert.match(framesOne[1] ?? "", /^event: heartbeat/);
  assert.match(framesTwo[1] ?? "", /^event: heartbeat/);
  assert.equal(backend.size, 0);
});

Deno.test("closeAll ends every stream", async () => {
  const backend = new SSENotificationBackend();
  const one = backend.open("a", 0);
  const two = backend.open("b", 0);
  backend.closeAll();
  for (const connection of [one, two]) {
    const text = await within(new Response(connection.stream).text(), 10_000, "the stream's end");
    assert.match(text, /^event: connected[^]*\n\n$/);
    assert.doesNotMatch(text, /event: (?!connected)/, "nothing after connected");
  }
  assert.equal(backend.size, 0);
});

Deno.test("a relay on the process backend (as serve wires it) delivers to the configured backend", async () => {
  using t = tempTable();
  for (const name of ["alice", "bob"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  const backend = new SSENotificationBackend();
  const relay = new OutboxRelay({
    table: t.table,
    backend: notificationBackend,
    logger: createLogger("error"),
  });
  configureNotifications(backend);
  relay.start();
  const bob = SseReader.of(new Response(backend.open("bob", 0).stream));
  try {
    assert.equal((await bob.next()).event, "connected");
    const sent = t.table.messages.send({
      by: agentActor("alice"),
      recipient: "bob",
      content: "pushed",
    });
    const frame = await bob.nextOf(["message"]);
    const data = JSON.parse(frame.data);
    assert.deepEqual([data.message.id, data.message.content], [sent.id, "pushed"]);
    assert.equal(frame.id, String(data.id));
  } finally {
    relay.stop();
    await bob.close();
    configureNotifications(new NoOpNotificationBackend());
  }
});

Deno.test("an agent's streams are capped: a new one past the cap closes its oldest, and lets go of what it queued", async () => {
  const backend = new SSENotificationBackend({ streamsPerAgent: 2 });
  const first = backend.open("Bob", 0);
  for (let id = 1; id <= 100; id++) backend.notify("bob", { id, type: "message", data: { id } });
  const second = backend.open("bob", 100);
  const other = backend.open("alice", 0);
  assert.equal(backend.size, 3);
  const third = backend.open("BOB", 100);
  assert.equal(first.closed, true, "the oldest of bob's streams is closed");
  assert.equal(backend.size, 3, "still 2 for bob, 1 for alice");
  const text = await within(new Response(first.stream).text(), 10_000, "the closed stream's end");
  const frames = text.split("\n\n").filter((f) => f !== "");
  assert.equal(frames.length, 1, "its queue (connected and 100 events) was let go");
  assert.match(frames[0] ?? "", /^event: closed\ndata: \{"reason":"too_many_streams","limit":2,/);
  assert.match(frames[0] ?? "", /'Bob' opened another event stream; at most 2 stay open/);
  // A stream that ends frees its place: the next one closes nobody.
  await second.stream.cancel();
  const fourth = backend.open("bob", 100);
  assert.deepEqual([third.closed, fourth.closed, other.closed], [false, false, false]);
  backend.closeAll();
});

Deno.test("a cap of one: each new stream replaces the last", () => {
  const backend = new SSENotificationBackend({ streamsPerAgent: 1 });
  const one = backend.open("a", 0);
  const two = backend.open("a", 0);
  const three = backend.open("a", 0);
  assert.deepEqual([one.closed, two.closed, three.closed], [true, true, false]);
  assert.equal(backend.size, 1);
  backend.notify("a", { id: 1, type: "message", data: {} });
  assert.equal(three.lastSentId, 1, "the live one is still registered");
  backend.closeAll();
});

Deno.test("a stream whose credential no longer holds ends at the next heartbeat or event, with a closed frame", async () => {
  const backend = new SSENotificationBackend({ heartbeatMs: 5 });
  let holds = true;
  let checks = 0;
  const guarded = SseReader.of(
    new Response(backend.open("bob", 0, () => (checks++, holds)).stream),
  );
  const other = backend.open("bob", 0, () => true);
  try {
    assert.equal((await guarded.next()).event, "connected");
    backend.notify("bob", { id: 1, type: "message", data: { n: 1 } });
    assert.equal((await guarded.nextOf(["message"])).id, "1");
    assert.ok(checks >= 1, "asked before the event was written");
    // No event comes: the heartbeat asks, and ends the stream.
    holds = false;
    const last = await guarded.nextOf(["closed"]);
    assert.equal(JSON.parse(last.data).reason, "credential_changed");
    assert.equal(await guarded.ended(), true);
    backend.notify("bob", { id: 2, type: "message", data: { n: 2 } });
    assert.equal(other.lastSentId, 2, "the stream whose credential holds still receives");
    assert.equal(backend.size, 1);
  } finally {
    await guarded.close();
    backend.closeAll();
  }
});

Deno.test("a check that fails closes the stream (never left open unchecked)", async () => {
  const backend = new SSENotificationBackend();
  const connection = backend.open("bob", 0, () => {
    throw new Error("database is closed");
  });
  backend.notify("bob", { id: 1, type: "message", data: {} });
  assert.equal(connection.closed, true);
  const text = await within(new Response(connection.stream).text(), 10_000, "the end");
  assert.doesNotMatch(text, /event: message/);
  assert.match(text, /"reason":"credential_changed"/);
});
