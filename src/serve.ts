/**
 * `team-table serve`: one Deno.serve process for agents on several machines. MCP over
 * Streamable HTTP (/mcp) and legacy SSE (/sse), push events (/events/{agent}), /health.
 * SIGINT/SIGTERM stop accepting, end the streams, checkpoint and close the database, exit 0.
 */
import type { ServeConfig } from "./config.ts";
import { loadOrCreateToken } from "./http/access_token.ts";
import { createHandler } from "./http/create_handler.ts";
import type { Logger } from "./log.ts";
import { openTable } from "./open_table.ts";
import type { CompiledRule } from "./core/rules/rule_definition.ts";
import type { RoleCatalog } from "./core/role_catalog.ts";
import { configureNotifications } from "./notify/notification_backend.ts";
import { notificationBackend } from "./notify/notification_backend.ts";
import { OutboxRelay } from "./notify/outbox_relay.ts";
import { SSENotificationBackend } from "./notify/sse_notification_backend.ts";
import { VERSION } from "./version.ts";
import { runMaintenance } from "./maintenance.ts";

/** Events older than this are pruned; a Last-Event-ID replay reaches back at most this far. */
export const EVENT_RETENTION_MS = 7 * 24 * 3_600_000;

export async function runServe(
  config: ServeConfig,
  deps: { logger: Logger; roles: RoleCatalog; rules: readonly CompiledRule[] },
): Promise<void> {
  const logger = deps.logger;
  const { db, table } = openTable(config, deps);
  const token = config.noAuth ? undefined : loadOrCreateToken(config.dbPath, config.token);
  const backend = new SSENotificationBackend({ heartbeatMs: config.heartbeatMs });
  configureNotifications(backend);
  const relay = new OutboxRelay({ table, backend: notificationBackend, logger });
  relay.start();
  const handler = createHandler({
    table,
    logger,
    backend,
    token: token?.token,
    bindHost: config.host,
    allowOrigins: [...config.allowOrigins, ..._lanNames(config.host)],
    sessionIdleMs: config.sessionIdleMs,
    dbPath: config.dbPath,
    operator: config.operator,
  });

  // Listen for signals before announcing the server: a SIGTERM right after the banner must
  // still shut down cleanly.
  const signalled = Promise.withResolvers<string>();
  const onSigint = () => signalled.resolve("SIGINT");
  const onSigterm = () => signalled.resolve("SIGTERM");
  Deno.addSignalListener("SIGINT", onSigint);
  Deno.addSignalListener("SIGTERM", onSigterm);
  const stop = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    signal: stop.signal,
    onListen: (addr) => listening.resolve(addr),
  }, (req, info) => handler.fetch(req, info));
  const addr = await listening.promise;
  logger.info(_banner(config, addr, token));

  const sessions = setInterval(() => {
    void handler.mcpSessions.sweepIdle();
    handler.sseSessions.pingAll();
  }, Math.min(config.heartbeatMs, 60_000));
  const maintenance = setInterval(() => runMaintenance(table, logger), config.tickMs);
  const pruning = setInterval(() => {
    try {
      table.tx.run(() => table.events.prune(Date.now() - EVENT_RETENTION_MS));
    } catch (error) {
      logger.warn(`event pruning failed: ${error instanceof Error ? error.message : error}`);
    }
  }, 3_600_000);

  const reason = await Promise.race([signalled.promise, server.finished.then(() => "stopped")]);
  logger.info(`${reason}: shutting down`);
  Deno.removeSignalListener("SIGINT", onSigint);
  Deno.removeSignalListener("SIGTERM", onSigterm);
  clearInterval(sessions);
  clearInterval(maintenance);
  clearInterval(pruning);
  await handler.close();
  // Let the server write the end of each closed stream before it stops accepting.
  await new Promise((resolve) => setTimeout(resolve, 100));
  stop.abort();
  await server.finished;
  relay.stop();
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  logger.info("stopped; database checkpointed and closed");
}

function _banner(
  config: ServeConfig,
  addr: Deno.NetAddr,
  token: { token: string; source: string; path: string | undefined } | undefined,
): string {
  const shownHost = addr.hostname === "0.0.0.0" || addr.hostname === "::"
    ? _lanName()
    : addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  const base = `http://${shownHost}:${addr.port}`;
  const auth = token
    ? `  access token:          ${token.token} (${
      token.source === "env"
        ? "from TEAM_TABLE_TOKEN"
        : token.source === "created"
        ? `new, saved to ${token.path}`
        : `from ${token.path}`
    })`
    : "  access token:          none (--no-auth, loopback only)";
  const header = token ? ` --header "Authorization: Bearer ${token.token}"` : "";
  return [
    `team-table ${VERSION} serve: listening on ${base} (database ${config.dbPath})`,
    `  MCP, Streamable HTTP:  ${base}/mcp`,
    `  MCP, legacy SSE:       ${base}/sse`,
    `  push events:           ${base}/events/{agent}`,
    `  health:                ${base}/health`,
    token
      ? `  web view (signs in):   ${base}/login?token=${encodeURIComponent(token.token)}`
      : `  web view:              ${base}/`,
    auth,
    "Add it to Claude Code:",
    `  claude mcp add --transport http team-table ${base}/mcp${header}`,
    "Add it to Codex:",
    token
      ? `  export TEAM_TABLE_TOKEN=${token.token}\n` +
        `  codex mcp add team-table --url ${base}/mcp --bearer-token-env-var TEAM_TABLE_TOKEN`
      : `  codex mcp add team-table --url ${base}/mcp`,
  ].join("\n");
}

/** When bound to every interface, the machine's own names and addresses are allowed hosts. */
function _lanNames(host: string): string[] {
  if (host !== "0.0.0.0" && host !== "::") return [];
  const names: string[] = [];
  try {
    names.push(Deno.hostname());
    for (const nic of Deno.networkInterfaces()) names.push(nic.address);
  } catch {
    // without --allow-sys only --allow-origin entries and loopback are allowed
  }
  return names;
}

function _lanName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "0.0.0.0";
  }
}
