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
 * (default 30 per 60 s; 0 turns the limit off), or when `session` did, under any names: a
 * session that switches names shares one budget.
 */
export function checkMessageRate(
  sql: Statements,
  input: { sender: string; session?: string | undefined; now: number; max?: number | undefined },
): void {
  const { sender, now } = input;
  const max = input.max ?? LIMITS.messagesPerWindow;
  if (max === 0) return;
  const window = LIMITS.rateWindowMs;
  // The max-th newest message in the window: once it leaves the window, one more may be sent.
  const nth = (column: "sender" | "session_id", value: string) =>
    sql.get(
      `SELECT created_at FROM messages WHERE ${column} = ? AND created_at > ?
       ORDER BY created_at DESC LIMIT 1 OFFSET ?`,
    ).get(value, now - window, max - 1);
  const byName = nth("sender", sender);
  const bySession = byName || input.session === undefined
    ? undefined
    : nth("session_id", input.session);
  const row = byName ?? bySession;
  if (!row) return;
  const who = byName ? `'${sender}' has` : "this session has (under any name)";
  const retryAt = int(row, "created_at") + window;
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  throw new RateLimitError(
    `Rate limit: ${who} sent ${max} messages (direct and broadcast) in the last ` +
      `${window / 1000} s, the most allowed. Try again in ${seconds} s (at ${toIso(retryAt)}).`,
    retryAt,
  );
}
