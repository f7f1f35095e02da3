/**
 * The per-sender message rate limit. It counts the sender's messages in the database inside
 * the sending transaction, so it holds across every process sharing the file.
 */
import { toIso } from "./clock.ts";
import { RateLimitError } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { int } from "./rows.ts";
import type { Statements } from "../db/statements.ts";

/**
 * Throws RateLimitError when `sender` already sent `max` messages within the window
 * (default 30 per 60 s; 0 turns the limit off).
 */
export function checkMessageRate(
  sql: Statements,
  input: { sender: string; now: number; max?: number | undefined },
): void {
  const { sender, now } = input;
  const max = input.max ?? LIMITS.messagesPerWindow;
  if (max === 0) return;
  const window = LIMITS.rateWindowMs;
  // The max-th newest message in the window: once it leaves the window, one more may be sent.
  const row = sql.get(
    `SELECT created_at FROM messages WHERE sender = ? AND created_at > ?
     ORDER BY created_at DESC LIMIT 1 OFFSET ?`,
  ).get(sender, now - window, max - 1);
  if (!row) return;
  const retryAt = int(row, "created_at") + window;
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  throw new RateLimitError(
    `Rate limit: '${sender}' has sent ${max} messages (direct and broadcast) in the last ` +
      `${window / 1000} s, the most allowed. Try again in ${seconds} s (at ${toIso(retryAt)}).`,
    retryAt,
  );
}
