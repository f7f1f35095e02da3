/**
 * The default command: one MCP server over stdin/stdout for one agent. It runs until the
 * client closes stdin (or a signal arrives), then closes the database cleanly.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import process from "node:process";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { Table } from "../core/table.ts";
import type { Session } from "../mcp/session.ts";
import { connectAs } from "../mcp/connect_binding.ts";
import { createMcpServer } from "../mcp/create_mcp_server.ts";
import { OutboxRelay } from "../notify/outbox_relay.ts";
import { runLifecycle } from "./lifecycle.ts";
import { localProcesses } from "./local_processes.ts";
import { runMaintenance } from "./maintenance.ts";
import { openTable, type TableDeps } from "./open_table.ts";

/** What a person who starts the stdio server in a terminal reads (it is not hung). */
export const STDIO_HINT = "team-table: the MCP server is waiting for an MCP client on stdin " +
  "(add it to your agent's MCP config; to try it by hand: npx @modelcontextprotocol/inspector " +
  "team-table). Ctrl-D or Ctrl-C stops it. Commands: team-table --help\n";

/** Whether another session took this session's name over (then this process ends). */
function _replaced(table: Table, session: Session, logger: Logger): boolean {
  if (session.agent === undefined) return false;
  try {
    const hold = table.members.heldElsewhere(session.agent, session.id);
    if (hold === undefined) return false;
    logger.warn(
      `'${session.agent}' was taken over by another session (${hold.where ?? "unknown"}); ` +
        "this one ends",
    );
    return true;
  } catch {
    return false; // a busy database: asked again next tick
  }
}

/** This process, for the name it holds (free at once if it dies); none without a host name. */
function _thisProcess(): { pid: number; host: string } | undefined {
  const host = localProcesses()?.host;
  return host === undefined ? undefined : { pid: Deno.pid, host };
}

/** Serves one agent over stdio until stdin ends or a signal arrives; see runLifecycle. */
export function runStdio(config: Config, deps: TableDeps & { logger: Logger }): Promise<void> {
  const logger = deps.logger;
  return runLifecycle(logger, async (life) => {
    const { db, table } = openTable(config, deps);
    life.defer("the database", () => db.close());
    const { server, session, push, toolList } = createMcpServer({
      table,
      logger,
      channel: config.channel,
      resourceUpdates: true,
      agent: config.agent,
      origin: {
        where: `stdio, pid ${Deno.pid}`,
        key: config.agentKey,
        process: _thisProcess(),
      },
    });
    life.defer("the MCP server", () => server.close());
    life.defer("the agent's name", () => void table.members.release(session.id));
    if (config.agent !== undefined) connectAs(table, session, config.agent);
    // New events for this session's agent: from this process at once, from others through
    // PRAGMA data_version (polled every 100 ms).
    const relay = new OutboxRelay({ table, backend: () => push, pollMs: 100, logger });
    relay.start();
    life.defer("the outbox relay", () => relay.stop());
    const transport = new StdioServerTransport();
    transport.onclose = () => life.stop("stdin closed");
    const onEnd = () => life.stop("stdin ended");
    process.stdin.once("end", onEnd);
    life.defer("the stdin listener", () => void process.stdin.off("end", onEnd));
    life.stopOnSignals();
    // Time-based rules (agent.idle) and the removal of expired shared context.
    life.every(config.tickMs, () => {
      runMaintenance(table, logger, () => [{ id: session.id }]);
      if (_replaced(table, session, logger)) life.stop("replaced by a newer session");
      // A role granted from elsewhere reaches the tool list within a tick.
      toolList.announceChanges();
    });
    await server.connect(transport);
    if (Deno.stdin.isTerminal()) Deno.stderr.writeSync(new TextEncoder().encode(STDIO_HINT));
    logger.debug(`stdio server ready on ${config.dbPath}`);
    await life.stopped();
  });
}
