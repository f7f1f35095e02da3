/**
 * Push into one running MCP session (stdio): the notification backend of a single connection.
 * For each new outbox event addressed to the session's agent it sends, at most once:
 * - with channels on, a `notifications/claude/channel` notification (Claude Code shows it to
 *   the model): `content` is one readable line, `meta` carries the ids;
 * - `notifications/resources/updated` for a subscribed inbox or task-list resource.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { NotificationBackend, PushEvent } from "../notify/notification_backend.ts";
import { isTableEventType, type TableEventType } from "../core/event_outbox.ts";
import { describeEvent } from "../format/describe_event.ts";
import { payloadField } from "../format/payload_field.ts";
import { inboxUri, tasksUri } from "./agent_resources.ts";
import type { Session } from "./session.ts";

export const CHANNEL_CAPABILITY = "claude/channel";
export const CHANNEL_METHOD = "notifications/claude/channel";

/**
 * What each event does in a session: whether a channel forwards it (what the agent should react
 * to), and which subscribed resource it updates.
 */
const _PUSH: Record<TableEventType, { channel: boolean; resource?: "inbox" | "tasks" }> = {
  message: { channel: true, resource: "inbox" },
  broadcast: { channel: true, resource: "inbox" },
  task_created: { channel: true, resource: "tasks" },
  task_claimed: { channel: false, resource: "tasks" },
  task_updated: { channel: true, resource: "tasks" },
  task_reassigned: { channel: true, resource: "tasks" },
  task_comment: { channel: true, resource: "tasks" },
  review_requested: { channel: true, resource: "tasks" },
  task_unblocked: { channel: true, resource: "tasks" },
  task_available: { channel: true, resource: "tasks" },
  context_updated: { channel: false },
  message_acknowledged: { channel: false },
  lease_granted: { channel: false },
  lease_refused: { channel: false },
  lease_released: { channel: false },
  lease_freed: { channel: false },
};

/** The events a channel forwards: what the agent should react to. */
export const CHANNEL_EVENT_TYPES: ReadonlySet<string> = new Set(
  Object.entries(_PUSH).filter(([, push]) => push.channel).map(([type]) => type),
);

export class SessionPush implements NotificationBackend {
  readonly #server: McpServer;
  readonly #session: Session;
  readonly #channel: boolean;
  readonly #subscriptions: ReadonlySet<string>;
  #lastId = 0;

  constructor(
    deps: { server: McpServer; session: Session; channel: boolean; subscriptions: Set<string> },
  ) {
    this.#server = deps.server;
    this.#session = deps.session;
    this.#channel = deps.channel;
    this.#subscriptions = deps.subscriptions;
  }

  connectedAgents(): string[] {
    const agent = this.#session.agent;
    return agent === undefined ? [] : [agent];
  }

  notify(agent: string, event: PushEvent): void {
    const bound = this.#session.agent;
    if (bound === undefined || bound.toLowerCase() !== agent.toLowerCase()) return;
    if (event.id === undefined || event.id <= this.#lastId) return;
    this.#lastId = event.id;
    const type = event.type;
    if (!isTableEventType(type)) return;
    const push = _PUSH[type];
    if (this.#channel && push.channel) {
      void this.#server.server.notification({
        method: CHANNEL_METHOD,
        params: { content: describeEvent({ type, payload: event.data }), meta: _meta(event) },
      }).catch(() => {});
    }
    const uri = push.resource === "inbox"
      ? inboxUri(bound)
      : push.resource === "tasks"
      ? tasksUri(bound)
      : undefined;
    if (uri !== undefined && this.#subscriptions.has(uri)) {
      void this.#server.server.sendResourceUpdated({ uri }).catch(() => {});
    }
  }
}

/** String ids for the channel's meta: event, type, message, task, sender, ack_required. */
function _meta(event: PushEvent): Record<string, string> {
  const message = event.data["message"];
  const task = event.data["task"];
  const meta: Record<string, string> = { event_id: String(event.id), type: event.type };
  const messageId = payloadField(message, "id");
  if (messageId !== undefined) meta["message_id"] = String(messageId);
  const taskId = payloadField(task, "id") ?? payloadField(message, "task_id");
  if (taskId !== undefined && taskId !== null) meta["task_id"] = String(taskId);
  const sender = payloadField(message, "sender") ?? event.data["by"];
  if (typeof sender === "string") meta["sender"] = sender;
  if (payloadField(message, "ack_required") === true) meta["ack_required"] = "true";
  return meta;
}
