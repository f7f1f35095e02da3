/**
 * send_message, broadcast, get_messages, and inbox management: delete_message,
 * archive_message, clear_inbox, purge_messages.
 */
import { z } from "zod";
import { TEXT_RULES } from "../../core/input_rules/text_rules.ts";
import { formatCount } from "../../core/input_rules/wording.ts";
import { LIMITS } from "../../core/limits.ts";
import type { Message } from "../../core/messages/message.ts";
import { cursorOf } from "../../core/pages.ts";
import {
  actorField,
  agentNameField,
  boolField,
  idField,
  textField,
  textFieldOf,
  timeField,
  timeToMs,
} from "../fields.ts";
import { inboxMessageSchema, sentMessageSchema } from "../output_schemas.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { cutText } from "./cut_text.ts";
import { messageText } from "./message_text.ts";
import { nextCursorOutput, pageInput } from "./page_fields.ts";

/** The thread and acknowledgement parameters of send_message and broadcast. */
function _threadFields() {
  return {
    reply_to: idField("reply_to").optional().describe(
      "A message you sent or received: join its thread",
    ),
    subject: textFieldOf("subject", TEXT_RULES.subject).optional().describe(
      "A reply without one keeps the thread's",
    ),
    ack_required: boolField("ack_required").optional().describe(
      "Recipients must call acknowledge_message",
    ),
  };
}

/** A message as its sender gets it back: the content it just wrote is not repeated. */
function _sent(message: Message): Omit<Message, "content"> {
  const { content: _content, ...rest } = message;
  return rest;
}

/** The get_thread call whose page ends with message `id` (so it shows it whole). */
function _threadUpTo(id: number): string {
  return `get_thread(message_id=${id}, cursor="${cursorOf([id + 1])}")`;
}

