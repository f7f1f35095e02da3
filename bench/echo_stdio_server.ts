/**
 * The MCP floor over stdio: a bare SDK McpServer with one `echo` tool. Given a database path,
 * `echo` also writes what a direct message from `from` to `to` (a and b when not given) writes,
 * in one raw transaction (the composite floor).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { floorWriter } from "./floor_transaction.ts";

const write = Deno.args[0] ? floorWriter(Deno.args[0]) : undefined;
const server = new McpServer({ name: "echo", version: "1.0.0" });
server.registerTool("echo", {
  description: "Echoes its text",
  inputSchema: { text: z.string(), from: z.string().optional(), to: z.string().optional() },
}, ({ text, from, to }: { text: string; from?: string | undefined; to?: string | undefined }) => {
  write?.(from ?? "a", to ?? "b", text);
  return { content: [{ type: "text", text }] };
});
await server.connect(new StdioServerTransport());
