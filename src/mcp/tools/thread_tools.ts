/** Conversations: get_thread, acknowledge_message, list_pending_acks. */
import { z } from "zod";
import { TEXT_RULES } from "../../core/input_rules/text_rules.ts";
import { LIMITS } from "../../core/limits.ts";
import { actorField, idField, textFieldOf } from "../fields.ts";
import {
  awaitedAckSchema,
  pendingAckSchema,
  taskRefSchema,
  threadMessageSchema,
} from "../output_schemas.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { messageText } from "./message_text.ts";
import { nextCursorOutput, pageInput } from "./page_fields.ts";

/** Registers the thread and acknowledgement tools. */
export function threadTools(): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "get_thread",
    title: "Read a conversation",
    description:
      "The thread of a message you sent or received, oldest first: messages you may see, who " +
      "read each, acknowledgements, linked tasks. Marks nothing read. The newest limit; " +
      "next_cursor pages back.",
    get input() {
      return {
        message_id: idField("message_id").describe("Any message of the thread"),
        agent_name: actorField("agent_name"),
        ...pageInput(LIMITS.pages.thread),
      };
    },
    get output() {
      return {
        thread_id: z.number().int(),
        subject: z.string().nullable(),
        messages: z.array(threadMessageSchema()),
        more: z.number().int().describe("older messages of the thread not returned"),
        ...nextCursorOutput,
        tasks: z.array(taskRefSchema()),
      };
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      return table.threads.thread({
        by: session.actor(args.agent_name, "agent_name"),
        messageId: args.message_id,
        limit: args.limit,
        cursor: args.cursor,
      });
    },
    text: (result) => ({
      ...result,
      messages: result.messages.map((m) => messageText(m, result.thread_id)),
    }),
  }));

  tools.push(tool({
    name: "acknowledge_message",
    title: "Acknowledge a message",
    description:
      "Confirm a message sent to you with ack_required (reading does not); its sender is told.",
    get input() {
      return {
        message_id: idField("message_id"),
        note: textFieldOf("note", TEXT_RULES.ackNote).optional().describe(
          "For the sender",
        ),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return {
        message_id: z.number().int(),
        acknowledged_at: z.string(),
        note: z.string().nullable(),
        already: z.boolean().describe("true if you had acknowledged it before"),
      };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      return table.messages.acknowledge({
        by: session.actor(args.agent_name, "agent_name"),
        messageId: args.message_id,
        note: args.note,
      });
    },
  }));

  tools.push(tool({
    name: "list_pending_acks",
    title: "Acknowledgements owed",
    description:
      "Acknowledgements owed, oldest first: owed_by_me, and owed_to_me (your messages awaiting " +
      "one: who acknowledged, who not); overdue after " +
      `${LIMITS.ackOverdueDefaultMs / 60_000} min. summary says it in words.`,
    get input() {
      return {
        agent_name: actorField("agent_name"),
        ...pageInput(LIMITS.pages.pendingAcks),
      };
    },
    get output() {
      return {
        summary: z.string(),
        owed_by_me: z.array(pendingAckSchema()),
        owed_to_me: z.array(awaitedAckSchema()),
        ...nextCursorOutput,
      };
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const page = table.threads.pendingAcks({
        by: session.actor(args.agent_name, "agent_name"),
        limit: args.limit,
        cursor: args.cursor,
      });
      return { summary: _ackSummary(page), ...page };
    },
  }));
  return tools;
}

/** What list_pending_acks found, in words (an empty page must not read as "all done"). */
function _ackSummary(
  page: { owed_by_me: unknown[]; owed_to_me: { pending_count: number }[]; next_cursor?: string },
): string {
  const more = page.next_cursor === undefined ? "" : " on this page (next_cursor for more)";
  if (page.owed_by_me.length === 0 && page.owed_to_me.length === 0) {
    return "Nothing is owed: you owe no acknowledgement, and every message of yours that asked " +
      "for one has been acknowledged by all its recipients.";
  }
  const waiting = page.owed_to_me.reduce((sum, m) => sum + m.pending_count, 0);
  const mine = page.owed_by_me.length === 0
    ? "You owe no acknowledgement"
    : `You owe ${page.owed_by_me.length} acknowledgement(s) (acknowledge_message)`;
  const theirs = page.owed_to_me.length === 0
    ? "none is owed to you"
    : `${page.owed_to_me.length} message(s) of yours await ${waiting} acknowledgement(s)`;
  return `${mine}; ${theirs}${more}.`;
}