export function messagingTools(): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "send_message",
    title: "Send a direct message",
    description: "Message one registered agent (one away finds it in its inbox). Rate limit: " +
      `${LIMITS.messagesPerWindow} messages with broadcasts per ${LIMITS.rateWindowMs / 1000} s.`,
    get input() {
      return {
        sender: actorField("sender"),
        recipient: agentNameField("recipient"),
        content: textField("content", 1, LIMITS.contentMax),
        task_id: idField("task_id").optional().describe("The task it is about"),
        ..._threadFields(),
      };
    },
    get output() {
      return { message: sentMessageSchema() };
    },
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
      return { message: _sent(message) };
    },
    text: (result) => ({ message: messageText(result.message) }),
  }));

  tools.push(tool({
    name: "broadcast",
    title: "Message everyone",
    description:
      "Message every registered agent but you (away ones too); counts toward send_message's " +
      "rate limit.",
    get input() {
      return {
        sender: actorField("sender"),
        content: textField("content", 1, LIMITS.contentMax),
        task_id: idField("task_id").optional().describe("The task it is about"),
        ..._threadFields(),
      };
    },
    get output() {
      return { message: sentMessageSchema(), recipients: z.number().int() };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const { message, recipients } = table.messages.broadcast({
        by: session.actor(args.sender, "sender"),
        content: args.content,
        taskId: args.task_id,
        replyTo: args.reply_to,
        subject: args.subject,
        ackRequired: args.ack_required,
        session: session.id,
      });
      return { message: _sent(message), recipients };
    },
    text: (result) => ({ ...result, message: messageText(result.message) }),
  }));

  tools.push(tool({
    name: "get_messages",
    title: "Read your inbox",
    description: "Your inbox, oldest first: by default the unread, which become read (again " +
      `while unread_remaining > 0). Content over ${
        formatCount(LIMITS.inboxContentMax)
      } characters is cut; get_thread has it.`,
    get input() {
      return {
        agent_name: actorField("agent_name"),
        include_read: boolField("include_read").optional().describe(
          "Your latest messages, read or not; next_cursor pages back",
        ),
        include_archived: boolField("include_archived").optional().describe(
          "Also archived and deleted ones",
        ),
        ...pageInput(LIMITS.pages.inbox),
        by_thread: boolField("by_thread").optional().describe(
          "Group by thread, newest first, and list the threads",
        ),
      };
    },
    get output() {
      return {
        messages: z.array(inboxMessageSchema()),
        count: z.number().int(),
        ...nextCursorOutput,
        unread_remaining: z.number().int(),
        threads: z.array(z.object({
          thread_id: z.number().int(),
          subject: z.string().nullable(),
          count: z.number().int(),
          unread: z.number().int(),
        })).optional().describe("with by_thread: the threads of this page"),
      };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const { messages, unread_remaining, threads, next_cursor } = table.messages.inbox({
        by: session.actor(args.agent_name, "agent_name"),
        includeRead: args.include_read,
        includeArchived: args.include_archived,
        limit: args.limit,
        cursor: args.cursor,
        byThread: args.by_thread,
      });
      return {
        messages: messages.map((m) => ({
          ...m,
          content: cutText(m.content, LIMITS.inboxContentMax, _threadUpTo(m.id)),
        })),
        count: messages.length,
        ...(next_cursor === undefined ? {} : { next_cursor }),
        unread_remaining,
        ...(threads ? { threads } : {}),
      };
    },
    text: (result) => ({ ...result, messages: result.messages.map((m) => messageText(m)) }),
  }));

  // delete_message and archive_message take and return the same (built on first use).
  const removeInput = () => ({
    message_id: idField("message_id"),
    agent_name: actorField("agent_name"),
  });
  const removeOutput = () => ({
    message_id: z.number().int(),
    scope: z.enum(["inbox", "everyone"]).describe(
      "inbox: only your copy; everyone: retracted for all recipients (you sent it, or you hold delete_any_message)",
    ),
    already: z.boolean().describe("true if it was already archived"),
  });

  tools.push(tool({
    name: "delete_message",
    title: "Delete a message",
    description:
      "Soft-delete a message: a recipient removes its copy; its sender (or delete_any_message) " +
      "retracts it for everyone.",
    get input() {
      return removeInput();
    },
    get output() {
      return removeOutput();
    },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    run(args, { table, session }) {
      return table.messages.delete({
        messageId: args.message_id,
        by: session.actor(args.agent_name, "agent_name"),
      });
    },
  }));

  tools.push(tool({
    name: "archive_message",
    title: "Archive a message",
    description:
      "Like delete_message, and marks it read; get_messages hides it unless include_archived.",
    get input() {
      return removeInput();
    },
    get output() {
      return removeOutput();
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      return table.messages.archive({
        messageId: args.message_id,
        by: session.actor(args.agent_name, "agent_name"),
      });
    },
  }));

  tools.push(tool({
    name: "clear_inbox",
    title: "Clear your inbox",
    description: "Archive your inbox in bulk (read and hidden, not erased). Returns how many.",
    get input() {
      return {
        agent_name: actorField("agent_name"),
        before_date: timeField("before_date").optional().describe(
          "Only older ones: 2h, 1d (ago) or ISO 8601",
        ),
        sender: agentNameField("sender").optional().describe("Only from this agent"),
      };
    },
    get output() {
      return { cleared: z.number().int() };
    },
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
  }));

  tools.push(tool({
    name: "purge_messages",
    privilege: "purge_messages",
    title: "Erase old messages (purge_messages)",
    description:
      "Erase every message sent before before_date, for everyone (purge_messages privilege; " +
      "the audit log keeps a record). Returns how many.",
    get input() {
      return {
        agent_name: actorField("agent_name"),
        before_date: timeField("before_date").describe(
          "7d (ago) or ISO 8601",
        ),
      };
    },
    get output() {
      return { purged: z.number().int() };
    },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    run(args, { table, session }) {
      const purged = table.messages.purge({
        by: session.actor(args.agent_name, "agent_name"),
        before: timeToMs("before_date", args.before_date, table.clock.now()),
      });
      return { purged };
    },
  }));
  return tools;
}
