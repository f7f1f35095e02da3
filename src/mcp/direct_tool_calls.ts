/**
 * tools/call answered straight from the session's transport. The SDK's way (its request-schema
 * parse, an asynchronous argument parse, the handler bookkeeping around a call that is
 * synchronous anyway) cost about 100 µs of a stdio call's ~840 µs of server CPU. The arguments
 * are parsed with the same schema and the same callback answers, so the result is the same.
 * A call this does not answer goes on to the SDK as before, and its error reads the same: an
 * unknown tool, arguments that fail their schema, a task-augmented request.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type {
  CallToolResult,
  JSONRPCMessage,
  MessageExtraInfo,
} from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";

/** A tool's callback: it takes parsed arguments and never throws (register_tool.ts). */
export type ToolAnswer = (args: unknown) => CallToolResult;

export class DirectToolCalls {
  readonly #tools = new Map<string, { input: z.ZodType; answer: ToolAnswer }>();

  add(name: string, input: z.ZodType, answer: ToolAnswer): void {
    this.#tools.set(name, { input, answer });
  }

  /** Takes the session's tools/call requests; call it once the server is connected. */
  attach(transport: Transport): void {
    const toSdk = transport.onmessage;
    if (toSdk === undefined) throw new Error("connect the MCP server to the transport first");
    transport.onmessage = <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => {
      if (!this.#answer(transport, message)) toSdk(message, extra);
    };
  }

  /** Answers `message` when it is a call of a known tool with valid arguments. */
  #answer(transport: Transport, message: JSONRPCMessage): boolean {
    if (!("method" in message) || message.method !== "tools/call" || !("id" in message)) {
      return false;
    }
    const params = message.params;
    if (params === undefined || "task" in params) return false;
    const name = params["name"];
    const tool = typeof name === "string" ? this.#tools.get(name) : undefined;
    if (tool === undefined) return false;
    const parsed = tool.input.safeParse(params["arguments"] ?? {});
    if (!parsed.success) return false;
    const result = tool.answer(parsed.data);
    transport.send({ jsonrpc: "2.0", id: message.id, result }, { relatedRequestId: message.id })
      .catch(() => {}); // the client went away: nothing to answer
    return true;
  }
}
