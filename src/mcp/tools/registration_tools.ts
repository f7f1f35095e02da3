/** register, deregister, list_members, heartbeat. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { ForbiddenError } from "../../core/errors.ts";
import { LIMITS } from "../../core/limits.ts";
import { agentNameField, boolField, roleField, stringListField } from "../fields.ts";
import { memberSchema, roleSchema } from "../output_schemas.ts";
import { roleView } from "../role_view.ts";
import { registerTool } from "../register_tool.ts";
import type { ToolContext } from "../tool_context.ts";

export function registerRegistrationTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "register",
    title: "Join the table",
    description:
      "Join the team table as an agent, or come back under the same name. Call this first: " +
      "it binds this session to your name, so later calls may omit sender/agent_name/creator/" +
      "set_by. A name another live session holds is refused. Registering again updates role " +
      "and capabilities when given. Privileged roles cannot be self-assigned: an operator " +
      "grants them. New names are limited: a session makes at most " +
      `${LIMITS.newNamesPerSession}, and the table holds at most ${LIMITS.membersMax} members. ` +
      "Returns your member " +
      "record, your role (its guidelines: follow them; its tools and privileges), whether you " +
      "are new, and how many unread messages wait for you.",
    input: {
      name: agentNameField("name").describe(
        `Your agent name: 1–${LIMITS.agentNameMax} characters, letters/digits first and last, ` +
          "inner space _ . - allowed; unique regardless of case",
      ),
      role: roleField("role").optional().describe(
        "Your role, e.g. coder, reviewer, architect (default 'agent'; kept when omitted on " +
          "return). list_roles shows them all",
      ),
      capabilities: stringListField("capabilities", LIMITS.capabilitiesMax, LIMITS.capabilityMax)
        .optional().describe(
          `What you can do, e.g. ["typescript","review"]: at most ${LIMITS.capabilitiesMax} ` +
            `entries of 1–${LIMITS.capabilityMax} characters (replaces the list when given)`,
        ),
    },
    output: {
      member: memberSchema,
      role: roleSchema,
      created: z.boolean().describe("false when you were registered before"),
      unread_count: z.number().int(),
      credential: z.string().optional().describe(
        "Your agent token (join token only): connect with it from now on; shown once",
      ),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const own = session.agent ?? session.expected;
      if (session.fixed && own?.toLowerCase() !== args.name.toLowerCase()) {
        throw new ForbiddenError(
          `name: this connection is bound to '${own}' (by --agent or its agent token); it ` +
            `cannot register as '${args.name}'. Omit register, or call it with '${own}' to ` +
            `update role or capabilities.`,
        );
      }
      const { member, created, credential } = table.members.register({
        ...args,
        session: session.ref,
        join: session.join && !session.fixed,
      });
      session.bind(member.name, credential !== undefined);
      return {
        member,
        role: roleView(table.roles, member.role),
        created,
        unread_count: table.messages.unreadSummary(member.name).count,
        ...(credential === undefined ? {} : { credential }),
      };
    },
  });

  registerTool(server, ctx, {
    name: "deregister",
    title: "Leave the table",
    description:
      "Leave the table: you are marked gone, your name is free, and your open tasks go back to " +
      "pending. Messages sent to you keep arriving and wait for your return (register again " +
      "with the same name). Returns your member record.",
    input: {
      name: agentNameField("name").optional().describe(
        "Your agent name; optional, must match the registered session",
      ),
    },
    output: { member: memberSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const { member } = table.departures.deregister(session.actor(args.name, "name"));
      session.unbind();
      return { member };
    },
  });

  registerTool(server, ctx, {
    name: "list_members",
    title: "Who is at the table",
    description:
      "List the agents at the table with role, capabilities, status and last_seen time. " +
      "Active members only unless include_inactive is true. Needs no registration.",
    input: {
      include_inactive: boolField("include_inactive").optional().describe(
        "Also list agents that deregistered (default false)",
      ),
    },
    output: { members: z.array(memberSchema), count: z.number().int() },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      const members = table.members.list({ includeInactive: args.include_inactive });
      return { members, count: members.length };
    },
  });

  registerTool(server, ctx, {
    name: "heartbeat",
    title: "Say you are alive",
    description:
      "Tell the table you are still working (updates last_seen, and marks you active again if " +
      "you had deregistered). Returns your member record; the unread badge rides along.",
    input: {
      name: agentNameField("name").optional().describe(
        "Your agent name; optional, must match the registered session",
      ),
    },
    output: { member: memberSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      return { member: table.members.heartbeat(session.actor(args.name, "name")) };
    },
  });
}
