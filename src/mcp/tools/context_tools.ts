/**
 * Shared context: share_context, get_shared_context, context_history, list_context,
 * list_namespaces, delete_context.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import { DEFAULT_NAMESPACE, VERSIONS_KEPT } from "../../core/context/shared_context.ts";
import { actorField, integerField, namespaceField, textField } from "../fields.ts";
import { contextEntrySchema, contextVersionSchema } from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import type { ToolContext } from "../tool_context.ts";

const _ns = () =>
  namespaceField("ns").optional().describe(
    `The namespace, e.g. project-alpha (default '${DEFAULT_NAMESPACE}')`,
  );
const _key = () =>
  textField("key", 1, LIMITS.contextKeyMax).describe(
    `The key, 1–${LIMITS.contextKeyMax} characters`,
  );
const _time = z.string().describe("ISO 8601 time, UTC");

export function registerContextTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "share_context",
    title: "Share a fact",
    description:
      "Store a piece of shared context (a decision, an API spec, a path) under a key in a " +
      "namespace for every agent to read. Each write creates a new version (the last " +
      `${VERSIONS_KEPT} are kept, and each author's latest). Pass expected_version (the ` +
      "version you read; 0 for a new key) to fail instead of overwriting someone else's " +
      "change. ttl makes this version expire (when it does, readers see the version before " +
      "it again); without ttl a rewrite keeps the current expiry, ttl 0 removes it. Returns " +
      "the stored entry with its new version.",
    input: {
      key: _key(),
      value: textField("value", 0, LIMITS.contextValueMax).describe(
        `The value, at most ${LIMITS.contextValueMax.toLocaleString("en-US")} characters`,
      ),
      ns: _ns(),
      ttl: integerField("ttl", 0, LIMITS.contextTtlMaxS).optional().describe(
        "Seconds until this version expires (at most one year); 0: never; omit to keep the " +
          "current expiry",
      ),
      expected_version: integerField("expected_version", 0, Number.MAX_SAFE_INTEGER).optional()
        .describe("Write only if the key is still at this version (0: only if it is new)"),
      set_by: actorField("set_by"),
    },
    output: { entry: contextEntrySchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const entry = table.context.share({
        key: args.key,
        value: args.value,
        ns: args.ns,
        ttl: args.ttl,
        expectedVersion: args.expected_version,
        by: session.actor(args.set_by, "set_by"),
      });
      return { entry };
    },
  });

  registerTool(server, ctx, {
    name: "get_shared_context",
    title: "Read shared context",
    description:
      "Read shared context: one key (its latest version, or a given version), or with no key " +
      "every live entry (of one namespace, or of all when ns is omitted). Expired and deleted " +
      "entries are never returned. Needs no registration.",
    input: {
      key: textField("key", 1, LIMITS.contextKeyMax).optional().describe(
        "The key to read; omit to list entries",
      ),
      ns: _ns(),
      version: integerField("version", 1, Number.MAX_SAFE_INTEGER).optional().describe(
        "A version to read instead of the latest (needs key)",
      ),
    },
    output: { entries: z.array(contextEntrySchema), count: z.number().int() },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      const entries = args.key === undefined
        ? table.context.list({ ns: args.ns })
        : [table.context.get({ key: args.key, ns: args.ns, version: args.version })];
      return { entries, count: entries.length };
    },
  });

  registerTool(server, ctx, {
    name: "context_history",
    title: "Versions of a key",
    description:
      `The stored versions of a key, newest first (the last ${VERSIONS_KEPT}), with who wrote ` +
      "each and when; deletions show as tombstones. Needs no registration.",
    input: { key: _key(), ns: _ns() },
    output: {
      versions: z.array(contextVersionSchema),
      count: z.number().int(),
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      const versions = table.context.history({ key: args.key, ns: args.ns });
      return { versions, count: versions.length };
    },
  });

  registerTool(server, ctx, {
    name: "list_context",
    title: "List shared keys",
    description:
      "List live keys (without their values) with latest version, author, size and expiry; " +
      "optionally one namespace and/or a key prefix. Needs no registration.",
    input: {
      ns: namespaceField("ns").optional().describe("Only this namespace (default: all)"),
      prefix: textField("prefix", 1, LIMITS.contextKeyMax).optional().describe(
        "Only keys starting with this",
      ),
    },
    output: {
      keys: z.array(z.object({
        ns: z.string(),
        key: z.string(),
        version: z.number().int(),
        set_by: z.string(),
        size: z.number().int(),
        updated_at: _time,
        expires_at: _time.nullable(),
      })),
      count: z.number().int(),
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      const keys = table.context.keys({ ns: args.ns, prefix: args.prefix });
      return { keys, count: keys.length };
    },
  });

  registerTool(server, ctx, {
    name: "list_namespaces",
    title: "List namespaces",
    description: "The namespaces that hold live keys, with key counts. Needs no registration.",
    input: {},
    output: {
      namespaces: z.array(z.object({ ns: z.string(), keys: z.number().int(), updated_at: _time })),
      count: z.number().int(),
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(_args, { table }) {
      const namespaces = table.context.namespaces();
      return { namespaces, count: namespaces.length };
    },
  });

  registerTool(server, ctx, {
    name: "delete_context",
    title: "Delete a shared key",
    description: "Delete a key: a tombstone version is written (the history stays readable with " +
      "context_history). Only the author of its latest version, or an agent with the " +
      "manage_context privilege, may. Returns the tombstone version.",
    input: {
      key: _key(),
      ns: _ns(),
      agent_name: actorField("agent_name"),
    },
    output: contextVersionSchema.shape,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
    run(args, { table, session }) {
      return table.context.delete({
        key: args.key,
        ns: args.ns,
        by: session.actor(args.agent_name, "agent_name"),
      });
    },
  });
}
