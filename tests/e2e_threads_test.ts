/**
 * Threads, acknowledgements and search through real clients: three stdio server processes on
 * one database file.
 */
import assert from "node:assert/strict";
import { tempDb, TestAgent } from "./support/test_agent.ts";

function _field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}

function _id(result: Record<string, unknown>): number {
  const id = _field(result["message"], "id");
  assert.equal(typeof id, "number");
  return Number(id);
}

Deno.test("a reply chain across processes; a third agent sees only its part; acks and search", async () => {
  const db = await tempDb();
  const alice = await TestAgent.stdio(db.path);
  const bob = await TestAgent.stdio(db.path);
  const carol = await TestAgent.stdio(db.path);
  try {
    await alice.ok("register", { name: "alice" });
    await bob.ok("register", { name: "bob" });
    await carol.ok("register", { name: "carol", role: "async-worker" });
    const start = _id(
      await alice.ok("send_message", {
        recipient: "bob",
        content: "Can you cut the release branch?",
        subject: "Release 2.1",
        ack_required: true,
      }),
    );
    const badge = await bob.call("list_members");
    assert.match(
      badge.texts.join("\n"),
      /\[Release 2\.1\] \(acknowledge it\)/,
      "the badge names the subject",
    );
    const reply = _id(
      await bob.ok("send_message", {
        recipient: "alice",
        content: "Cutting it now",
        reply_to: start,
      }),
    );
    const update = _id(
      await alice.ok("broadcast", { content: "Branch is cut, freeze on", reply_to: reply }),
    );
    const pending = await alice.ok("list_pending_acks");
    assert.deepEqual(
      (pending["owed_to_me"] as unknown[]).map((p) => _field(p, "recipient")),
      ["bob"],
    );
    const ack = await bob.ok("acknowledge_message", { message_id: start, note: "done" });
    assert.equal(ack["already"], false);

    const thread = await bob.ok("get_thread", { message_id: update });
    const messages = thread["messages"] as unknown[];
    assert.deepEqual(messages.map((m) => _field(m, "id")), [start, reply, update]);
    assert.equal(thread["subject"], "Release 2.1");
    assert.deepEqual(_field(_field(messages[0], "acks"), "pending"), []);

    const carolView = await carol.ok("get_thread", { message_id: update });
    assert.deepEqual(
      (carolView["messages"] as unknown[]).map((m) => _field(m, "id")),
      [update],
      "carol received only the broadcast",
    );
    const refused = await carol.call("get_thread", { message_id: start });
    assert.equal(refused.isError, true);
    assert.match(refused.text, /message 1 is not one it sent or received/);

    const found = await carol.ok("search", { query: "cutting now" });
    assert.deepEqual(found["results"], [], "carol cannot find alice's and bob's messages");
    const freeze = await carol.ok("search", { query: "freeze" });
    assert.equal((freeze["results"] as unknown[]).length, 1);
    const bobs = await bob.ok("search", { query: "cutting now", kinds: ["message"] });
    assert.deepEqual(
      (bobs["results"] as unknown[]).map((r) => _field(r, "open")),
      [`get_thread(message_id=${reply})`],
    );
  } finally {
    await Promise.all([alice.close(), bob.close(), carol.close()]);
    await db.cleanup();
  }
});
