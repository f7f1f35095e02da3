/**
 * Registers one tool on an McpServer: a strict zod input schema (unknown parameters are refused
 * by name), its lean advertised form in the process's ToolCatalog, and a handler wrapped so
 * that every result is JSON text plus structuredContent, carries the unread badge, and maps
 * errors to `isError` results. Definitions and their schemas are built once per process
 * (tools/all_tools.ts) and shared by every session.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { bindExpected } from "./connect_binding.ts";
import {
  agentHoldings,
  type Holdings,
  holdingsText,
  holdsAnything,
} from "../core/agent_holdings.ts";
import { mayCallTool } from "../core/permissions/permissions.ts";
import type { ToolName, ToolPrivilege } from "../core/permissions/tool_privileges.ts";
import type { Privilege } from "../core/role_catalog.ts";
import { toolRefusal } from "../core/permissions/refusal.ts";
import type { UnreadSummary } from "../core/messages/message.ts";
import type { ToolContext } from "./tool_context.ts";
import { errorResult, successResult } from "./tool_result.ts";
import { advertisedTool } from "./advertised_schema.ts";
import { ToolCatalog } from "./tool_catalog.ts";
import { toolCallOutcome } from "./tool_call_observer.ts";

export interface ToolDefinition<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  /** One of core/permissions/tool_privileges.ts, which lists every tool. */
  name: ToolName;
  /** The privilege the tool needs, as tool_privileges.ts lists it (see `tool`). */
  privilege?: Privilege | null;
  title: string;
  /** Written for the model: when to use the tool and what it returns. */
  description: string;
  /**
   * The parameters and the result's fields, each written as a getter (`get input() {...}`):
   * built once, on first use (the tool's first call, a tools/list built live), so that a
   * starting server builds no tool's schemas.
   */
  input: I;
  output: O;
  annotations: ToolAnnotations;
  /**
   * Synchronous on purpose: the whole call is one transaction on the process's one database
   * connection, which every session shares; an await inside it would let another call run in it.
   */
  run(args: z.output<z.ZodObject<I>>, ctx: ToolContext): z.input<z.ZodObject<O>>;
  /**
   * What the text form shows when it is not the whole result (a field that repeats another
   * is left out); structuredContent always has the whole result.
   */
  text?(result: z.input<z.ZodObject<O>>): Record<string, unknown>;
}

/** A tool definition with its parameter types erased, as sessions register it. */
export type AnyTool = ToolDefinition<z.ZodRawShape, z.ZodRawShape>;

/**
 * A privileged tool declares its privilege, and only the one tool_privileges.ts lists for it;
 * a tool that needs none may leave it out.
 */
type PrivilegeOf<N extends ToolName> = ToolPrivilege<N> extends null ? { privilege?: null }
  : { privilege: ToolPrivilege<N> };

/**
 * Checks a definition against its own parameter and result types and its name and privilege
 * against the tool list, then erases its types.
 */
export function tool<N extends ToolName, I extends z.ZodRawShape, O extends z.ZodRawShape>(
  def: ToolDefinition<I, O> & { name: N } & PrivilegeOf<N>,
): AnyTool {
  return _once(_once(def, "input"), "output") as unknown as AnyTool;
}

/** Makes the getter `key` of `def` run once: its first value stays. */
function _once<T extends object>(def: T, key: "input" | "output"): T {
  const get = Object.getOwnPropertyDescriptor(def, key)?.get;
  if (get === undefined) return def;
  return Object.defineProperty(def, key, {
    configurable: true,
    enumerable: true,
    get() {
      const value: unknown = get.call(def);
      Object.defineProperty(def, key, { value, enumerable: true });
      return value;
    },
  });
}

interface _Compiled {
  inputSchema: z.ZodType;
  annotations: ToolAnnotations;
}

/** A definition's schemas, built once: every session shares the same definitions. */
const _compiled = new WeakMap<AnyTool, _Compiled>();

function _compile(def: AnyTool): _Compiled {
  // Built on the tool's first call, not here: registering builds no schema (ToolDefinition).
  const inputSchema = z.lazy(() => _strictInput(def));
  return { inputSchema, annotations: { ...def.annotations, openWorldHint: false } };
}

