/** search: full-text search over messages, tasks, comments and shared context. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { TEXT_RULES } from "../../core/input_rules/text_rules.ts";
import { LIMITS } from "../../core/limits.ts";
import { SEARCH_KINDS } from "../../core/search/search_query.ts";
import {
  actorField,
  agentNameField,
  enumField,
  isoDateField,
  isoDateToMs,
  limitField,
  textFieldOf,
} from "../fields.ts";
import { searchHitSchema } from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import type { ToolContext } from "../tool_context.ts";

/** Registers the search tool. */
export function registerSearchTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "search",
    title: "Search the table",
    description:
      "Find messages (yours and broadcasts to you), tasks, task comments and shared context " +
      'by words. Every word must match; "quoted words" match as a phrase; word* matches a ' +
      "prefix; no other operators. Best matches first, with a snippet (matches in **) and " +
      "the call that opens each.",
    input: {
      query: textFieldOf("query", TEXT_RULES.searchQuery).describe(
        `The words to find (max ${LIMITS.searchQueryMax} characters, ${LIMITS.searchTermsMax} terms)`,
      ),
      kinds: z.array(enumField("each entry of kinds", SEARCH_KINDS), {
        error: () => `kinds must be a list of ${SEARCH_KINDS.map((k) => `'${k}'`).join(", ")}`,
      }).optional().describe("Only these kinds (default all)"),
      agent: agentNameField("agent").optional().describe(
        "Only what this agent wrote (sent, created or is assigned, commented, set)",
      ),
      since: isoDateField("since").optional().describe(
        "Only what was written at or after this ISO 8601 date/time",
      ),
      limit: limitField("limit", LIMITS.searchLimitMax).optional().describe(
        `How many results at most (default ${LIMITS.searchLimitDefault}, max ${LIMITS.searchLimitMax})`,
      ),
      agent_name: actorField("agent_name"),
    },
    output: {
      results: z.array(searchHitSchema),
      more: z.boolean().describe("true if more matched than limit"),
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      return table.search.search({
        by: session.actor(args.agent_name, "agent_name"),
        query: args.query,
        kinds: args.kinds,
        agent: args.agent,
        since: args.since === undefined ? undefined : isoDateToMs("since", args.since),
        limit: args.limit,
      });
    },
  });
}
