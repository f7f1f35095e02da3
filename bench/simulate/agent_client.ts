/**
 * What one simulated agent sees of the table: an MCP client (stdio with the channel on, or
 * Streamable HTTP with its agent token and its `/events` stream), the tool results as a model
 * reads them, and the pushes it receives. Every call and push is written to the ledger.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Ledger, Role } from "./ledger.ts";
import { teamTableArgs } from "./processes.ts";
import { type Push, PushQueue } from "./push_queue.ts";
import { readSse } from "./sse_frames.ts";

const ChannelNotification = z.object({
  method: z.literal("notifications/claude/channel"),
  params: z.object({ content: z.string(), meta: z.record(z.string(), z.string()) }),
});

export interface Outcome {
  isError: boolean;
  /** The first text block: JSON on success, the message on error. */
  text: string;
  data: Record<string, unknown>;
  /** Characters of all its text blocks (the badge included). */
  chars: number;
}

export type Connection =
  | { kind: "stdio"; db: string; key: string }
  | { kind: "http"; url: string; key: string };

export class AgentClient {
  readonly pushes = new PushQueue();
  /** Unread messages, as the last result's badge said. */
  unread = 0;
  #client: Client | undefined;
  #transport: Transport | undefined;
  #events: AbortController | undefined;
  /** Where the push stream resumes after a reconnect (undefined: never connected). */
  #resumeAfter: number | undefined;

  constructor(
    readonly name: string,
    readonly role: Role,
    readonly connection: Connection,
    readonly ledger: Ledger,
  ) {
    ledger.join(name, role, connection.kind);
  }

