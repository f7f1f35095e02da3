/**
 * send_message, broadcast, get_messages, and inbox management: delete_message,
 * archive_message, clear_inbox, purge_messages.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { TEXT_RULES } from "../../core/input_rules/text_rules.ts";
import { LIMITS } from "../../core/limits.ts";
import {
  actorField,
  agentNameField,
  boolField,
  idField,
  limitField,
  textField,
  textFieldOf,
  timeField,
  timeToMs,
} from "../fields.ts";
import { inboxMessageSchema, messageSchema } from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import type { ToolContext } from "../tool_context.ts";

/** The thread and acknowledgement parameters of send_message and broadcast. */
function _threadFields() {
  return {
    reply_to: idField("reply_to").optional().describe(
      "A message you sent or received: this one joins its thread",
    ),
    subject: textFieldOf("subject", TEXT_RULES.subject).optional().describe(
      `A short subject (max ${LIMITS.subjectMax}); a reply without one keeps the thread's`,
    ),
    ack_required: boolField("ack_required").optional().describe(
      "Each recipient must call acknowledge_message (reading is not enough)",
    ),
  };
}

export function registerMessagingTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "send_message",
    title: "Send a direct message",
    description:
      "Send a direct message to one agent. The recipient must have registered at some time; if " +
      "it is away, the message waits in its inbox. Optionally link it to a task, reply to a " +
      "message (reply_to joins its thread), give a subject, or ask for an acknowledgement. Limit: " +
      `${LIMITS.messagesPerWindow} messages (direct + broadcast) per ` +
      `${LIMITS.rateWindowMs / 1000} s per sender, and per session whichever names it used. ` +
      "Returns the stored message with its id.",
    input: {
      sender: actorField("sender"),
      recipient: agentNameField("recipient").describe("The agent to send to"),
      content: textField("content", 1, LIMITS.contentMax).describe(
        `The message text, 1–${LIMITS.contentMax.toLocaleString("en-US")} characters`,
      ),
      task_id: idField("task_id").optional().describe("A task this message is about"),
      ..._threadFields(),
    },
    output: { message: messageSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const message = table.messages.send({
        by: session.actor(args.sender, "sender"),
        recipient: args.recipient,
        content: args.content,
        taskId: args.task_id,
        replyTo: args.reply_to,
        subject: args.subject,
        ackRequired: args.ack_required,
        session: session.id,
      });
      return { message };
    },
  });

  registerTool(server, ctx, {
    name: "broadcast",
    title: "Message everyone",
    description:
      "Send one message to every registered agent except you (including agents currently " +
      "away, whose copy waits for them). Each recipient reads, archives or deletes its own " +
      "copy. Takes reply_to, subject and ack_required like send_message, and counts toward its " +
      "rate limit. Returns the message and how many agents it reached.",
    input: {
      sender: actorField("sender"),
      content: textField("content", 1, LIMITS.contentMax).describe(
        `The message text, 1–${LIMITS.contentMax.toLocaleString("en-US")} characters`,
      ),
      task_id: idField("task_id").optional().describe("A task this broadcast is about"),
      ..._threadFields(),
    },
    output: { message: messageSchema, recipients: z.number().int() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      return table.messages.broadcast({
        by: session.actor(args.sender, "sender"),
        content: args.content,
        taskId: args.task_id,
        replyTo: args.reply_to,
        subject: args.subject,
        ackRequired: args.ack_required,
        session: session.id,
      });
    },
  });

  registerTool(server, ctx, {
    name: "get_messages",
    title: "Read your inbox",
    description:
      "Read your inbox: direct messages and broadcasts to you. By default only unread ones, " +
      "oldest first, and they become read. include_read=true lists your most recent messages " +
      "whatever their state; include_archived=true also shows archived/deleted ones; " +
      "by_thread=true orders them by thread and lists the threads. Returns the messages and " +
      "how many unread remain beyond this page.",
    input: {
      agent_name: actorField("agent_name"),
      include_read: boolField("include_read").optional().describe(
        "Also return messages you already read (default false)",
      ),
      include_archived: boolField("include_archived").optional().describe(
        "Also return messages you archived or deleted (default false)",
      ),
      limit: limitField("limit", LIMITS.listLimitMax).optional().describe(
        `How many messages at most (default ${LIMITS.listLimitDefault}, max ${LIMITS.listLimitMax})`,
      ),
      by_thread: boolField("by_thread").optional().describe(
        "Group the page by thread, newest thread first, and list the threads (default false)",
      ),
    },
    output: {
      messages: z.array(inboxMessageSchema),
      count: z.number().int(),
      unread_remaining: z.number().int(),
      threads: z.array(z.object({
        thread_id: z.number().int(),
        subject: z.string().nullable(),
        count: z.number().int(),
        unread: z.number().int(),
      })).optional().describe("with by_thread: the threads of this page"),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const { messages, unread_remaining, threads } = table.messages.inbox({
        by: session.actor(args.agent_name, "agent_name"),
        includeRead: args.include_read,
        includeArchived: args.include_archived,
        limit: args.limit,
        byThread: args.by_thread,
      });
      return {
        messages,
        count: messages.length,
        unread_remaining,
        ...(threads ? { threads } : {}),
      };
    },
  });

  const removeOutput = {
    message_id: z.number().int(),
    scope: z.enum(["inbox", "everyone"]).describe(
      "inbox: only your copy; everyone: retracted for all recipients (you sent it, or you hold delete_any_message)",
    ),
    already: z.boolean().describe("true if it was already archived"),
  };

  registerTool(server, ctx, {
    name: "delete_message",
    title: "Delete a message",
    description:
      "Soft-delete a message (it is archived, not erased). As a recipient you remove your own " +
      "copy; as the sender you retract it for everyone; the delete_any_message privilege deletes any message. " +
      "Returns the scope of the deletion.",
    input: {
      message_id: idField("message_id").describe("The id of the message"),
      agent_name: actorField("agent_name"),
    },
    output: removeOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    run(args, { table, session }) {
      return table.messages.delete({
        messageId: args.message_id,
        by: session.actor(args.agent_name, "agent_name"),
      });
    },
  });

  registerTool(server, ctx, {
    name: "archive_message",
    title: "Archive a message",
    description:
      "Archive a message: the same as delete_message, and it is also marked read. Archived " +
      "messages are hidden from get_messages (unless include_archived) and never count as unread.",
    input: {
      message_id: idField("message_id").describe("The id of the message"),
      agent_name: actorField("agent_name"),
    },
    output: removeOutput,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      return table.messages.archive({
        messageId: args.message_id,
        by: session.actor(args.agent_name, "agent_name"),
      });
    },
  });

  registerTool(server, ctx, {
    name: "clear_inbox",
    title: "Clear your inbox",
    description:
      "Archive the messages in your inbox in bulk (they are marked read and hidden, not " +
      "erased). Optional filters: only those sent before before_date, only those from sender. " +
      "Returns how many were archived.",
    input: {
      agent_name: actorField("agent_name"),
      before_date: timeField("before_date").optional().describe(
        "Only messages sent before this time: 2h, 1d (ago), or an ISO 8601 date/time",
      ),
      sender: agentNameField("sender").optional().describe("Only messages from this agent"),
    },
    output: { cleared: z.number().int() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const cleared = table.messages.clearInbox({
        by: session.actor(args.agent_name, "agent_name"),
        before: args.before_date === undefined
          ? undefined
          : timeToMs("before_date", args.before_date, table.clock.now()),
        sender: args.sender,
      });
      return { cleared };
    },
  });

  registerTool(server, ctx, {
    name: "purge_messages",
    title: "Erase old messages (purge_messages)",
    description:
      "Permanently erase every message sent before before_date, for everyone. Only an agent " +
      "with the purge_messages privilege may. The audit log keeps its record. Returns how many were erased.",
    input: {
      agent_name: actorField("agent_name"),
      before_date: timeField("before_date").describe(
        "Erase messages sent before this time: 7d (ago), or an ISO 8601 date/time",
      ),
    },
    output: { purged: z.number().int() },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    run(args, { table, session }) {
      const purged = table.messages.purge({
        by: session.actor(args.agent_name, "agent_name"),
        before: timeToMs("before_date", args.before_date, table.clock.now()),
      });
      return { purged };
    },
  });
}
