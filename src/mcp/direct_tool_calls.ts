/**
 * tools/call answered without the SDK's per-call machinery: its request-schema parse, an
 * asynchronous argument parse and the handler bookkeeping around a call that is synchronous
 * anyway (and over HTTP, see http/direct_post.ts, the transport's own per-request work). The
 * arguments are parsed with the same schema and the same callback answers, so the result is the
 * same. A message this does not answer goes on to the SDK as before, and its answer or error
 * reads the same: an unknown tool, arguments that fail their schema, a request shaped otherwise
 * than a plain call (a task, extra fields, an id or `_meta` the SDK refuses), any other method.
 * Order is kept: while a request sent earlier is still with the SDK (which answers after a few
 * microtasks), a call goes to the SDK too, so it cannot overtake it.
 */
import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
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
const _RELATED_TASK = "io.modelcontextprotocol/related-task";

export class DirectToolCalls {
  readonly #tools = new Map<string, { input: z.ZodType; answer: ToolAnswer }>();
  /** Requests handed to the SDK and not answered yet, by id (an id may repeat). */
  readonly #withSdk = new Map<string | number, number>();

  add(name: string, input: z.ZodType, answer: ToolAnswer): void {
    this.#tools.set(name, { input, answer });
  }

  /**
   * The response to `message` when it is a plain call of a known tool with valid arguments
   * and nothing sent before it is still with the SDK (the tool has run); undefined when the
   * SDK should have it.
   */
  answer(message: unknown): JSONRPCResultResponse | undefined {
    if (this.#withSdk.size > 0) return undefined;
    if (!_isPlainObject(message) || message["method"] !== "tools/call") return undefined;
    const id = message["id"];
    const params = message["params"];
    if (message["jsonrpc"] !== "2.0" || !_isRequestId(id) || !_isPlainObject(params)) {
      return undefined;
    }
    if (!_onlyKeys(message, _REQUEST_KEYS) || !_onlyKeys(params, _PARAM_KEYS)) return undefined;
    const args = params["arguments"];
    if (args !== undefined && !_isPlainObject(args)) return undefined;
    if (params["_meta"] !== undefined && !_isRequestMeta(params["_meta"])) return undefined;
    const name = params["name"];
    const tool = typeof name === "string" ? this.#tools.get(name) : undefined;
    if (tool === undefined) return undefined;
    let parsed;
    try {
      parsed = tool.input.safeParse(args ?? {});
    } catch {
      return undefined; // a schema that cannot be checked synchronously: the SDK's way
    }
    if (!parsed.success) return undefined;
    return { jsonrpc: "2.0", id, result: tool.answer(parsed.data) };
  }

  /**
   * Takes the transport's tools/call requests; call it once the server is connected. It also
   * notes which requests the SDK has and when it answers them (see above: order).
   */
  attach(transport: Transport): void {
    const toSdk = transport.onmessage;
    if (toSdk === undefined) throw new Error("connect the MCP server to the transport first");
    const send = transport.send.bind(transport);
    transport.send = (message: JSONRPCMessage, options?: TransportSendOptions) => {
      if ("id" in message && !("method" in message)) this.#answered(message.id);
      return send(message, options);
    };
    transport.onmessage = <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => {
      const response = this.answer(message);
      if (response !== undefined) {
        transport.send(response, { relatedRequestId: response.id })
          .catch(() => {}); // the client went away: nothing to answer
        return;
      }
      if ("id" in message && "method" in message) {
        this.#withSdk.set(message.id, (this.#withSdk.get(message.id) ?? 0) + 1);
      } else if ("method" in message && message.method === "notifications/cancelled") {
        // The SDK sends no answer to a request the client cancelled.
        const id = message.params?.["requestId"];
        if (typeof id === "string" || typeof id === "number") this.#answered(id);
      }
      toSdk(message, extra);
    };
  }

  /** The SDK answered request `id` (an error response may have no id). */
  #answered(id: string | number | undefined): void {
    if (id === undefined) return;
    const left = (this.#withSdk.get(id) ?? 0) - 1;
    if (left > 0) this.#withSdk.set(id, left);
    else this.#withSdk.delete(id);
  }
}

function _isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What the SDK takes as a request id: a string or a safe integer. */
function _isRequestId(value: unknown): value is string | number {
  return typeof value === "string" || Number.isSafeInteger(value);
}

/**
 * A `_meta` the SDK takes (its RequestMetaSchema): any fields, a progress token that is a string
 * or a safe integer, a related task with a string id. A progress token is honoured as the SDK's
 * tools/call honours it: no tool reports progress.
 */
function _isRequestMeta(value: unknown): boolean {
  if (!_isPlainObject(value)) return false;
  const token = value["progressToken"];
  if (token !== undefined && !_isRequestId(token)) return false;
  const task = value[_RELATED_TASK];
  return task === undefined || (_isPlainObject(task) && typeof task["taskId"] === "string");
}

function _onlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}