function _strictInput(def: AnyTool): z.ZodObject {
  const allowed = Object.keys(def.input);
  return z.strictObject(def.input, {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown parameter${issue.keys.length > 1 ? "s" : ""} ${
          issue.keys.map((k) => `'${k}'`).join(", ")
        }; ${def.name} takes ${
          allowed.length ? allowed.map((k) => `'${k}'`).join(", ") : "no parameters"
        }`
        : undefined,
  });
}

export function registerTool(server: McpServer, ctx: ToolContext, def: AnyTool): void {
  let compiled = _compiled.get(def);
  if (compiled === undefined) {
    compiled = _compile(def);
    _compiled.set(def, compiled);
  }
  const { inputSchema, annotations } = compiled;
  ToolCatalog.of(ctx.table).add(def.name, () => advertisedTool(def));
  // No output schema for the SDK: it would check every result at run time, on every call.
  // Every result the tests get is checked against its tool's result schema
  // (tests/support/result_check.ts); tools/list advertises the lean form (tool_catalog.ts).
  const answer = (rawArgs: unknown): CallToolResult => {
    const started = ctx.toolCalls === undefined ? 0 : performance.now();
    let failure: unknown;
    try {
      // The SDK parsed them with inputSchema already: a bad call never gets here.
      const args = (rawArgs ?? {}) as z.output<z.ZodObject<z.ZodRawShape>>;
      // One transaction per call: the name and role checks, the change, the badge and the
      // tool list agree with each other, and the statements share one lock and snapshot.
      const { result, unread } = ctx.table.tx.run(() => _call(ctx, def, args));
      if (unread) ctx.session.showedUnread(unread);
      return result;
    } catch (error) {
      failure = error;
      try {
        return _failed(ctx, def.name, error);
      } catch (reporting) {
        // Reporting it failed too (the database is gone): say so without a badge.
        return errorResult(reporting, { tool: def.name, logger: ctx.logger, unread: undefined });
      }
    } finally {
      ctx.toolCalls?.(def.name, toolCallOutcome(failure), (performance.now() - started) / 1000);
    }
  };
  server.registerTool(
    def.name,
    { title: def.title, description: def.description, inputSchema, annotations },
    answer,
  );
}

/**
 * One tool call inside its transaction: everything it wrote is undone if it fails. Returns the
 * result and the unread badge it carries (the session remembers what it previewed once the
 * transaction has committed).
 */
function _call(
  ctx: ToolContext,
  def: AnyTool,
  args: z.output<z.ZodObject<z.ZodRawShape>>,
): { result: CallToolResult; unread: UnreadSummary | undefined } {
  // Takes the session's name back if it lost it (or refuses saying who holds it), and reads
  // its role with it for the role check.
  const agent = ctx.session.agent;
  const role = def.name === "register" ? undefined : bindExpected(ctx.table, ctx.session);
  if (def.name !== "register") _checkRole(ctx, def.name, role);
  const value = def.run(args, ctx);
  const unread = _unread(ctx);
  const result = successResult(value, unread, def.text?.(value), _holdings(ctx), _offer(ctx));
  // The role just read is still the agent's unless the call bound or unbound the session
  // (register, deregister): an agent never changes its own role otherwise.
  ctx.toolList.announceChanges(ctx.session.agent === agent ? role : undefined);
  return { result, unread };
}

/**
 * A failed call still takes the session's name (the failure undid it with the rest), unless
 * taking it is what failed; its result carries the badge and any change of tool list.
 */
function _failed(ctx: ToolContext, tool: string, error: unknown): CallToolResult {
  if (tool !== "register") {
    try {
      ctx.table.tx.run(() => bindExpected(ctx.table, ctx.session));
    } catch {
      // Held by another live session: the error being reported says so.
    }
  }
  const unread = _unread(ctx);
  const result = errorResult(error, { tool, logger: ctx.logger, unread });
  if (unread) ctx.session.showedUnread(unread);
  ctx.toolList.announceChanges();
  return result;
}

/**
 * Refuses a tool the bound agent's role may not call (register is always allowed), and records
 * the call as a sign of life.
 */
function _checkRole(ctx: ToolContext, tool: string, role: string | undefined): void {
  const agent = ctx.session.agent;
  if (agent === undefined || role === undefined) return;
  if (ctx.session.shouldTouch(ctx.table.clock.now())) ctx.table.members.touch(agent);
  if (mayCallTool(ctx.table.roles.requireKnown(role, agent), tool)) return;
  throw toolRefusal({ agent, role, tool }, ctx.table.roles);
}

/**
 * What the agent holds, once after a binding at connect time (stdio --agent, an agent token,
 * a reconnect): told with the first result, when it holds anything. register tells it itself.
 */
function _holdings(ctx: ToolContext): { text: string; data: Holdings } | undefined {
  const agent = ctx.session.agent;
  if (agent === undefined || ctx.session.holdingsTold) return undefined;
  ctx.session.toldHoldings();
  const data = agentHoldings(ctx.table, agent);
  return holdsAnything(data) ? { text: holdingsText(agent, data), data } : undefined;
}

/**
 * A task offered to the agent since its last result and still free, for a session whose pushes
 * do not reach the model (no stdio channel: most HTTP clients never show /events either).
 */
function _offer(ctx: ToolContext): { id: number; title: string } | undefined {
  const agent = ctx.session.agent;
  if (agent === undefined || ctx.channel === true) return undefined;
  const { upTo, task } = ctx.table.offers.offeredTo(agent, ctx.session.offersSeen);
  ctx.session.lookedAtOffers(upTo);
  return task;
}

function _unread(ctx: ToolContext): UnreadSummary | undefined {
  const agent = ctx.session.agent;
  if (agent === undefined) return undefined;
  try {
    return ctx.table.messages.notice(agent, ctx.session.unreadShown);
  } catch (error) {
    ctx.logger.warn(`unread badge unavailable: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}
