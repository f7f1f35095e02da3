/**
 * tools/call answered without the SDK's per-call machinery: its request-schema parse, an
 * asynchronous argument parse and the handler bookkeeping around a call that is synchronous
 * anyway (and over HTTP, see http/direct_post.ts, the transport's own per-request work). The
 * arguments are parsed with the same schema and the same callback answers, so the result is the
 * same. A message this does not answer goes on to the SDK as before, and its answer or error
 * reads the same: an unknown tool, arguments that fail their schema, a request shaped otherwise
 * than a plain call (a task-augmented one, extra fields), any other method.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type {
  CallToolResult,
  JSONRPCMessage,
  JSONRPCResultResponse,
  MessageExtraInfo,
} from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";

/** A tool's callback: it takes parsed arguments and never throws (register_tool.ts). */
export type ToolAnswer = (args: unknown) => CallToolResult;

const _REQUEST_KEYS = new Set(["jsonrpc", "id", "method", "params"]);
const _PARAM_KEYS = new Set(["name", "arguments", "_meta"]);

export class DirectToolCalls {
  readonly #tools = new Map<string, { input: z.ZodType; answer: ToolAnswer }>();

  add(name: string, input: z.ZodType, answer: ToolAnswer): void {
    this.#tools.set(name, { input, answer });
  }

  /**
   * The response to `message` when it is a plain call of a known tool with valid arguments
   * (the tool has run); undefined when the SDK should have it.
   */
  answer(message: unknown): JSONRPCResultResponse | undefined {
    if (!_isPlainObject(message) || message["method"] !== "tools/call") return undefined;
    const id = message["id"];
    const params = message["params"];
    if (message["jsonrpc"] !== "2.0" || !_isRequestId(id) || !_isPlainObject(params)) {
      return undefined;
    }
    if (!_onlyKeys(message, _REQUEST_KEYS) || !_onlyKeys(params, _PARAM_KEYS)) return undefined;
    const args = params["arguments"] ?? {};
    if (
      !_isPlainObject(args) || !(params["_meta"] === undefined || _isPlainObject(params["_meta"]))
    ) {
      return undefined;
    }
    const name = params["name"];
    const tool = typeof name === "string" ? this.#tools.get(name) : undefined;
    if (tool === undefined) return undefined;
    let parsed;
    try {
      parsed = tool.input.safeParse(args);
    } catch {
      return undefined; // a schema that cannot be checked synchronously: the SDK's way
    }
    if (!parsed.success) return undefined;
    return { jsonrpc: "2.0", id, result: tool.answer(parsed.data) };
  }

  /** Takes the transport's tools/call requests; call it once the server is connected. */
  attach(transport: Transport): void {
    const toSdk = transport.onmessage;
    if (toSdk === undefined) throw new Error("connect the MCP server to the transport first");
    transport.onmessage = <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => {
      const response = this.answer(message);
      if (response === undefined) return toSdk(message, extra);
      transport.send(response, { relatedRequestId: response.id })
        .catch(() => {}); // the client went away: nothing to answer
    };
  }
}

function _isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function _isRequestId(value: unknown): value is string | number {
  return typeof value === "string" || Number.isInteger(value);
}

function _onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}
