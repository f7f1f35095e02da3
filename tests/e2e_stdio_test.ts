import assert from "node:assert/strict";
import { tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("two agents in two stdio processes share one database", async (t) => {
  const db = await tempDb();
  const alice = await TestAgent.stdio(db.path);
  const bob = await TestAgent.stdio(db.path);
  try {
    await t.step("both register and see each other", async () => {
      const a = await alice.ok("register", { name: "alice", role: "architect" });
      assert.equal(a["created"], true);
      await bob.ok("register", { name: "bob", capabilities: ["typescript", "review"] });
      const listed = await alice.ok("list_members");
      assert.deepEqual(
        (listed["members"] as { name: string }[]).map((m) => m.name),
        ["alice", "bob"],
      );
    });

    await t.step("a direct message arrives, with a badge, and is read once", async () => {
      const sent = await alice.ok("send_message", { recipient: "bob", content: "hi bob" });
      const message = sent["message"] as { id: number; sender: string };
      assert.equal(message.sender, "alice");
      const beat = await bob.call("heartbeat");
      assert.equal(beat.isError, false);
      // Short: shown whole by the next result, and so read there.
      assert.equal(beat.texts[1], `📬 New, now read: #${message.id} from alice: "hi bob".`);
      assert.equal((beat.structured?.["unread"] as { count: number }).count, 0);
      const inbox = await bob.ok("get_messages");
      assert.equal(inbox["count"], 0);
      assert.equal(inbox["unread"], undefined);
      const read = await bob.ok("get_messages", { include_read: true });
      assert.deepEqual((read["messages"] as { id: number }[]).map((m) => m.id), [message.id]);
    });

    await t.step("a broadcast reaches the other agent", async () => {
      const b = await bob.ok("broadcast", { content: "standup in 5" });
      assert.equal(b["recipients"], 1);
      const inbox = await alice.ok("get_messages");
      const messages = inbox["messages"] as { content: string; broadcast: boolean }[];
      assert.deepEqual(messages.map((m) => [m.content, m.broadcast]), [["standup in 5", true]]);
    });

    await t.step("tasks created in one process are claimed in the other", async () => {
      const created = await alice.ok("create_task", {
        title: "Write the parser",
        priority: "high",
      });
      const id = (created["task"] as { id: number }).id;
      const claimed = await bob.ok("claim_task", { task_id: id });
      assert.equal((claimed["task"] as { assignee: string }).assignee, "bob");
      const lost = await alice.call("claim_task", { task_id: id });
      assert.equal(lost.isError, true);
      assert.match(lost.text, /already claimed by 'bob'/);
      const done = await bob.ok("update_task", { task_id: id, status: "done", result: "merged" });
      assert.equal((done["task"] as { status: string }).status, "done");
      const listed = await alice.ok("list_tasks", { status: "done" });
      assert.equal(listed["count"], 1);
    });

    await t.step("shared context and the audit log are visible to both", async () => {
      await alice.ok("share_context", { key: "api", value: "v1" });
      await bob.ok("share_context", { key: "api", value: "v2" });
      const read = await alice.ok("get_shared_context", { key: "api" });
      const entry = (read["entries"] as { value: string; version: number; set_by: string }[])[0];
      assert.deepEqual(entry && [entry.value, entry.version, entry.set_by], ["v2", 2, "bob"]);
      const log = await alice.ok("get_audit_log", { action: "task.*" });
      assert.deepEqual(
        (log["entries"] as { action: string }[]).map((e) => e.action),
        ["task.updated", "task.claimed", "task.created"],
      );
    });
  } finally {
    await alice.close();
    await bob.close();
    await db.cleanup();
  }
});
