/** get_audit_log. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import { TEXT_RULES } from "../../core/input_rules/text_rules.ts";
import { limitField, textFieldOf, timeField, timeToMs } from "../fields.ts";
import { auditEntrySchema } from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import type { ToolContext } from "../tool_context.ts";

export function registerAuditTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "get_audit_log",
    title: "Read the audit log",
    description:
      "Read the append-only audit log of every change at the table (registrations, messages " +
      "sent, read and deleted, tasks created/claimed/updated, context shared, purges), newest " +
      "first. Filter by agent, action (exact, e.g. 'task.claimed', or a family: 'task' or " +
      "'task.*') and time. Needs no registration.",
    input: {
      agent_name: textFieldOf("agent_name", TEXT_RULES.actorName).optional().describe(
        "Only entries by this agent, or by a rule as rule:NAME (a filter, not your identity)",
      ),
      action: textFieldOf("action", TEXT_RULES.auditAction).optional().describe(
        "Only this action, or a family: message or message.*",
      ),
      since: timeField("since").optional().describe(
        "Only entries at or after this time: 2h, 1d, or an ISO 8601 date/time",
      ),
      limit: limitField("limit", LIMITS.auditLimitMax).optional().describe(
        `How many entries at most (default ${LIMITS.auditLimitDefault}, max ${LIMITS.auditLimitMax})`,
      ),
    },
    output: { entries: z.array(auditEntrySchema), count: z.number().int() },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      const entries = table.audit.query({
        agent: args.agent_name,
        action: args.action,
        since: args.since === undefined
          ? undefined
          : timeToMs("since", args.since, table.clock.now()),
        limit: args.limit,
      });
      return { entries, count: entries.length };
    },
  });
}
