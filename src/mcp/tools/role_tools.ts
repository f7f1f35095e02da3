/** list_roles, get_role, assign_role. */
import { z } from "zod";
import { actorField, agentNameField, roleField } from "../fields.ts";
import { memberSchema, roleSchema, roleSummarySchema } from "../output_schemas.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { roleView } from "../role_view.ts";
import { NotFoundError } from "../../core/errors.ts";

export function roleTools(): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "list_roles",
    title: "List the roles",
    description: "The roles: purpose, privileges, preferred task types, and whether privileged " +
      "(operator-granted only); get_role has guidelines and tools.",
    get input() {
      return {};
    },
    get output() {
      return { roles: z.array(roleSummarySchema()), count: z.number().int() };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(_args, { table }) {
      const roles = table.roles.names()
        .map((name) => roleSummarySchema().parse(roleView(table.roles, name)));
      return { roles, count: roles.length };
    },
  }));

  tools.push(tool({
    name: "get_role",
    title: "Read a role",
    description: "One role in full, with its guidelines.",
    get input() {
      return { name: roleField("name") };
    },
    get output() {
      return { role: roleSchema() };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      if (!table.roles.has(args.name)) {
        throw new NotFoundError(
          `name: there is no role '${args.name}'. Roles: ${table.roles.names().join(", ")}.`,
        );
      }
      return { role: roleView(table.roles, args.name) };
    },
  }));

  tools.push(tool({
    name: "assign_role",
    privilege: "assign_roles",
    title: "Give an agent a role",
    description:
      "Give a registered agent any role (assign_roles privilege); it applies from the agent's " +
      "next call.",
    get input() {
      return {
        name: agentNameField("name").describe("The agent"),
        role: roleField("role"),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { member: memberSchema() };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const by = session.actor(args.agent_name, "agent_name");
      return { member: table.members.grant({ name: args.name, role: args.role, by }) };
    },
  }));
  return tools;
}
