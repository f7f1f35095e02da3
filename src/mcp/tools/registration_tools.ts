/** register, deregister, list_members, heartbeat. */
import { z } from "zod";
import { ForbiddenError } from "../../core/errors.ts";
import { LIMITS } from "../../core/limits.ts";
import { actorField, agentNameField, boolField, roleField, stringListField } from "../fields.ts";
import { agentHoldings } from "../../core/agent_holdings.ts";
import {
  holdingsSchema,
  memberSchema,
  memberSummarySchema,
  roleSchema,
} from "../output_schemas.ts";
import { roleView } from "../role_view.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { nextCursorOutput, pageInput, pageResult } from "./page_fields.ts";

/** Said beside a credential the join token minted: it is never shown again. */
const _CREDENTIAL_NOTE = "Shown once and never again: save it now as this connection's bearer " +
  "token; without it this name cannot be taken back.";

export function registrationTools(): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "register",
    title: "Join the table",
    description:
      "Join the table or come back (not needed when your connection names you). Refused: a " +
      "name another live session holds, a privileged role, over " +
      `${LIMITS.newNamesPerSession} new names per session. Returns you, your role (follow its ` +
      "guidelines) and what you hold.",
    get input() {
      return {
        name: agentNameField("name").describe(
          "Unique regardless of case",
        ),
        role: roleField("role").optional().describe(
          "e.g. coder, reviewer (default agent); see list_roles",
        ),
        capabilities: stringListField("capabilities", LIMITS.capabilitiesMax, LIMITS.capabilityMax)
          .optional().describe('e.g. ["typescript","review"]; replaces the list'),
      };
    },
    get output() {
      return {
        member: memberSchema(),
        role: roleSchema().omit({ tools: true }),
        created: z.boolean(),
        unread_count: z.number().int(),
        holding: holdingsSchema(),
        credential: z.string().optional().describe(
          "Your agent token (join token only): connect with it; shown once",
        ),
        credential_note: z.string().optional(),
      };
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
      session.toldHoldings();
      const { tools: _tools, ...role } = roleView(table.roles, member.role);
      const holding = agentHoldings(table, member.name);
      return {
        member,
        role,
        created,
        unread_count: holding.unread,
        holding,
        ...(credential === undefined ? {} : { credential, credential_note: _CREDENTIAL_NOTE }),
      };
    },
  }));

  tools.push(tool({
    name: "deregister",
    title: "Leave the table",
    description:
      "Leave: you are marked gone, your name is free and your open tasks go back to pending. " +
      "Messages to you wait for your return.",
    get input() {
      return {
        name: actorField("name"),
      };
    },
    get output() {
      return { member: memberSchema() };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const { member } = table.departures.deregister(session.actor(args.name, "name"));
      session.unbind();
      return { member };
    },
  }));

  tools.push(tool({
    name: "list_members",
    title: "Who is at the table",
    description: "The agents at the table by name: role, capabilities, presence, last_seen.",
    get input() {
      return {
        include_inactive: boolField("include_inactive").optional().describe(
          "Also those who left",
        ),
        ...pageInput(LIMITS.pages.members),
      };
    },
    get output() {
      return {
        members: z.array(memberSummarySchema()),
        count: z.number().int(),
        ...nextCursorOutput,
      };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      const page = table.members.page({ includeInactive: args.include_inactive }, args);
      return pageResult("members", {
        ...page,
        items: page.items.map((member) => memberSummarySchema().parse(member)),
      });
    },
  }));

  tools.push(tool({
    name: "heartbeat",
    title: "Say you are alive",
    description: "Update your last_seen (and come back if you had deregistered).",
    get input() {
      return {
        name: actorField("name"),
      };
    },
    get output() {
      return { member: memberSchema() };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      return { member: table.members.heartbeat(session.actor(args.name, "name")) };
    },
  }));
  return tools;
}
