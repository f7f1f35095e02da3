/** search: full-text search over messages, tasks, comments and shared context. */
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
import { type AnyTool, tool } from "../register_tool.ts";

/** Registers the search tool. */
export function searchTools(): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "search",
    title: "Search the table",
    description:
      "Full-text search of messages you may see, tasks, comments and shared context. Every " +
      'word must match; "quoted words" are a phrase, word* a prefix. Best first, each with ' +
      "a snippet and the call that opens it.",
    get input() {
      return {
        query: textFieldOf("query", TEXT_RULES.searchQuery).describe(
          `At most ${LIMITS.searchTermsMax} terms`,
        ),
        kinds: z.array(enumField("each entry of kinds", SEARCH_KINDS), {
          error: () => `kinds must be a list of ${SEARCH_KINDS.map((k) => `'${k}'`).join(", ")}`,
        }).optional().describe("Default all"),
        agent: agentNameField("agent").optional().describe(
          "Only what this agent sent, created, is assigned, commented or set",
        ),
        since: isoDateField("since").optional().describe(
          "ISO 8601",
        ),
        limit: limitField("limit", LIMITS.searchLimitMax).optional().describe(
          `Default ${LIMITS.searchLimitDefault}`,
        ),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return {
        results: z.array(searchHitSchema()),
        more: z.boolean().describe("true if more matched than limit"),
        stopped: z.string().optional().describe("why only part of the matches were ranked"),
      };
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
  }));
  return tools;
}
