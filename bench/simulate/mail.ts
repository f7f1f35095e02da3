/**
 * Mail as an agent handles it: a pushed message that asks for acknowledgement is acknowledged
 * straight from the push (that reads it too); the rest is read when the unread badge says so
 * and the agent has time (get_messages).
 */
import type { AgentClient } from "./agent_client.ts";
import type { Push } from "./push_queue.ts";

interface Message {
  id: number;
  sender: string;
  ack_required?: boolean;
  acknowledged_at?: string | null;
}

/** Acknowledges each pushed message that asks for it. */
export async function acknowledgePushed(agent: AgentClient, pushes: Push[]): Promise<void> {
  for (const push of pushes) {
    if (!push.ackRequired || push.messageId === undefined) continue;
    if (push.type !== "message" && push.type !== "broadcast") continue;
    await agent.ok("acknowledge_message", { message_id: push.messageId });
  }
}

/**
 * Reads the unread messages (get_messages until none remain) when the badge says some wait,
 * and acknowledges those that ask for it. Returns what was read.
 */
export async function readMail(agent: AgentClient): Promise<Message[]> {
  if (agent.unread === 0) return [];
  const read: Message[] = [];
  for (let page = 0; page < 5; page++) {
    const data = await agent.ok("get_messages");
    read.push(...(data["messages"] as Message[]));
    if (Number(data["unread_remaining"] ?? 0) === 0) break;
  }
  for (const message of read) {
    if (message.ack_required && !message.acknowledged_at) {
      await agent.ok("acknowledge_message", { message_id: message.id });
    }
  }
  return read;
}
