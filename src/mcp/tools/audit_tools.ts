/** get_audit_log. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import { TEXT_RULES } from "../../core/input_rules/text_rules.ts";
import { textFieldOf, timeField, timeToMs } from "../fields.ts";
import { auditEntrySchema } from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import type { ToolContext } from "../tool_context.ts";
import { nextCursorOutput, pageInput, pageResult } from "./page_fields.ts";

export function registerAuditTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "get_audit_log",
    title: "Read the audit log",
    description: "The append-only log of every change at the table, newest first.",
    input: {
      agent_name: textFieldOf("agent_name", TEXT_RULES.actorName).optional().describe(
        "Only by this agent, or rule:NAME (a filter, not you)",
      ),
      action: textFieldOf("action", TEXT_RULES.auditAction).optional().describe(
        "e.g. task.claimed, or a family: task or task.*",
      ),
      since: timeField("since").optional().describe(
        "2h, 1d (ago) or ISO 8601",
      ),
      ...pageInput(LIMITS.pages.audit),
    },
    output: {
      entries: z.array(auditEntrySchema),
      count: z.number().int(),
      ...nextCursorOutput,
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      return pageResult(
        "entries",
        table.audit.page({
          agent: args.agent_name,
          action: args.action,
          since: args.since === undefined
            ? undefined
            : timeToMs("since", args.since, table.clock.now()),
        }, args),
      );
    },
  });
}
