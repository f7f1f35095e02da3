/**
 * Turns what a tool produced into an MCP result: JSON text plus structuredContent, the unread
 * badge for a registered agent, and errors as `isError` results whose message the agent can
 * act on. Nothing here ever sends a stack trace to a client.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { TableError } from "../core/errors.ts";
import type { Holdings } from "../core/agent_holdings.ts";
import type { UnreadSummary } from "../core/messages/message.ts";
import { LIMITS } from "../core/limits.ts";
import type { Logger } from "../log.ts";

export function successResult(
  value: Record<string, unknown>,
  unread: UnreadSummary | undefined,
  textView: Record<string, unknown> = value,
  holding?: { text: string; data: Holdings },
  offer?: { id: number; title: string },
): CallToolResult {
  // The badge is said once in the text (its own line), and kept as data in structuredContent.
  const content: CallToolResult["content"] = [{ type: "text", text: resultText(textView) }];
  if (holding !== undefined) {
    // Once, on the first result of a session bound at connect time: what the agent holds.
    content.push({ type: "text", text: holding.text });
    value = { ...value, holding: holding.data };
  }
  if (offer !== undefined) {
    // Once per offer, for agents whose pushes do not reach the model.
    content.push({
      type: "text",
      text: `🛠 #${offer.id} "${offer.title}" is free to take: next_task claims it.`,
    });
    value = { ...value, offered: { task_id: offer.id } };
  }
  if (!unread || (unread.count === 0 && unread.preview === undefined)) {
    return { content, structuredContent: value };
  }
  content.push({ type: "text", text: badgeText(unread) });
  const { newest: _newest, ...badge } = unread;
  return { content, structuredContent: { ...value, unread: badge } };
}

/**
 * The JSON text a model reads: nulls and empty lists are left out (structuredContent keeps
 * every field).
 */
export function resultText(value: Record<string, unknown>): string {
  return JSON.stringify(
    value,
    (_key, inner: unknown) =>
      inner === null || (Array.isArray(inner) && inner.length === 0) ? undefined : inner,
  );
}

export function errorResult(
  error: unknown,
  context: { tool: string; logger: Logger; unread: UnreadSummary | undefined },
): CallToolResult {
  const content: CallToolResult["content"] = [{ type: "text", text: errorMessage(error, context) }];
  if (context.unread && (context.unread.count > 0 || context.unread.preview !== undefined)) {
    content.push({ type: "text", text: badgeText(context.unread) });
  }
  return { content, isError: true };
}

/**
 * The one-paragraph notice that mail is waiting: with a preview of the newest messages when
 * something arrived since the session's last notice, else just the count.
 */
export function badgeText(unread: UnreadSummary): string {
  const noun = unread.count === 1 ? "message" : "messages";
  const count = unread.count >= LIMITS.unreadBadgeCount ? `${unread.count}+` : unread.count;
  if (unread.preview === undefined) {
    // Said on every result until read: the instructions say what it means.
    return `📬 You have ${count} unread ${noun} (none new).`;
  }
  const newest = unread.preview
    .map((p) =>
      `#${p.id} from ${p.sender}${p.broadcast ? " (broadcast)" : ""}${
        p.subject === null ? "" : ` [${p.subject}]`
      }${p.ack_required ? " (acknowledge it)" : ""}: "${p.excerpt}"`
    )
    .join("; ");
  // Whole messages are read by being shown here; only the rest wait for get_messages.
  if (unread.count === 0) return `📬 New, now read: ${newest}.`;
  return `📬 You have ${count} unread ${noun}. New: ${newest}. ` +
    `get_messages reads the unread.`;
}

function errorMessage(error: unknown, context: { tool: string; logger: Logger }): string {
  if (error instanceof TableError) return error.message;
  if (_isBusy(error)) {
    return "The database is busy: another process held its write lock for more than 5 s. " +
      "Nothing was changed; try the call again.";
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  context.logger.error(`${context.tool} failed: ${detail}`);
  return `Internal error in ${context.tool}; nothing was changed. ` +
    `The server logged the details to its stderr.`;
}

function _isBusy(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = "errcode" in error ? error.errcode : undefined;
  return code === 5 || code === 6 || /database is (locked|busy)/i.test(error.message);
}
