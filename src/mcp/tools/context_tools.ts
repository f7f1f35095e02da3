/**
 * Shared context: share_context, get_shared_context, context_history, list_context,
 * list_namespaces, delete_context.
 */
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import { DEFAULT_NAMESPACE, VERSIONS_KEPT } from "../../core/context/shared_context.ts";
import { actorField, integerField, namespaceField, textField } from "../fields.ts";
import { contextEntrySchema, contextVersionSchema } from "../output_schemas.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { cutText } from "./cut_text.ts";
import { nextCursorOutput, pageInput, pageResult } from "./page_fields.ts";

const _ns = () => namespaceField("ns").optional().describe(`Default '${DEFAULT_NAMESPACE}'`);
const _key = () => textField("key", 1, LIMITS.contextKeyMax);
const _time = z.string().describe("ISO 8601 time, UTC");

export function contextTools(): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "share_context",
    title: "Share a fact",
    description:
      "Store a value under a key for every agent. Each write is a new version (the last " +
      `${VERSIONS_KEPT} are kept). Returns the entry.`,
    get input() {
      return {
        key: _key(),
        value: textField("value", 0, LIMITS.contextValueMax),
        ns: _ns(),
        ttl: integerField("ttl", 0, LIMITS.contextTtlMaxS).optional().describe(
          "Seconds until this version expires (the one before shows again); 0: never; omit: " +
            "current expiry",
        ),
        expected_version: integerField("expected_version", 0, Number.MAX_SAFE_INTEGER).optional()
          .describe("Refused unless the key is at this version (0: new)"),
        set_by: actorField("set_by"),
      };
    },
    get output() {
      return { entry: contextEntrySchema() };
    },
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
  }));

  tools.push(tool({
    name: "get_shared_context",
    title: "Read shared context",
    description:
      "One key (latest or a given version), or without key the live entries (of ns, or of " +
      `all) with values cut at ${LIMITS.listValueMax} characters.`,
    get input() {
      return {
        key: textField("key", 1, LIMITS.contextKeyMax).optional().describe(
          "Omit to list",
        ),
        ns: _ns(),
        version: integerField("version", 1, Number.MAX_SAFE_INTEGER).optional().describe(
          "Needs key",
        ),
        ...pageInput(LIMITS.pages.contextEntries),
      };
    },
    get output() {
      return {
        entries: z.array(contextEntrySchema()),
        count: z.number().int(),
        ...nextCursorOutput,
      };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      if (args.key !== undefined) {
        return pageResult("entries", {
          items: [table.context.get({ key: args.key, ns: args.ns, version: args.version })],
        });
      }
      const page = table.context.listPage({ ns: args.ns }, args);
      return pageResult("entries", {
        ...page,
        items: page.items.map((entry) => ({
          ...entry,
          value: cutText(
            entry.value,
            LIMITS.listValueMax,
            `get_shared_context(key=${JSON.stringify(entry.key)}, ns=${JSON.stringify(entry.ns)})`,
          ),
        })),
      });
    },
  }));

  tools.push(tool({
    name: "context_history",
    title: "Versions of a key",
    description:
      `A key's versions, newest first (the last ${VERSIONS_KEPT}), with author and time; ` +
      "deletions are tombstones.",
    get input() {
      return { key: _key(), ns: _ns(), ...pageInput(LIMITS.pages.contextHistory) };
    },
    get output() {
      return {
        versions: z.array(contextVersionSchema()),
        count: z.number().int(),
        ...nextCursorOutput,
      };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      return pageResult(
        "versions",
        table.context.historyPage({ key: args.key, ns: args.ns }, args),
      );
    },
  }));

  tools.push(tool({
    name: "list_context",
    title: "List shared keys",
    description: "Live keys without values: version, author, size, expiry.",
    get input() {
      return {
        ns: namespaceField("ns").optional().describe("Default: all"),
        prefix: textField("prefix", 1, LIMITS.contextKeyMax).optional().describe(
          "Key prefix",
        ),
        ...pageInput(LIMITS.pages.contextKeys),
      };
    },
    get output() {
      return {
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
        ...nextCursorOutput,
      };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      return pageResult("keys", table.context.keysPage({ ns: args.ns, prefix: args.prefix }, args));
    },
  }));

  tools.push(tool({
    name: "list_namespaces",
    title: "List namespaces",
    description: "Namespaces with live keys, and key counts.",
    get input() {
      return pageInput(LIMITS.pages.namespaces);
    },
    get output() {
      return {
        namespaces: z.array(
          z.object({ ns: z.string(), keys: z.number().int(), updated_at: _time }),
        ),
        count: z.number().int(),
        ...nextCursorOutput,
      };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      return pageResult("namespaces", table.context.namespacesPage(args));
    },
  }));

  tools.push(tool({
    name: "delete_context",
    title: "Delete a shared key",
    description:
      "Delete a key by writing a tombstone version (context_history keeps the rest): only " +
      "if you wrote all its unexpired versions, else manage_context.",
    get input() {
      return {
        key: _key(),
        ns: _ns(),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return contextVersionSchema().shape;
    },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
    run(args, { table, session }) {
      return table.context.delete({
        key: args.key,
        ns: args.ns,
        by: session.actor(args.agent_name, "agent_name"),
      });
    },
  }));
  return tools;
}
