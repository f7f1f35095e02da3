import assert from "node:assert/strict";
import { z } from "zod";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { tempDb, TestAgent } from "./support/test_agent.ts";
import { waitFor } from "./support/wait_for.ts";

const ChannelNotification = z.object({
  method: z.literal("notifications/claude/channel"),
  params: z.object({ content: z.string(), meta: z.record(z.string(), z.string()) }),
});
type Channel = z.infer<typeof ChannelNotification>["params"];

function collect(agent: TestAgent): Channel[] {
  const seen: Channel[] = [];
  agent.client.setNotificationHandler(ChannelNotification, (n: unknown) => {
    seen.push(ChannelNotification.parse(n).params);
  });
  return seen;
}

Deno.test("the claude/channel capability is declared only with --channel", async () => {
  const db = await tempDb();
  const plain = await TestAgent.stdio(db.path);
  const channel = await TestAgent.stdio(db.path, { TEAM_TABLE_CHANNEL: "1" });
  try {
    assert.equal(plain.client.getServerCapabilities()?.experimental?.["claude/channel"], undefined);
    assert.deepEqual(channel.client.getServerCapabilities()?.experimental?.["claude/channel"], {});
    assert.deepEqual(channel.client.getServerCapabilities()?.resources, {
      subscribe: true,
      listChanged: true,
    });
  } finally {
    await plain.close();
    await channel.close();
    await db.cleanup();
  }
});

Deno.test("events for the bound agent arrive as channel notifications, once, and no others", async () => {
  const db = await tempDb();
  const bob = await TestAgent.stdio(db.path, { TEAM_TABLE_CHANNEL: "1" });
  const alice = await TestAgent.stdio(db.path);
  const carol = await TestAgent.stdio(db.path);
  const seen = collect(bob);
  try {
    await bob.ok("register", { name: "bob" });
    await alice.ok("register", { name: "alice" });
    await carol.ok("register", { name: "carol" });

    const sent = await alice.ok("send_message", { recipient: "bob", content: "review my PR?" });
    const messageId = (sent["message"] as { id: number }).id;
    await waitFor(() => seen.length >= 1, { what: "the message notification" });
    assert.equal(seen[0]?.content, `message #${messageId} from alice: review my PR?`);
    assert.deepEqual(
      { ...seen[0]?.meta, event_id: "x" },
      { event_id: "x", type: "message", message_id: String(messageId), sender: "alice" },
    );

    // The broadcast is the marker: a notification for carol's message would come before it.
    await alice.ok("send_message", { recipient: "carol", content: "not for bob" });
    await alice.ok("broadcast", { content: "standup" });
    await waitFor(() => seen.length >= 2, { what: "the broadcast" });
    assert.match(seen[1]?.content ?? "", /^broadcast #\d+ from alice: standup$/);

    const task = await alice.ok("create_task", {
      title: "Fix login",
      assignee: "bob",
      priority: "high",
    });
    const taskId = (task["task"] as { id: number }).id;
    await waitFor(() => seen.length >= 3, { what: "the task" });
    assert.equal(
      seen[2]?.content,
      `task #${taskId} created by alice: "Fix login" [high] assigned to bob`,
    );
    assert.equal(seen[2]?.meta["task_id"], String(taskId));

    await alice.ok("task_comment", { task_id: taskId, content: "logs attached" });
    await waitFor(() => seen.length >= 4, { what: "the comment" });
    assert.match(seen[3]?.content ?? "", /\[comment\] alice: logs attached/);

    // bob's own message is not for bob; alice's marker after it must be the next notification.
    await bob.ok("send_message", { recipient: "alice", content: "my own message" });
    await alice.ok("send_message", { recipient: "bob", content: "marker" });
    await waitFor(() => seen.length >= 5, { what: "the marker" });
    assert.deepEqual(
      seen.map((n) => n.meta["type"]),
      ["message", "broadcast", "task_created", "task_comment", "message"],
      "one notification per event for bob, none for events addressed to others or made by bob",
    );
    assert.match(seen[4]?.content ?? "", /^message #\d+ from alice: marker$/);
  } finally {
    await Promise.all([bob.close(), alice.close(), carol.close()]);
    await db.cleanup();
  }
});

Deno.test("inbox and task resources: read, subscribe, and resources/updated", async () => {
  const db = await tempDb();
  const bob = await TestAgent.stdio(db.path);
  const alice = await TestAgent.stdio(db.path);
  const updates: string[] = [];
  bob.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n: unknown) => {
    updates.push(ResourceUpdatedNotificationSchema.parse(n).params.uri);
  });
  try {
    await bob.ok("register", { name: "bob" });
    await alice.ok("register", { name: "alice" });
    const listed = await bob.client.listResources();
    assert.deepEqual(listed.resources.map((r: { uri: string }) => r.uri), [
      "team-table://inbox/bob",
      "team-table://tasks/bob",
    ]);
    await bob.client.subscribeResource({ uri: "team-table://inbox/bob" });
    await bob.client.subscribeResource({ uri: "team-table://tasks/bob" });

    await alice.ok("send_message", { recipient: "bob", content: "hello" });
    await waitFor(() => updates.includes("team-table://inbox/bob"), { what: "inbox updated" });
    const inbox = await bob.client.readResource({ uri: "team-table://inbox/bob" });
    const body = JSON.parse(String((inbox.contents[0] as { text: string }).text));
    assert.equal(body.unread, 1);
    assert.equal(body.messages[0].content, "hello");
    assert.equal(
      (await bob.ok("get_messages"))["count"],
      1,
      "reading the resource marked nothing read",
    );

    await alice.ok("create_task", { title: "T", assignee: "bob" });
    await waitFor(() => updates.includes("team-table://tasks/bob"), { what: "tasks updated" });
    const tasks = await bob.client.readResource({ uri: "team-table://tasks/bob" });
    assert.equal(
      JSON.parse(String((tasks.contents[0] as { text: string }).text)).assigned[0].title,
      "T",
    );

    await bob.client.unsubscribeResource({ uri: "team-table://inbox/bob" });
    // The task list is still subscribed: its update after the message is the marker.
    const before = updates.length;
    await alice.ok("send_message", { recipient: "bob", content: "again" });
    await alice.ok("create_task", { title: "marker", assignee: "bob" });
    await waitFor(() => updates.length > before, { what: "the marker's tasks update" });
    assert.deepEqual(
      updates.slice(before),
      ["team-table://tasks/bob"],
      "no inbox update after unsubscribing",
    );

    await assert.rejects(
      () => alice.client.readResource({ uri: "team-table://inbox/bob" }),
      /Only 'bob' may read its inbox/,
    );
  } finally {
    await Promise.all([bob.close(), alice.close()]);
    await db.cleanup();
  }
});
