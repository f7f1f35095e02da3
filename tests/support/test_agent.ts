/**
 * A real MCP client (the SDK's Client) connected to team-table: in process over the SDK's
 * in-memory transport (tool behaviour: fast, no process), over stdio to a spawned `main.ts`, or
 * over Streamable HTTP or legacy SSE to a running `serve`. Every kind has the same interface, so
 * a test can switch.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Table } from "../../src/core/table.ts";
import { createLogger } from "../../src/log.ts";
import { createMcpServer, type McpServerDeps } from "../../src/mcp/create_mcp_server.ts";
import { PERMISSION_FLAGS } from "../../scripts/permissions.ts";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { checkResult } from "./result_check.ts";

export const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/**
 * The command line that runs team-table: the compiled binary when TEAM_TABLE_BIN names one (the
 * release workflow tests it this way), else `deno run` from source with the same narrow
 * permissions the binary gets, so every end-to-end test also proves those are enough.
 */
export function teamTableCommand(extraArgs: string[] = []): { command: string; args: string[] } {
  const bin = Deno.env.get("TEAM_TABLE_BIN");
  if (bin) return { command: bin, args: extraArgs };
  return {
    command: Deno.execPath(),
    args: ["run", "--quiet", ...PERMISSION_FLAGS, MAIN, ...extraArgs],
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `team-table ARGS` to completion (stdin closed) with every permission the commands use;
 * `env` is added to the environment.
 */
export async function runTeamTable(
  args: string[],
  env: Record<string, string> = {},
): Promise<CommandResult> {
  const { command, args: full } = teamTableCommand(args);
  const out = await new Deno.Command(command, {
    args: full,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/**
 * `team-table members grant NAME ROLE` on `dbPath`; returns the credential it printed (a
 * privileged role comes with one), to start the agent with --agent and TEAM_TABLE_AGENT_KEY.
 */
export async function grantRole(dbPath: string, name: string, role: string): Promise<string> {
  const out = await runTeamTable(["members", "grant", name, role], { TEAM_TABLE_DB: dbPath });
  const credential = out.stdout.match(/credential: (ttk_\S+)/)?.[1];
  if (out.code !== 0 || credential === undefined) {
    throw new Error(`members grant ${name} ${role} gave no credential: ${out.stdout}${out.stderr}`);
  }
  return credential;
}

/** The environment that starts a stdio server as `name`, holding its credential. */
export function agentEnv(name: string, credential: string): Record<string, string> {
  return { TEAM_TABLE_AGENT: name, TEAM_TABLE_AGENT_KEY: credential };
}

export interface ToolOutcome {
  isError: boolean;
  /** The first text block (JSON for successes, the message for errors). */
  text: string;
  /** All text blocks. */
  texts: string[];
  structured: Record<string, unknown> | undefined;
}

export class TestAgent {
  readonly client: Client;
  readonly #transport: Transport;
  /** What else closes with the client (an in-process agent's server). */
  #onClose: () => Promise<void> = () => Promise.resolve();
  /** The last of what a stdio server wrote to stderr (read, so the pipe never fills). */
  #stderr = "";

  private constructor(client: Client, transport: Transport) {
    this.client = client;
    this.#transport = transport;
  }

  static async #connect(transport: Transport): Promise<TestAgent> {
    const agent = new TestAgent(
      new Client({ name: "team-table-test", version: "1.0.0" }),
      transport,
    );
    if (transport instanceof StdioClientTransport) {
      transport.stderr?.on("data", (chunk: Uint8Array | string) => {
        const text = typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
        agent.#stderr = (agent.#stderr + text).slice(-4_000);
      });
    }
    await agent.client.connect(transport);
    return agent;
  }

  /** What the stdio server last wrote to stderr (empty for HTTP agents). */
  stderr(): string {
    return this.#stderr;
  }

  /**
   * A session on `table` in this process, over the SDK's in-memory transport: the same server
   * a stdio or HTTP connection gets (createMcpServer), without the process. Agents made on one
   * table share it, as HTTP sessions of one `serve` do.
   */
  static async inProcess(
    table: Table,
    options: Omit<McpServerDeps, "table" | "logger"> = {},
  ): Promise<TestAgent> {
    const { server } = createMcpServer({ table, logger: createLogger("error"), ...options });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const agent = await TestAgent.#connect(clientSide);
    agent.#onClose = () => server.close();
    return agent;
  }

  /** Spawns `main.ts` (stdio) on `dbPath`. */
  static stdio(dbPath: string, extraEnv: Record<string, string> = {}): Promise<TestAgent> {
    const { command, args } = teamTableCommand();
    return TestAgent.#connect(
      new StdioClientTransport({
        command,
        args,
        env: { ...Deno.env.toObject(), TEAM_TABLE_DB: dbPath, ...extraEnv },
        stderr: "pipe",
      }),
    );
  }

  /** Streamable HTTP to `${baseUrl}/mcp`. */
  static http(baseUrl: string, token: string): Promise<TestAgent> {
    return TestAgent.#connect(
      new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
  }

  /**
   * Legacy HTTP+SSE to `${baseUrl}/sse`. `tokenIn: "query"`: the token only as `/sse?token=`, no
   * header on any request, as a client that cannot set headers connects (its POSTs go to the
   * endpoint URL the server announces, and to nothing else).
   */
  static sse(
    baseUrl: string,
    token: string,
    options: { tokenIn?: "header" | "query" } = {},
  ): Promise<TestAgent> {
    if (options.tokenIn === "query") {
      return TestAgent.#connect(
        new SSEClientTransport(new URL(`${baseUrl}/sse?token=${encodeURIComponent(token)}`)),
      );
    }
    const headers = { authorization: `Bearer ${token}` };
    return TestAgent.#connect(
      new SSEClientTransport(new URL(`${baseUrl}/sse`), {
        requestInit: { headers },
        eventSourceInit: {
          fetch: (url: string | URL, init?: RequestInit) =>
            fetch(url, {
              ...init,
              headers: { ...Object.fromEntries(new Headers(init?.headers)), ...headers },
            }),
        },
      }),
    );
  }

  /** Calls a tool and returns its outcome; protocol errors throw. */
  async call(name: string, args: Record<string, unknown> = {}): Promise<ToolOutcome> {
    let result: CallToolResult;
    try {
      result = await this.client.callTool({ name, arguments: args }, CallToolResultSchema);
    } catch (error) {
      // A server that went away says why on its stderr: keep it with the error.
      if (this.#stderr === "") throw error;
      throw new Error(`${name}: ${error}; the server's stderr ends with:\n${this.#stderr}`);
    }
    if (result.isError !== true) {
      checkResult(name, result.structuredContent as Record<string, unknown> | undefined);
    }
    const texts = result.content.flatMap((block: CallToolResult["content"][number]) =>
      block.type === "text" ? [block.text] : []
    );
    return {
      isError: result.isError === true,
      text: texts[0] ?? "",
      texts,
      structured: result.structuredContent,
    };
  }

  /** Calls a tool that must succeed, and returns its structured content. */
  async ok(name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const outcome = await this.call(name, args);
    if (outcome.isError || !outcome.structured) {
      throw new Error(`${name} failed: ${outcome.text}`);
    }
    return outcome.structured;
  }

  /** The tools the server lists. */
  async tools(): Promise<Tool[]> {
    const result: { tools: Tool[] } = await this.client.listTools();
    return result.tools;
  }

  /** The Streamable HTTP session id, once the session began (undefined on stdio and SSE). */
  sessionId(): string | undefined {
    return this.#transport instanceof StreamableHTTPClientTransport
      ? this.#transport.sessionId
      : undefined;
  }

  /** The pid of the stdio server process (undefined over HTTP). */
  pid(): number | undefined {
    return this.#transport instanceof StdioClientTransport
      ? this.#transport.pid ?? undefined
      : undefined;
  }

  /** Ends a Streamable HTTP session with DELETE, as a client that is done would. */
  async terminate(): Promise<void> {
    if (this.#transport instanceof StreamableHTTPClientTransport) {
      await this.#transport.terminateSession();
    }
    await this.close();
  }

  async close(): Promise<void> {
    await this.client.close();
    await this.#transport.close();
    await this.#onClose();
  }
}

/** A fresh temp folder with a database path inside; remove it with `cleanup`. */
export async function tempDb(): Promise<{ dir: string; path: string; cleanup(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "team-table-test-" });
  return {
    dir,
    path: `${dir}/team_table.db`,
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}
