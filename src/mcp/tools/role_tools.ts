/** list_roles, get_role, assign_role. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { actorField, agentNameField, roleField } from "../fields.ts";
import { memberSchema, roleSchema } from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import { roleView } from "../role_view.ts";
import type { ToolContext } from "../tool_context.ts";
import { NotFoundError } from "../../core/errors.ts";

export function registerRoleTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "list_roles",
    title: "List the roles",
    description:
      "List the roles of this table: what each is for, its tools and privileges, the task " +
      "types it prefers, and whether it is privileged (granted by an operator, never " +
      "self-assigned). Needs no registration.",
    input: {},
    output: { roles: z.array(roleSchema), count: z.number().int() },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(_args, { table }) {
      const roles = table.roles.names().map((name) => roleView(table.roles, name));
      return { roles, count: roles.length };
    },
  });

  registerTool(server, ctx, {
    name: "get_role",
    title: "Read a role",
    description:
      "One role in full, including its guidelines (how an agent in that role behaves). Needs " +
      "no registration.",
    input: { name: roleField("name").describe("The role, e.g. coder") },
    output: { role: roleSchema },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      if (!table.roles.has(args.name)) {
        throw new NotFoundError(
          `name: there is no role '${args.name}'. Roles: ${table.roles.names().join(", ")}.`,
        );
      }
      return { role: roleView(table.roles, args.name) };
    },
  });

  registerTool(server, ctx, {
    name: "assign_role",
    title: "Give an agent a role",
    description:
      "Give a registered agent a role, privileged roles included. Needs the assign_roles " +
      "privilege (admin, lead). The agent's next tool call runs under the new role. Returns " +
      "the member.",
    input: {
      name: agentNameField("name").describe("The agent to give the role to"),
      role: roleField("role").describe("The role to give"),
      agent_name: actorField("agent_name"),
    },
    output: { member: memberSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const by = session.actor(args.agent_name, "agent_name");
      return { member: table.members.grant({ name: args.name, role: args.role, by }) };
    },
  });
}