  /** Opens the MCP session (and, over HTTP, the push stream, resuming after the last event). */
  async connect(): Promise<void> {
    const client = new Client({ name: `simulated-${this.role}`, version: "1.0.0" });
    if (this.connection.kind === "stdio") {
      const transport = new StdioClientTransport({
        command: Deno.execPath(),
        args: teamTableArgs(["--channel"]),
        env: {
          ...Deno.env.toObject(),
          TEAM_TABLE_DB: this.connection.db,
          TEAM_TABLE_AGENT: this.name,
          TEAM_TABLE_AGENT_KEY: this.connection.key,
        },
        stderr: "pipe",
      });
      transport.stderr?.on("data", () => {});
      client.setNotificationHandler(ChannelNotification, (notification: unknown) => {
        const { params } = ChannelNotification.parse(notification);
        const id = Number(params.meta["event_id"]);
        const type = params.meta["type"] ?? "";
        this.#received(id, type, {
          taskId: _num(params.meta["task_id"]),
          messageId: _num(params.meta["message_id"]),
          sender: params.meta["sender"],
          ackRequired: params.meta["ack_required"] === "true",
          status: type === "task_updated" ? /→ (\w+)$/.exec(params.content)?.[1] : undefined,
          text: params.content,
        });
      });
      this.#transport = transport;
    } else {
      const headers = { authorization: `Bearer ${this.connection.key}` };
      this.#transport = new StreamableHTTPClientTransport(new URL(`${this.connection.url}/mcp`), {
        requestInit: { headers },
      });
      await this.#listen(this.connection.url, headers);
    }
    await client.connect(this.#transport);
    this.#client = client;
  }

  /** The stdio server's process id (the fault injector kills it). */
  get pid(): number | null {
    return this.#transport instanceof StdioClientTransport ? this.#transport.pid : null;
  }

  /**
   * Calls a tool; records the call and the characters of its text blocks (unless `metered` is
   * false: retries the figures count apart).
   */
  async call(tool: string, args: Record<string, unknown> = {}, metered = true): Promise<Outcome> {
    if (this.#client === undefined) throw new Error(`${this.name} is not connected`);
    const result: CallToolResult = await this.#client.callTool(
      { name: tool, arguments: args },
      CallToolResultSchema,
    );
    const texts = result.content.flatMap((block: CallToolResult["content"][number]) =>
      block.type === "text" ? [block.text] : []
    );
    const chars = texts.reduce((sum: number, text: string) => sum + text.length, 0);
    const data = (result.structuredContent ?? {}) as Record<string, unknown>;
    const onTask = "task_id" in args || (tool === "next_task" && data["claimed"] === true);
    if (metered) this.ledger.call(this.name, tool, chars, onTask);
    if (Deno.env.get("SIM_TRACE")) {
      console.error(
        `${Date.now() % 100000} ${this.name} ${tool} ${JSON.stringify(args).slice(0, 80)} -> ${
          texts.join(" | ").slice(0, 300)
        }`,
      );
    }
    const unread = data["unread"] as { count?: number } | undefined;
    this.unread = unread?.count ?? 0;
    return { isError: result.isError === true, text: texts[0] ?? "", data, chars };
  }

  /** Calls a tool that must succeed. */
  async ok(tool: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const outcome = await this.call(tool, args);
    if (outcome.isError) throw new Error(`${this.name}: ${tool} failed: ${outcome.text}`);
    return outcome.data;
  }

  /** Lists tools as a client does, and records the size of the answer. */
  async listTools(): Promise<void> {
    const { tools } = await this.#client!.listTools();
    this.ledger.used(this.name).toolsListBytes = new TextEncoder().encode(
      JSON.stringify({ tools }),
    ).length;
  }

  /** From now on pushes to this agent can arrive (stdio: the session is bound). */
  listening(): void {
    if (this.connection.kind === "stdio") {
      this.ledger.windows.get(this.name)!.push({ fromAt: Date.now() });
    }
  }

  /** Pushes stop at `at` (a killed stdio process). */
  deaf(at: number): void {
    const window = this.ledger.windows.get(this.name)!.at(-1);
    if (window !== undefined && window.toAt === undefined) window.toAt = at;
  }

  /** Leaves without a goodbye: the transport and the push stream close, no DELETE. */
  async drop(): Promise<void> {
    this.#events?.abort();
    await this.#client?.close().catch(() => {});
    this.#client = undefined;
  }

  /** Ends the session as a client that is done does (HTTP: DELETE). */
  async close(): Promise<void> {
    if (this.#transport instanceof StreamableHTTPClientTransport) {
      await this.#transport.terminateSession().catch(() => {});
    }
    await this.drop();
  }

  async #listen(url: string, headers: Record<string, string>): Promise<void> {
    const abort = new AbortController();
    this.#events = abort;
    const response = await fetch(`${url}/events/${encodeURIComponent(this.name)}`, {
      headers: this.#resumeAfter === undefined
        ? headers
        : { ...headers, "last-event-id": String(this.#resumeAfter) },
      signal: abort.signal,
    });
    if (!response.ok || !response.body) throw new Error(`/events: ${response.status}`);
    const connected = Promise.withResolvers<void>();
    void readSse(response.body, (frame) => {
      const data = JSON.parse(frame.data) as Record<string, unknown>;
      if (frame.event === "connected") {
        const afterId = Number(data["last_event_id"]);
        this.#resumeAfter = Math.max(this.#resumeAfter ?? 0, afterId);
        this.ledger.windows.get(this.name)!.push({ fromAt: Date.now(), afterId });
        connected.resolve();
        return;
      }
      if (frame.id === undefined) return;
      const task = data["task"] as { id?: number; status?: string } | undefined;
      const message = data["message"] as
        | {
          id?: number;
          task_id?: number;
          sender?: string;
          ack_required?: boolean;
          content?: string;
        }
        | undefined;
      this.#received(Number(frame.id), frame.event, {
        taskId: task?.id ?? message?.task_id,
        messageId: message?.id,
        status: task?.status,
        sender: message?.sender ?? (typeof data["by"] === "string" ? data["by"] : undefined),
        ackRequired: message?.ack_required === true,
        text: message?.content,
        task: task as Record<string, unknown> | undefined,
      });
    }, abort.signal).catch(() => {}).finally(() => connected.resolve());
    await connected.promise;
  }

  #received(id: number, type: string, about: Omit<Push, "id" | "type">): void {
    this.#resumeAfter = Math.max(this.#resumeAfter ?? 0, id);
    this.ledger.received.get(this.name)!.push(id);
    this.pushes.add({ id, type, ...about });
  }
}

function _num(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}
