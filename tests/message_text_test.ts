/**
 * The text a model reads for messages, through real clients (in process): a flag appears only when
 * true, thread_id only when it names another thread, and structuredContent keeps every field.
 */
import assert from "node:assert/strict";
import { TestAgent } from "./support/test_agent.ts";
import { tempTable } from "./support/temp_table.ts";

type Row = Record<string, unknown>;

function _messages(text: string): Row[] {
  return (JSON.parse(text) as { messages: Row[] }).messages;
}

Deno.test("message texts leave out false flags and a thread_id that says nothing", async () => {
  using db = tempTable();
  const alice = await TestAgent.inProcess(db.table);
  const bob = await TestAgent.inProcess(db.table);
  try {
    await alice.ok("register", { name: "alice" });
    await bob.ok("register", { name: "bob" });
    const plain = await alice.call("send_message", { recipient: "bob", content: "plain" });
    const sent = JSON.parse(plain.text) as { message: Row };
    assert.deepEqual(Object.keys(sent.message).sort(), [
      "created_at",
      "id",
      "recipient",
      "sender",
    ]);
    assert.equal(_field(plain.structured, "message", "broadcast"), false);
    assert.equal(_field(plain.structured, "message", "thread_id"), sent.message["id"]);
    const firstId = Number(sent.message["id"]);
    const reply = await alice.call("send_message", {
      recipient: "bob",
      content: "reply",
      reply_to: firstId,
      ack_required: true,
    });
    const replyText = (JSON.parse(reply.text) as { message: Row }).message;
    assert.equal(replyText["thread_id"], firstId, "a reply names its thread");
    assert.equal(replyText["ack_required"], true);
    const everyone = await alice.call("broadcast", { content: "all" });
    assert.equal((JSON.parse(everyone.text) as { message: Row }).message["broadcast"], true);

    const inbox = await bob.call("get_messages");
    const shown = _messages(inbox.text);
    assert.equal(shown.length, 3);
    const [first, second, third] = shown as [Row, Row, Row];
    assert.equal(first["unread"], true);
    for (const flag of ["broadcast", "ack_required", "archived", "thread_id"]) {
      assert.ok(!(flag in first), `${flag} is not in the text of a plain message`);
    }
    assert.equal(second["thread_id"], firstId);
    assert.equal(second["ack_required"], true);
    assert.equal(third["broadcast"], true);
    const whole = (inbox.structured?.["messages"] ?? []) as Row[];
    assert.deepEqual(
      whole.map((m) => [m["broadcast"], m["ack_required"], m["archived"], m["unread"]]),
      [[false, false, false, true], [false, true, false, true], [true, false, false, true]],
      "structuredContent keeps every flag",
    );

    const again = _messages((await bob.call("get_messages", { include_read: true })).text);
    assert.ok(again.every((m) => !("unread" in m)), "read messages carry no unread flag");

    const thread = await bob.call("get_thread", { message_id: firstId });
    assert.ok(_messages(thread.text).every((m) => !("thread_id" in m)), "the thread is named once");
    assert.equal(JSON.parse(thread.text)["thread_id"], firstId);
  } finally {
    await alice.close();
    await bob.close();
  }
});

function _field(value: Row | undefined, key: string, inner: string): unknown {
  const outer = value?.[key];
  return typeof outer === "object" && outer !== null ? Reflect.get(outer, inner) : undefined;
}
