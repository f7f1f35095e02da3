/** share_context, get_shared_context. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import { agentNameField, textField } from "../fields.ts";
import { contextEntrySchema } from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import type { ToolContext } from "../tool_context.ts";

export function registerContextTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "share_context",
    title: "Share a fact",
    description:
      "Store a piece of shared context (a decision, an API spec, a path) under a key for every " +
      "agent to read. Writing a key again replaces the value and bumps its version. Returns " +
      "the stored entry with its version.",
    input: {
      key: textField("key", 1, LIMITS.contextKeyMax).describe(
        `The key, 1–${LIMITS.contextKeyMax} characters`,
      ),
      value: textField("value", 0, LIMITS.contextValueMax).describe(
        `The value, at most ${LIMITS.contextValueMax.toLocaleString("en-US")} characters`,
      ),
      set_by: agentNameField("set_by").optional().describe(
        "Your agent name; optional once registered, and must match when given",
      ),
    },
    output: { entry: contextEntrySchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const entry = table.context.share({
        key: args.key,
        value: args.value,
        setBy: session.actor(args.set_by, "set_by"),
      });
      return { entry };
    },
  });

  registerTool(server, ctx, {
    name: "get_shared_context",
    title: "Read shared context",
    description:
      "Read shared context: one entry by key, or every entry when key is omitted. Needs no " +
      "registration. Returns the entries with who set them, when, and their version.",
    input: {
      key: textField("key", 1, LIMITS.contextKeyMax).optional().describe(
        "The key to read; omit to list everything",
      ),
    },
    output: { entries: z.array(contextEntrySchema), count: z.number().int() },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      const entries = args.key === undefined ? table.context.list() : [table.context.get(args.key)];
      return { entries, count: entries.length };
    },
  });
}
