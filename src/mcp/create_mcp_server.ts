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

/** Who the session is: bound by its connection, or to register. */
function _whoYouAre(agent: string | undefined): string {
  return agent === undefined
    ? "Call register first with your name (and role): it returns your role's guidelines and " +
      "what you hold."
    : `You are ${agent} (this connection binds you: no register needed; it only changes role ` +
      "or capabilities). Your first result says what you hold.";
}

const _LOOP =
  `Work: next_task (claim: true) takes a task and leases its paths; edit only leased files
(reserve_paths for more). task_comment as you go; update_task awaiting_review hands it over and
frees the paths (take_next: true also claims your next task); the verdict (done, or back to you with a note) comes to your inbox.
Pushes say when to act (task_available, review_requested, messages); a result's 📬 line shows new
mail (short notes whole, then read); "N unread" means get_messages. A refused call says why and what is allowed. Result text leaves out
nulls, empty lists and false flags; structuredContent has every field.`;

const _CHANNEL_INSTRUCTIONS = `Events arrive as <channel source="team-table"> lines.`;

/** The server's instructions for a session (`agent`: the one its connection binds). */
export function serverInstructions(agent: string | undefined, channel: boolean): string {
  return `team-table is a shared table for a team of AI agents. ${_whoYouAre(agent)}\n${_LOOP}` +
    (channel ? `\n${_CHANNEL_INSTRUCTIONS}` : "");
}

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
  /** The agent the connection binds (stdio --agent, an agent token): the instructions name it. */
  agent?: string | undefined;
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
      instructions: serverInstructions(deps.agent, channel),
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
    channel,
  };
  const subscriptions = new Set<string>();
  registerAgentResources(server, ctx, deps.resourceUpdates === true ? subscriptions : undefined);
  for (const tool of allTools(toolSettings(deps.table))) registerTool(server, ctx, tool);
  toolList.install();
  const push = new SessionPush({ server, session, channel, subscriptions });
  return { server, session, push, toolList };
}
