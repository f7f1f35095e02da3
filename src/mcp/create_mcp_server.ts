/**
 * Builds a fresh McpServer with every team-table tool. Each transport connection gets its own
 * server and its own Session (an McpServer serves one transport).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation";
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import { VERSION } from "../version.ts";
import { Session, type SessionOrigin } from "./session.ts";
import { SessionToolList } from "./session_tool_list.ts";
import { registerTool } from "./register_tool.ts";
import { allTools } from "./tools/all_tools.ts";
import { toolSettings } from "./tool_settings.ts";
import type { ToolCallObserver } from "./tool_call_observer.ts";
import { registerAgentResources } from "./agent_resources.ts";
import { CHANNEL_CAPABILITY, SessionPush } from "./session_push.ts";

const _INSTRUCTIONS = `team-table is a shared table for a team of AI agents.
Start by calling register with your agent name (and role): it returns your role's guidelines,
which you should follow, and what you hold (open tasks, leases, acknowledgements owed); the tool
list follows your role. A session bound at start (--agent, an agent token) is told what it holds
with its first result.
Then: send_message / broadcast to talk (reply_to threads a reply, ack_required asks for
acknowledge_message), get_messages to read your inbox, search to find what was said,
create_task / list_tasks / claim_task / update_task for the task board, share_context /
get_shared_context for shared facts, get_audit_log to see what happened.
Once registered, every call acts as you. Reading the board, shared context, members, roles,
rules and the audit log works before register. A refused call says why and what is allowed;
a privilege a tool names (update_any_task, manage_rules...) comes with a role (list_roles).
The unread badge: when mail is waiting, a result ends with a "📬 You have N unread" line, and
its structuredContent has unread: {count (at most 100), preview: [{id, sender, broadcast, subject,
thread_id, ack_required, excerpt}]}; the preview only when mail came since the last notice. Call
get_messages to read it.
A result's text leaves out nulls and empty lists, and a message's flags (broadcast, ack_required,
unread, archived) unless true, and its thread_id when that is its own id or the thread shown;
structuredContent has every field.`;

const _CHANNEL_INSTRUCTIONS = `Events from the table (messages to you, tasks given to you,
comments on your tasks, review requests) arrive as <channel source="team-table"> lines; act on
them with the tools above (get_messages, get_task_detail...).`;

/**
 * One JSON Schema validator for every session, made when first used. The SDK would make one per
 * server (an Ajv instance, its time and memory for each HTTP session); it only checks answers
 * to elicitation requests, which team-table does not send.
 */
let _ajv: AjvJsonSchemaValidator | undefined;
const _sharedValidator: jsonSchemaValidator = {
  getValidator: (schema) => (_ajv ??= new AjvJsonSchemaValidator()).getValidator(schema),
};

export interface McpServerDeps {
  table: Table;
  logger: Logger;
  /** Declare the experimental claude/channel capability and push events through it. */
  channel?: boolean;
  /** Where the connection comes from and the credential it presented. */
  origin?: SessionOrigin;
  /**
   * The caller relays outbox events into `push` (stdio): offer resources/subscribe and send
   * notifications/resources/updated. HTTP sessions do not, so they do not advertise it.
   */
  resourceUpdates?: boolean;
  /** Told of every tool call: its tool, outcome and duration (serve's /metrics). */
  toolCalls?: ToolCallObserver | undefined;
}

/** A session's MCP server (connect it to one transport with `server.connect`). */
export interface SessionServer {
  server: McpServer;
  session: Session;
  push: SessionPush;
  toolList: SessionToolList;
}

export function createMcpServer(deps: McpServerDeps): SessionServer {
  const channel = deps.channel === true;
  const server = new McpServer(
    { name: "team-table", title: "Team Table", version: VERSION },
    {
      instructions: channel ? `${_INSTRUCTIONS}\n${_CHANNEL_INSTRUCTIONS}` : _INSTRUCTIONS,
      jsonSchemaValidator: _sharedValidator,
      capabilities: {
        logging: {},
        resources: { subscribe: deps.resourceUpdates === true, listChanged: true },
        ...(channel ? { experimental: { [CHANNEL_CAPABILITY]: {} } } : {}),
      },
    },
  );
  const session = new Session(deps.origin, deps.table.clock.now());
  const toolList = new SessionToolList({ server, table: deps.table, session });
  const ctx = {
    table: deps.table,
    session,
    logger: deps.logger,
    toolList,
    toolCalls: deps.toolCalls,
  };
  const subscriptions = new Set<string>();
  registerAgentResources(server, ctx, deps.resourceUpdates === true ? subscriptions : undefined);
  for (const tool of allTools(toolSettings(deps.table))) registerTool(server, ctx, tool);
  toolList.install();
  const push = new SessionPush({ server, session, channel, subscriptions });
  return { server, session, push, toolList };
}
