/**
 * Every result a test gets from a real server is checked against its tool's result schema: the
 * tool's result fields, plus the unread badge when mail is waiting and what the agent holds on
 * the first result of a session bound at connect time. The server does not check
 * its own results at run time (it builds them; a check would cost every call ~15–25 µs), so
 * the whole suite does it here, on every successful call.
 */
import { z } from "zod";
import { LIMITS } from "../../src/core/limits.ts";
import { allTools } from "../../src/mcp/tools/all_tools.ts";
import { holdingsSchema } from "../../src/mcp/output_schemas.ts";
import type { AnyTool } from "../../src/mcp/register_tool.ts";
import { DEFAULT_TOOL_SETTINGS } from "../../src/mcp/tool_settings.ts";

const _unreadSchema = z.strictObject({
  // 0 when every new message the badge shows was short enough to be read by being shown.
  count: z.number().int().min(0).max(LIMITS.unreadBadgeCount),
  preview: z.optional(z.array(z.strictObject({
    id: z.number().int(),
    sender: z.string(),
    broadcast: z.boolean(),
    subject: z.string().nullable(),
    thread_id: z.number().int(),
    ack_required: z.boolean(),
    excerpt: z.string(),
    whole: z.boolean(),
  }))),
});

const _schemas = new WeakMap<AnyTool, z.ZodObject>();

/** The schema every structuredContent of `def` matches (built once per definition). */
function _resultSchemaOf(def: AnyTool): z.ZodObject {
  let schema = _schemas.get(def);
  if (schema === undefined) {
    schema = z.object({
      holding: holdingsSchema().optional(),
      ...def.output,
      unread: _unreadSchema.optional(),
    });
    _schemas.set(def, schema);
  }
  return schema;
}

let _byName: Map<string, AnyTool> | undefined;

/** Throws, naming the tool and the fields, when `structured` is not what `tool` returns. */
export function checkResult(tool: string, structured: Record<string, unknown> | undefined): void {
  // Result fields do not depend on the tool settings.
  _byName ??= new Map(allTools(DEFAULT_TOOL_SETTINGS).map((def) => [def.name, def]));
  const def = _byName.get(tool);
  if (def === undefined) return; // an unknown tool: the server refused it
  if (structured === undefined) throw new Error(`${tool} returned no structuredContent`);
  const checked = _resultSchemaOf(def).safeParse(structured);
  if (!checked.success) {
    throw new Error(
      `${tool} returned a result its schema refuses: ${checked.error.message}\n` +
        JSON.stringify(structured).slice(0, 2_000),
    );
  }
}
