import assert from "node:assert/strict";
import { humanActor } from "../src/core/actor.ts";
import { LIMITS } from "../src/core/limits.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { ROLES } from "./support/temp_table.ts";
import { tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("the unread badge counts up to 100 (then says 100+), get_messages and status count all", async () => {
  const db = await tempDb();
  const alice = await TestAgent.stdio(db.path);
  try {
    await alice.ok("register", { name: "alice" });
    const writer = openDatabase(db.path);
    try {
      const table = createTable({ db: writer, roles: ROLES });
      for (let i = 1; i <= 105; i++) {
        table.messages.send({
          by: humanActor("ops"),
          recipient: "alice",
          content: `note ${i} ${"x".repeat(LIMITS.badgeWholeChars)}`,
        });
      }
    } finally {
      writer.close();
    }
    const beat = await alice.call("heartbeat");
    assert.match(
      beat.texts[1] ?? "",
      /^📬 You have 100\+ unread messages\. New: #105 from human:ops/,
    );
    const badge = beat.structured?.["unread"] as { count: number; preview: { id: number }[] };
    assert.equal(badge.count, 100);
    assert.deepEqual(badge.preview.map((p) => p.id), [105, 104, 103]);

    const page = await alice.ok("get_messages", { limit: 10 });
    assert.deepEqual(
      (page["messages"] as { id: number }[]).map((m) => m.id),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      "oldest unread first",
    );
    assert.equal(page["unread_remaining"], 95, "counted in full");
    const after = await alice.call("heartbeat");
    assert.match(after.texts[1] ?? "", /^📬 You have 95 unread messages/);
    assert.doesNotMatch(after.text, /unread/, "the badge is said once, on its own line");

    // Nothing new since the last notice: the badge just counts (no preview to read again).
    assert.equal(after.texts[1], "📬 You have 95 unread messages (none new).");
    assert.deepEqual(after.structured?.["unread"], { count: 95 });
    const failed = await alice.call("get_task_detail", { task_id: 999 });
    assert.match(failed.texts[1] ?? "", /\(none new\)/);

    const sent = await alice.call("send_message", { recipient: "alice", content: "to myself" });
    const message = sent.structured?.["message"] as Record<string, unknown>;
    assert.equal(typeof message["id"], "number");
    assert.equal("content" in message, false, "the sender is not sent its words back");
    assert.doesNotMatch(sent.text, /to myself/);
    // New mail: the preview shows only what came since the last notice; a short note whole,
    // and so read.
    assert.equal(
      sent.texts[1],
      '📬 You have 95 unread messages. New: #106 from alice: "to myself". get_messages reads the unread.',
    );
    const shown = sent.structured?.["unread"] as { preview: { id: number }[] };
    assert.deepEqual(shown.preview.map((p) => p.id), [106]);
    const again = await alice.call("heartbeat");
    assert.match(again.texts[1] ?? "", /95 unread messages \(none new\)\.$/);
  } finally {
    await alice.close();
    await db.cleanup();
  }
});
