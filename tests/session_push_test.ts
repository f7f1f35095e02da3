/**
 * What a stdio session's client sees for each event type: a channel notification (one readable
 * line) for what the agent should react to, and resources/updated for the subscribed inbox or
 * task list the event changes. In process, through the SDK's Client.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { TABLE_EVENT_TYPES, type TableEventType } from "../src/core/event_outbox.ts";
import { createLogger } from "../src/log.ts";
import { createMcpServer } from "../src/mcp/create_mcp_server.ts";
import { tempTable } from "./support/temp_table.ts";

const ChannelNotification = z.object({
  method: z.literal("notifications/claude/channel"),
  params: z.object({ content: z.string(), meta: z.record(z.string(), z.string()) }),
});

/** What each type should do, written out here rather than read from the code under test. */
const EXPECTED: Record<TableEventType, { channel: boolean; resource: "inbox" | "tasks" | null }> = {
  message: { channel: true, resource: "inbox" },
  broadcast: { channel: true, resource: "inbox" },
  task_created: { channel: true, resource: "tasks" },
  task_claimed: { channel: false, resource: "tasks" },
  task_updated: { channel: true, resource: "tasks" },
  task_reassigned: { channel: true, resource: "tasks" },
  task_comment: { channel: true, resource: "tasks" },
  review_requested: { channel: true, resource: "tasks" },
  task_unblocked: { channel: true, resource: "tasks" },
  task_available: { channel: true, resource: "tasks" },
  context_updated: { channel: false, resource: null },
  message_acknowledged: { channel: false, resource: null },
  lease_granted: { channel: false, resource: null },
  lease_refused: { channel: false, resource: null },
  lease_released: { channel: false, resource: null },
  lease_freed: { channel: false, resource: null },
};

Deno.test("each event type reaches a session's channel and resources as it should", async () => {
  using t = tempTable();
  const { server, push } = createMcpServer({
    table: t.table,
    logger: createLogger("error"),
    channel: true,
    resourceUpdates: true,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "t", version: "1" });
  const seen: { type: string; content: string; meta: Record<string, string> }[] = [];
  const updates: { type: string; uri: string }[] = [];
  let current = "";
  client.setNotificationHandler(ChannelNotification, (n: unknown) => {
    const { params } = ChannelNotification.parse(n);
    seen.push({ type: params.meta["type"] ?? "", content: params.content, meta: params.meta });
  });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n: unknown) => {
    updates.push({ type: current, uri: ResourceUpdatedNotificationSchema.parse(n).params.uri });
  });
  await client.connect(clientSide);
  try {
    await client.callTool({ name: "register", arguments: { name: "bob" } });
    await client.subscribeResource({ uri: "team-table://inbox/bob" });
    await client.subscribeResource({ uri: "team-table://tasks/bob" });
    const data = {
      message: { id: 1, sender: "alice", content: "hi", ack_required: true },
      task: { id: 2, title: "Fix login", priority: "high" },
      by: "alice",
      from: "carol",
      to: "bob",
      comment: { type: "comment", content: "logs attached" },
      blocker: 1,
      why: "created",
      summary: "src/a.ts",
    };
    let id = 0;
    for (const type of TABLE_EVENT_TYPES) {
      current = type;
      push.notify("bob", { id: ++id, type, data });
      // A ping answered after the event's notifications: they have all arrived.
      await client.ping();
    }
    assert.deepEqual(
      seen.map((n) => n.type),
      TABLE_EVENT_TYPES.filter((type) => EXPECTED[type].channel),
    );
    // A message that asks for acknowledgement says so in meta: acknowledge_message needs no read.
    assert.deepEqual(
      seen.filter((n) => n.type === "message").map((n) => n.meta["ack_required"]),
      ["true"],
    );
    for (const { type, content } of seen) {
      assert.notEqual(content, type, `${type} is described, not just named`);
      assert.doesNotMatch(content, /undefined/, content);
    }
    assert.deepEqual(
      updates,
      TABLE_EVENT_TYPES.flatMap((type) => {
        const resource = EXPECTED[type].resource;
        return resource === null ? [] : [{ type, uri: `team-table://${resource}/bob` }];
      }),
    );
  } finally {
    await client.close();
  }
});
