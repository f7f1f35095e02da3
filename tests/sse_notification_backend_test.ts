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
