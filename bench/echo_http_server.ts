/**
 * The MCP floor over Streamable HTTP: a bare SDK server with one `echo` tool, one transport
 * per session, on Deno.serve. Prints its port on stdout.
 *   --db PATH  `echo` also writes what a direct message writes, in one raw transaction (from
 *              `from` to `to`: a and b when not given)
 *   --json     answers each POST with JSON instead of an SSE stream
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { z } from "zod";
import { floorWriter } from "./floor_transaction.ts";

const dbAt = Deno.args.indexOf("--db");
const write = dbAt >= 0 ? floorWriter(Deno.args[dbAt + 1]!) : undefined;
const json = Deno.args.includes("--json");
const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();

function newServer(): McpServer {
  const server = new McpServer({ name: "echo", version: "1.0.0" });
  server.registerTool("echo", {
    description: "Echoes its text",
    inputSchema: { text: z.string(), from: z.string().optional(), to: z.string().optional() },
  }, ({ text, from, to }: { text: string; from?: string | undefined; to?: string | undefined }) => {
    write?.(from ?? "a", to ?? "b", text);
    return { content: [{ type: "text", text }] };
  });
  return server;
}

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, async (req) => {
  const id = req.headers.get("mcp-session-id");
  const existing = id === null ? undefined : sessions.get(id);
  if (existing) return await existing.handleRequest(req);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
    enableJsonResponse: json,
    onsessioninitialized: (sid: string) => {
      sessions.set(sid, transport);
    },
  });
  await newServer().connect(transport);
  return await transport.handleRequest(req);
});
