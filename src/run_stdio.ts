/**
 * The default command: one MCP server over stdin/stdout for one agent. It runs until the
 * client closes stdin (or a signal arrives), then closes the database cleanly.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import process from "node:process";
import type { Config } from "./config.ts";
import type { Logger } from "./log.ts";
import { openTable } from "./open_table.ts";
import type { CompiledRule } from "./core/rules/rule_definition.ts";
import type { RoleCatalog } from "./core/role_catalog.ts";
import { createMcpServer } from "./mcp/create_mcp_server.ts";
import { runMaintenance } from "./maintenance.ts";
import { OutboxRelay } from "./notify/outbox_relay.ts";

export async function runStdio(
  config: Config,
  deps: { logger: Logger; roles: RoleCatalog; rules: readonly CompiledRule[] },
): Promise<void> {
  const logger = deps.logger;
  const { db, table } = openTable(config, deps);
  const { server, push } = createMcpServer({ table, logger, channel: config.channel });
  // New events for this session's agent: from this process at once, from others through
  // PRAGMA data_version (polled every 100 ms).
  const relay = new OutboxRelay({ table, backend: () => push, pollMs: 100, logger });
  relay.start();
  const transport = new StdioServerTransport();
  const closed = Promise.withResolvers<void>();
  transport.onclose = () => closed.resolve();
  process.stdin.once("end", () => closed.resolve());
  const onSignal = () => closed.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  // Time-based rules (agent.idle) and the removal of expired shared context.
  const sweep = setInterval(() => runMaintenance(table, logger), config.tickMs);
  await server.connect(transport);
  logger.debug(`stdio server ready on ${config.dbPath}`);
  await closed.promise;
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  clearInterval(sweep);
  relay.stop();
  await server.close().catch(() => {});
  db.close();
}
