/** Reading mail as an agent does: when a push or the unread badge says there is some. */
import type { AgentClient } from "./agent_client.ts";
import type { Push } from "./push_queue.ts";

interface Message {
  id: number;
  sender: string;
  ack_required?: boolean;
}

/**
 * Reads the unread messages (get_messages until none remain) and acknowledges those that ask
 * for it. Returns what was read.
 */
export async function readMail(agent: AgentClient, pushes: Push[]): Promise<Message[]> {
  const told = pushes.some((p) => p.type === "message" || p.type === "broadcast");
  if (!told && agent.unread === 0) return [];
  const read: Message[] = [];
  for (let page = 0; page < 5; page++) {
    const data = await agent.ok("get_messages");
    read.push(...(data["messages"] as Message[]));
    if (Number(data["unread_remaining"] ?? 0) === 0) break;
  }
  for (const message of read) {
    if (message.ack_required) await agent.ok("acknowledge_message", { message_id: message.id });
  }
  return read;
}
