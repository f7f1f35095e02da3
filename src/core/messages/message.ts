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
  /** The id of the message that started this thread (its own id when it replies to none). */
  thread_id: number;
  /** The message this one replies to; null when it starts a thread. */
  reply_to: number | null;
  /** A short subject; a reply without one takes its thread's. */
  subject: string | null;
  /** Each recipient must acknowledge it (acknowledge_message); reading is not enough. */
  ack_required: boolean;
  created_at: string;
}

/** A message as one recipient sees it in its inbox. */
export interface InboxMessage extends Message {
  /** True when the message had not been read before this fetch. */
  unread: boolean;
  archived: boolean;
  /** When this recipient acknowledged it; null if not (yet), or if none was asked. */
  acknowledged_at: string | null;
}

export interface UnreadSummary {
  count: number;
  /** The id of the newest unread message (0 when there is none). */
  newest: number;
  /** The newest unread messages, shortened; left out when the reader has seen `newest`. */
  preview?: {
    id: number;
    sender: string;
    broadcast: boolean;
    subject: string | null;
    thread_id: number;
    ack_required: boolean;
    excerpt: string;
    /** The excerpt is the whole message (short): a result that shows it delivers it, read. */
    whole: boolean;
  }[];
}

export interface RemoveResult {
  message_id: number;
  /** "inbox": only the acting agent's copy; "everyone": retracted for all recipients. */
  scope: "inbox" | "everyone";
  already: boolean;
}

/** One recipient's acknowledgement of a message. */
export interface Acknowledgement {
  agent: string;
  at: string;
  note: string | null;
}

/** A message in a thread: what was said, who has read it, and who acknowledged it. */
export interface ThreadMessage extends Message {
  /** Recipients who have read it. */
  read_by: string[];
  /** For a message that asks for acknowledgement: who did, and who still owes it. */
  acks: { acknowledged: Acknowledgement[]; pending: string[] } | null;
}

/** A whole thread as one reader may see it, oldest first. */
export interface Thread {
  thread_id: number;
  subject: string | null;
  messages: ThreadMessage[];
  /** Messages of the thread the reader may see beyond this page (the oldest are left off). */
  more: number;
  /** The tasks the thread's messages are linked to. */
  tasks: { id: number; title: string; status: string; assignee: string | null }[];
}

/** An acknowledgement the reader owes (owed_by_me). */
export interface PendingAck {
  message_id: number;
  thread_id: number;
  sender: string;
  /** Who owes the acknowledgement. */
  recipient: string;
  subject: string | null;
  excerpt: string;
  requested_at: string;
  age_s: number;
  overdue: boolean;
}

/** One of the reader's messages still awaiting acknowledgements (owed_to_me): who did, who not. */
export interface AwaitedAck {
  message_id: number;
  thread_id: number;
  /** null: a broadcast. */
  recipient: string | null;
  subject: string | null;
  excerpt: string;
  sent_at: string;
  age_s: number;
  overdue: boolean;
  /** Who acknowledged and who has not (at most LIMITS.ackNamesShown names each). */
  acknowledged: string[];
  pending: string[];
  acknowledged_count: number;
  pending_count: number;
}

/** The result of acknowledge_message. */
export interface AckResult {
  message_id: number;
  acknowledged_at: string;
  note: string | null;
  already: boolean;
}

/** A messages row as a Message. */
export function toMessage(row: Record<string, unknown>): Message {
  const recipient = textOrNull(row, "recipient");
  const id = int(row, "id");
  return {
    id,
    sender: text(row, "sender"),
    recipient,
    broadcast: recipient === null,
    content: text(row, "content"),
    task_id: intOrNull(row, "task_id"),
    thread_id: intOrNull(row, "thread_id") ?? id,
    reply_to: intOrNull(row, "reply_to"),
    subject: textOrNull(row, "subject"),
    ack_required: int(row, "ack_required") !== 0,
    created_at: toIso(int(row, "created_at")),
  };
}

const _EXCERPT_CHARS = 80;

/** How much of a message an excerpt is made from (SQL `substr`), whitespace included. */
export const EXCERPT_SOURCE_CHARS = 1_000;

/**
 * `content` on one line, at most 80 characters; `cut` says `content` is only the head of the
 * message (it then ends with "…" even when the head collapses to fewer characters).
 */
export function excerptOf(content: string, max = _EXCERPT_CHARS, cut = false): string {
  const flat = content.replace(/\s+/g, " ").trim();
  if (flat.length > max) return `${flat.slice(0, max - 1)}…`;
  return cut ? `${flat}…` : flat;
}
