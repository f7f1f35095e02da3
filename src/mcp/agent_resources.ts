/**
 * An agent's inbox and task list as MCP resources, `team-table://inbox/{agent}` and
 * `team-table://tasks/{agent}`. Where the session pushes (stdio), with resources/subscribe: a
 * subscribed client gets notifications/resources/updated when they change (see
 * session_push.ts); elsewhere subscribe is neither offered nor answered. Reading the inbox
 * resource marks nothing read. Only the agent registered in this session may read its inbox.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  type SubscribeRequest,
  SubscribeRequestSchema,
  type UnsubscribeRequest,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { ForbiddenError } from "../core/errors.ts";
import type { ToolContext } from "./tool_context.ts";

export const INBOX_PREFIX = "team-table://inbox/";
export const TASKS_PREFIX = "team-table://tasks/";

export function inboxUri(agent: string): string {
  return `${INBOX_PREFIX}${encodeURIComponent(agent)}`;
}

export function tasksUri(agent: string): string {
  return `${TASKS_PREFIX}${encodeURIComponent(agent)}`;
}

/** `subscriptions`: where subscribed URIs go; undefined: this session offers no subscribe. */
export function registerAgentResources(
  server: McpServer,
  ctx: ToolContext,
  subscriptions: Set<string> | undefined,
): void {
  /** Each template lists the bound agent's own resource of its kind. */
  const listOf = (kind: "inbox" | "tasks") => () => {
    const agent = ctx.session.agent;
    if (agent === undefined) return { resources: [] };
    const uri = kind === "inbox" ? inboxUri(agent) : tasksUri(agent);
    return { resources: [{ uri, name: `${agent}'s ${kind}`, mimeType: "application/json" }] };
  };

  server.registerResource(
    "inbox",
    new ResourceTemplate(`${INBOX_PREFIX}{agent}`, { list: listOf("inbox") }),
    {
      title: "Inbox",
      description: "Your unread messages first, then recent ones (reading marks nothing read)",
      mimeType: "application/json",
    },
    (uri: URL, variables: Record<string, string | string[]>) => {
      const agent = decodeURIComponent(String(variables["agent"] ?? ""));
      const bound = ctx.session.agent;
      if (bound === undefined || bound.toLowerCase() !== agent.toLowerCase()) {
        throw new ForbiddenError(
          `Only '${agent}' may read its inbox; register as '${agent}' in this session first.`,
        );
      }
      const messages = ctx.table.messages.peek(agent);
      const unread = ctx.table.messages.unreadCount(bound);
      return {
        contents: [{
          uri: uri.href,
          mimeType: "application/json",
          text: JSON.stringify({ agent: bound, unread, messages }),
        }],
      };
    },
  );

  server.registerResource(
    "tasks",
    new ResourceTemplate(`${TASKS_PREFIX}{agent}`, { list: listOf("tasks") }),
    {
      title: "Tasks",
      description: "The open tasks an agent is assigned to or reviews",
      mimeType: "application/json",
    },
    (uri: URL, variables: Record<string, string | string[]>) => {
      const agent = ctx.table.members.require(
        decodeURIComponent(String(variables["agent"] ?? "")),
        "agent",
      ).name;
      const open = (t: { status: string }) => t.status !== "done";
      const assigned = ctx.table.tasks.list({ assignee: agent }).filter(open);
      const reviewing = ctx.table.tasks.list({ reviewer: agent }).filter(open);
      return {
        contents: [{
          uri: uri.href,
          mimeType: "application/json",
          text: JSON.stringify({ agent, assigned, reviewing }),
        }],
      };
    },
  );

  if (subscriptions === undefined) return;
  server.server.setRequestHandler(SubscribeRequestSchema, (request: SubscribeRequest) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, (request: UnsubscribeRequest) => {
    subscriptions.delete(request.params.uri);
    return {};
  });
}
