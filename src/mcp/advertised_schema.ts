/**
 * A tool as tools/list advertises it, and the JSON Schemas it is advertised with, written for a model's context:
 * what to send and what comes back, without the noise. The zod schemas stay the validators
 * (every limit and pattern is still checked, with a message that names it); what is advertised
 * is never stricter than what is checked:
 *
 * - input: no `$schema`, no `pattern` or `minLength` (a wrong value is refused with the rule in
 *   words), no ±2^53 integer bounds, no `exclusiveMinimum: 0` (ids are positive), no
 *   `additionalProperties: false` (an unknown parameter is refused by name), and not the
 *   parameters that name the acting agent (they may be omitted once registered, and are still
 *   accepted); a parameter marked `shallow` (meta) lists its items as `object`, its description
 *   giving their shapes (a rule's actions);
 * - output: the top-level fields with their types; nested records are `object` (the text
 *   result shows them whole), and further fields are allowed (the unread badge, described once
 *   in the server instructions).
 */
import type { Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

/** A JSON Schema object as tools/list carries it. */
export type JsonSchema = { [key: string]: unknown };

/** What of a tool definition (register_tool.ts) its advertised form is made of. */
export interface AdvertisableTool {
  name: string;
  title: string;
  description: string;
  input: z.ZodRawShape;
  output: z.ZodRawShape;
  annotations: ToolAnnotations;
}

/**
 * The tool `def` as tools/list shows it: the one definition of the advertised form, used by
 * the ToolCatalog when it builds the list and by `deno task generate` (advertised_tools.ts).
 */
export function advertisedTool(def: AdvertisableTool): Tool {
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: advertisedInput(z.strictObject(def.input)),
    outputSchema: advertisedOutput(def.output),
    annotations: _advertisedAnnotations({ ...def.annotations, openWorldHint: false }),
  };
}

const _SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** The advertised input schema of a tool whose parameters are `schema` (a strict object). */
export function advertisedInput(schema: z.ZodObject): JsonSchema & { type: "object" } {
  const json = _withoutNoise(z.toJSONSchema(schema, { target: "draft-7", io: "input" }));
  const properties = _record(json["properties"]);
  const actors = Object.keys(properties).filter((key) => _record(properties[key])["actor"]);
  for (const key of actors) delete properties[key];
  for (const [key, value] of Object.entries(properties)) {
    const { shallow, ...property } = _record(value);
    if (shallow) properties[key] = { ...property, items: { type: "object" } };
  }
  const required = Array.isArray(json["required"])
    ? json["required"].filter((key) => !actors.includes(String(key)))
    : [];
  const advertised: JsonSchema & { type: "object" } = { ...json, type: "object", properties };
  if (required.length) advertised["required"] = required;
  else delete advertised["required"];
  return advertised;
}

/** The advertised output schema of a tool whose result has the fields `shape`. */
export function advertisedOutput(shape: z.ZodRawShape): JsonSchema & { type: "object" } {
  const json = _withoutNoise(z.toJSONSchema(z.object(shape), { target: "draft-7", io: "output" }));
  const properties = Object.fromEntries(
    Object.entries(_record(json["properties"])).map(([key, value]) => [key, _shallow(value)]),
  );
  const { additionalProperties: _closed, ...open } = json;
  return { ...open, type: "object", properties };
}

/**
 * The hints that differ from MCP's defaults (readOnlyHint false, destructiveHint true,
 * idempotentHint false, openWorldHint true); a read-only tool's destructive and idempotent
 * hints mean nothing (the spec), so they are left out.
 */
function _advertisedAnnotations(hints: ToolAnnotations): ToolAnnotations {
  const { readOnlyHint, destructiveHint, idempotentHint, openWorldHint, ...rest } = hints;
  return {
    ...rest,
    ...(readOnlyHint ? { readOnlyHint } : {}),
    ...(!readOnlyHint && destructiveHint === false ? { destructiveHint } : {}),
    ...(!readOnlyHint && idempotentHint ? { idempotentHint } : {}),
    ...(openWorldHint === false ? { openWorldHint } : {}),
  };
}

/**
 * Drops `$schema`, `pattern`, `minLength`, `additionalProperties: false`, `exclusiveMinimum: 0`
 * and the ±2^53 bounds zod gives every integer, at every depth.
 */
function _withoutNoise(value: unknown): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, inner] of Object.entries(_record(value))) {
    if (key === "$schema" || key === "pattern" || key === "minLength") continue;
    if (
      (key === "maximum" && inner === _SAFE_INTEGER) ||
      (key === "minimum" && inner === -_SAFE_INTEGER) ||
      (key === "exclusiveMinimum" && inner === 0) ||
      (key === "additionalProperties" && inner === false)
    ) {
      continue;
    }
    out[key] = Array.isArray(inner)
      ? inner.map((item) => (_isObject(item) ? _withoutNoise(item) : item))
      : _isObject(inner)
      ? _withoutNoise(inner)
      : inner;
  }
  return out;
}

/** A nested record becomes `object` (keeping its description); arrays and unions follow. */
function _shallow(value: unknown): JsonSchema {
  const schema = _record(value);
  const description = typeof schema["description"] === "string"
    ? { description: schema["description"] }
    : {};
  if (schema["type"] === "object") return { type: "object", ...description };
  if (Array.isArray(schema["anyOf"])) {
    return { ...description, anyOf: schema["anyOf"].map(_shallow) };
  }
  if (schema["type"] === "array") return { ...schema, items: _shallow(schema["items"]) };
  return schema;
}

function _isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function _record(value: unknown): JsonSchema {
  return _isObject(value) ? Object.fromEntries(Object.entries(value)) : {};
}
