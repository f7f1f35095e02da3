/**
 * An ack_required broadcast is a standing notice, shown through real stdio agents: a member who
 * registers after it was sent receives it (register says it is owed), its sender sees per
 * message who acknowledged and who has not, and an empty answer says so in words.
 */
import assert from "node:assert/strict";
import { tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("a late joiner receives an open ack_required broadcast; the sender sees who owes it", async () => {
  const db = await tempDb();
  const lead = await TestAgent.stdio(db.path);
  const early = await TestAgent.stdio(db.path);
  let late: TestAgent | undefined;
  try {
    await lead.ok("register", { name: "lead" });
    const none = await lead.call("list_pending_acks");
    assert.match(none.text, /"summary":"Nothing is owed: you owe no acknowledgement/);
    await early.ok("register", { name: "early" });
    const sent = await lead.ok("broadcast", {
      content: "Nobody edits the schema today",
      ack_required: true,
    });
    const id = (sent["message"] as { id: number }).id;
    await early.ok("acknowledge_message", { message_id: id });
    late = await TestAgent.stdio(db.path);
    const joined = await late.call("register", { name: "late" });
    const holding = joined.structured?.["holding"] as { acks_owed: { message_id: number }[] };
    assert.deepEqual(holding.acks_owed.map((a) => a.message_id), [id], "register says it");
    assert.match(joined.texts.join("\n"), /📬 .*\(acknowledge it\)/);
    const owed = await lead.ok("list_pending_acks");
    const awaited = owed["owed_to_me"] as { message_id: number; acknowledged: string[] }[];
    assert.deepEqual(
      awaited.map((m) => [m.message_id, m.acknowledged, (m as { pending?: string[] }).pending]),
      [[id, ["early"], ["late"]]],
    );
    assert.match(String(owed["summary"]), /1 message\(s\) of yours await 1 acknowledgement/);
    await late.ok("acknowledge_message", { message_id: id });
    const done = await lead.call("list_pending_acks");
    assert.notEqual(done.text, "{}");
    assert.match(done.text, /Nothing is owed/);
  } finally {
    await late?.close();
    await Promise.all([lead.close(), early.close()]);
    await db.cleanup();
  }
});
