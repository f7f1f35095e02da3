/** What a message is, as stored and as one recipient sees it, and how a row becomes one. */
import { toIso } from "../clock.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";

export interface Message {
  id: number;
  sender: string;
  /** The recipient of a direct message; null for a broadcast. */
  recipient: string | null;
  broadcast: boolean;
  content: string;
  task_id: number | null;
  created_at: string;
}

/** A message as one recipient sees it in its inbox. */
export interface InboxMessage extends Message {
  /** True when the message had not been read before this fetch. */
  unread: boolean;
  archived: boolean;
}

export interface UnreadSummary {
  count: number;
  preview: { id: number; sender: string; broadcast: boolean; excerpt: string }[];
}

export interface RemoveResult {
  message_id: number;
  /** "inbox": only the acting agent's copy; "everyone": retracted for all recipients. */
  scope: "inbox" | "everyone";
  already: boolean;
}

/** A messages row as a Message. */
export function toMessage(row: Record<string, unknown>): Message {
  const recipient = textOrNull(row, "recipient");
  return {
    id: int(row, "id"),
    sender: text(row, "sender"),
    recipient,
    broadcast: recipient === null,
    content: text(row, "content"),
    task_id: intOrNull(row, "task_id"),
    created_at: toIso(int(row, "created_at")),
  };
}
