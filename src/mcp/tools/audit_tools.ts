/** get_audit_log. */
import { z } from "zod";
import { agentActor } from "../../core/actor.ts";
import { LIMITS } from "../../core/limits.ts";
import { messageReaderFor } from "../../core/permissions/permissions.ts";
import { TEXT_RULES } from "../../core/input_rules/text_rules.ts";
import { textFieldOf, timeField, timeToMs } from "../fields.ts";
import { auditEntrySchema } from "../output_schemas.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { nextCursorOutput, pageInput, pageResult } from "./page_fields.ts";

export function auditTools(): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "get_audit_log",
    title: "Read the audit log",
    description: "Every change at the table, newest first (of messages, only yours).",
    get input() {
      return {
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
      };
    },
    get output() {
      return {
        entries: z.array(auditEntrySchema()),
        count: z.number().int(),
        ...nextCursorOutput,
      };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table, session }) {
      // rows about messages follow the one message visibility rule (audit_log.ts)
      const viewer = session.agent === undefined
        ? null
        : table.principals.resolve(agentActor(session.agent));
      return pageResult(
        "entries",
        table.audit.page({
          agent: args.agent_name,
          action: args.action,
          since: args.since === undefined
            ? undefined
            : timeToMs("since", args.since, table.clock.now()),
          reader: messageReaderFor(viewer),
        }, args),
      );
    },
  }));
  return tools;
}
