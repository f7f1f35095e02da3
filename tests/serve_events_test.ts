import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { startServe } from "./support/serve_process.ts";
import { SseReader } from "./support/sse_reader.ts";
import { tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("serve: push events over SSE", async (t) => {
  const db = await tempDb();
  const server = await startServe(db.path, { args: ["--heartbeat", "0.05"] });
  const auth = { authorization: `Bearer ${server.token}` };
  const alice = await TestAgent.http(server.url, server.token);
  const bob = await TestAgent.http(server.url, server.token);
  const readers: SseReader[] = [];
  const subscribe = async (agent: string, headers: Record<string, string> = {}) => {
    const reader = await SseReader.open(`${server.url}/events/${agent}`, { ...auth, ...headers });
    readers.push(reader);
    return reader;
  };
  try {
    await alice.ok("register", { name: "alice" });
    await bob.ok("register", { name: "bob" });

    await t.step("an unknown agent is refused with 403 and a JSON error", async () => {
      const response = await fetch(`${server.url}/events/nobody`, { headers: auth });
      assert.equal(response.status, 403);
      const body = await response.json();
      assert.equal(body.error, "not_registered");
      assert.match(body.message, /no agent named 'nobody'/);
    });

    let lastSeen = "0";
    await t.step("connected at once; then message, broadcast and task events", async () => {
      const events = await subscribe("bob");
      assert.equal(events.response.headers.get("content-type"), "text/event-stream");
      const connected = await events.next();
      assert.equal(connected.event, "connected");
      assert.equal(JSON.parse(connected.data).agent, "bob");
      await alice.ok("send_message", { recipient: "bob", content: "ping" });
      const message = await events.nextOf(["message"]);
      assert.ok(message.id);
      assert.equal(JSON.parse(message.data).message.content, "ping");
      await alice.ok("broadcast", { content: "all hands" });
      const broadcast = await events.nextOf(["broadcast"]);
      assert.equal(JSON.parse(broadcast.data).message.sender, "alice");
      await alice.ok("create_task", { title: "for anyone" });
      // Offered to the online members who may take it (bob), not announced to everyone.
      const created = await events.nextOf(["task_available"]);
      const taskId = JSON.parse(created.data).task.id;
      await alice.ok("create_task", { title: "for bob", assignee: "bob" });
      await events.nextOf(["task_created"]);
      await bob.ok("claim_task", { task_id: taskId });
      await alice.ok("update_task", { task_id: taskId, status: "blocked" });
      const updated = await events.nextOf(["task_updated"]);
      assert.deepEqual(
        [JSON.parse(updated.data).by, JSON.parse(updated.data).to],
        ["alice", "blocked"],
      );
      lastSeen = updated.id ?? "0";
      await events.close();
    });

    await t.step(
      "the sender does not hear its own broadcast; alice hears bob's claim",
      async () => {
        const events = await subscribe("alice");
        await events.next();
        await alice.ok("broadcast", { content: "not for me" });
        await bob.ok("send_message", { recipient: "alice", content: "for you" });
        const next = await events.nextOf(["message", "broadcast"]);
        assert.equal(JSON.parse(next.data).message.content, "for you");
        await events.close();
      },
    );

    await t.step("Last-Event-ID replays what was missed, in order", async () => {
      await alice.ok("send_message", { recipient: "bob", content: "missed 1" });
      await alice.ok("send_message", { recipient: "bob", content: "missed 2" });
      const events = await subscribe("bob", { "last-event-id": lastSeen });
      const contents: string[] = [];
      await events.next();
      for (let i = 0; i < 4; i++) {
        const frame = await events.nextOf(["message", "broadcast"]);
        contents.push(JSON.parse(frame.data).message.content);
      }
      assert.deepEqual(contents, [
        'Rule notify-blocked: task #1 "for anyone" is now blocked (by alice).',
        "not for me",
        "missed 1",
        "missed 2",
      ]);
      await events.close();
    });

    await t.step("a resume far back replays the newest 500 after a resync frame", async () => {
      // 100k missed events once held serve for 6-8.5 s: every page sorted all that was left.
      const before = _writeBroadcasts(
        db.path,
        "bob",
        Array.from({ length: 600 }, (_, i) => ({ content: `flood ${i}` })),
      );
      const events = await subscribe("bob", { "last-event-id": String(before) });
      assert.equal((await events.next()).event, "connected");
      const resync = await events.next();
      assert.equal(resync.event, "resync");
      assert.equal(resync.id, undefined, "a resync frame leaves Last-Event-ID alone");
      assert.deepEqual(
        { ...JSON.parse(resync.data), note: undefined },
        { skipped: 100, skipped_more: false, note: undefined },
      );
      assert.match(JSON.parse(resync.data).note, /^100 older events are not replayed/);
      const contents: string[] = [];
      for (let i = 0; i < 500; i++) {
        contents.push(JSON.parse((await events.nextOf(["broadcast"])).data).message.content);
      }
      assert.equal(contents[0], "flood 100");
      assert.equal(contents.at(-1), "flood 599");
      await events.close();
    });

    await t.step(
      "a resume over large events stops at 1 MiB of frames, after a resync frame",
      async () => {
        // 500 events of ~10 KB were ~5 MB held per stream; 100 agents x 5 streams reached 1 GB.
        const before = _writeBroadcasts(
          db.path,
          "*",
          // 10 KB each in UTF-8.
          Array.from({ length: 300 }, (_, i) => ({
            sender: "alice",
            content: `big ${i} ${"é".repeat(5_000)}`,
          })),
        );
        const events = await subscribe("bob", { "last-event-id": String(before) });
        assert.equal((await events.next()).event, "connected");
        const resync = await events.next();
        assert.equal(resync.event, "resync");
        const { skipped, skipped_more, note } = JSON.parse(resync.data);
        assert.equal(skipped_more, false);
        assert.ok(skipped > 190 && skipped < 210, `about 100 of 300 fit in 1 MiB: ${skipped}`);
        assert.match(note, /^\d+ older events are not replayed .*at most 1 MB of them/);
        let bytes = 0;
        const contents: string[] = [];
        for (let i = 0; i < 300 - skipped; i++) {
          const frame = await events.nextOf(["broadcast"]);
          bytes += new TextEncoder().encode(
            `id: ${frame.id}\nevent: ${frame.event}\ndata: ${frame.data}\n\n`,
          ).byteLength;
          contents.push(JSON.parse(frame.data).message.content.split(" ", 2).join(" "));
        }
        assert.ok(bytes <= 1024 * 1024, `the replay's frames: ${bytes} bytes`);
        assert.ok(bytes > 1024 * 1024 - 20_000, `as many as fit: ${bytes} bytes`);
        assert.equal(contents[0], `big ${skipped}`, "the newest are replayed, in order");
        assert.equal(contents.at(-1), "big 299");
        // Live events follow the replay on the same stream.
        await alice.ok("send_message", { recipient: "bob", content: "after the replay" });
        const live = await events.nextOf(["message"]);
        assert.equal(JSON.parse(live.data).message.content, "after the replay");
        await events.close();
      },
    );

    await t.step("two streams for one agent both receive every event", async () => {
      const one = await subscribe("bob");
      const two = await subscribe("bob");
      await one.next();
      await two.next();
      await alice.ok("send_message", { recipient: "bob", content: "both" });
      for (const stream of [one, two]) {
        assert.equal(JSON.parse((await stream.nextOf(["message"])).data).message.content, "both");
      }
      await one.close();
      await two.close();
    });

    await t.step("heartbeats arrive at the configured interval", async () => {
      const events = await subscribe("bob");
      await events.next();
      const beat = await events.nextOf(["heartbeat"]);
      assert.ok(JSON.parse(beat.data).at);
      await events.close();
    });

    await t.step(
      "?token= works for EventSource clients; a stdio process reaches the stream",
      async () => {
        const events = await SseReader.open(
          `${server.url}/events/bob?token=${encodeURIComponent(server.token)}`,
        );
        readers.push(events);
        await events.next();
        const stdio = await TestAgent.stdio(db.path);
        try {
          await stdio.ok("register", { name: "dave" });
          const sent = await stdio.ok("send_message", {
            recipient: "bob",
            content: "from another process",
          });
          const messageId = (sent["message"] as { id: number }).id;
          const frame = await events.nextOf(["message"]);
          assert.ok(
            frame.id && Number(frame.id) > Number(lastSeen),
            `a new outbox id: ${frame.id}`,
          );
          const data = JSON.parse(frame.data);
          assert.deepEqual(
            [data.id, data.type, data.message.id, data.message.sender, data.message.content],
            [Number(frame.id), "message", messageId, "dave", "from another process"],
          );
        } finally {
          await stdio.close();
        }
        await events.close();
      },
    );

    await t.step("an inactive agent is refused", async () => {
      await bob.ok("deregister");
      const response = await fetch(`${server.url}/events/bob`, { headers: auth });
      assert.equal(response.status, 403);
      assert.equal((await response.json()).error, "inactive");
    });

    await t.step(
      "SIGTERM with open streams: streams end, exit 0, database consistent",
      async () => {
        await alice.ok("heartbeat");
        const events = await subscribe("alice");
        await events.next();
        const code = await server.stop();
        assert.equal(code, 0);
        assert.equal(await events.ended(), true);
        assert.match(server.stderr(), /SIGTERM: shutting down/);
        assert.match(server.stderr(), /database checkpointed and closed/);
        const check = new DatabaseSync(db.path);
        assert.equal(check.prepare("PRAGMA integrity_check").get()?.["integrity_check"], "ok");
        check.close();
      },
    );
  } finally {
    for (const reader of readers) await reader.close();
    await Promise.all([alice.close().catch(() => {}), bob.close().catch(() => {})]);
    await server.stop();
    await db.cleanup();
  }
});

/**
 * Writes broadcast events straight into the outbox of the database at `path` (to `recipient`,
 * or '*' for everyone), in one transaction; returns the newest event id before them.
 */
function _writeBroadcasts(
  path: string,
  recipient: string,
  messages: { content: string; sender?: string }[],
): number {
  const raw = new DatabaseSync(path);
  raw.exec("PRAGMA busy_timeout = 5000");
  const before = Number(raw.prepare("SELECT max(id) AS id FROM events").get()?.["id"]);
  const insert = raw.prepare(
    "INSERT INTO events (at, recipient, except_agent, type, payload) VALUES (?, ?, NULL, " +
      "'broadcast', ?)",
  );
  raw.exec("BEGIN IMMEDIATE");
  for (const message of messages) insert.run(Date.now(), recipient, JSON.stringify({ message }));
  raw.exec("COMMIT");
  raw.close();
  return before;
}
