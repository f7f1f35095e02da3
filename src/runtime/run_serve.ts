/**
 * `team-table serve`: one Deno.serve process for agents on several machines. MCP over
 * Streamable HTTP (/mcp) and legacy SSE (/sse), push events (/events/{agent}), /health.
 * SIGINT/SIGTERM stop accepting, end the streams, checkpoint and close the database, exit 0.
 * A port that is taken fails start-up at once, and what was started is torn down again.
 */
import { ConfigError, type ServeConfig } from "../config.ts";
import { loadOrCreateToken } from "../http/access_token.ts";
import { createHandler } from "../http/create_handler.ts";
import type { Logger } from "../log.ts";
import { configureNotifications, notificationBackend } from "../notify/notification_backend.ts";
import { OutboxRelay } from "../notify/outbox_relay.ts";
import { SSENotificationBackend } from "../notify/sse_notification_backend.ts";
import { ServeMetrics } from "../http/serve_metrics.ts";
import { type Lifecycle, runLifecycle } from "./lifecycle.ts";
import { runMaintenance } from "./maintenance.ts";
import { openTable, type TableDeps } from "./open_table.ts";
import { localProcesses } from "./local_processes.ts";
import { lanNames, serveBanner, serveBase } from "./serve_banner.ts";
import { readTlsFiles } from "./tls_files.ts";

/** Events older than this are pruned; a Last-Event-ID replay reaches back at most this far. */
export const EVENT_RETENTION_MS = 7 * 24 * 3_600_000;

/** Serves the table over HTTP until a signal arrives; see runLifecycle for start and stop. */
export function runServe(config: ServeConfig, deps: TableDeps & { logger: Logger }): Promise<void> {
  const logger = deps.logger;
  return runLifecycle(logger, async (life) => {
    const { db, table } = openTable(config, deps);
    life.defer("the database", () => {
      db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      db.close();
      if (life.signal.aborted) logger.info("stopped; database checkpointed and closed");
    });
    const token = config.noAuth ? undefined : loadOrCreateToken(config.dbPath, config.token);
    const join = config.joinToken === undefined || config.noAuth ? undefined : loadOrCreateToken(
      config.dbPath,
      config.joinToken === "file" ? undefined : config.joinToken,
      "join_token",
    );
    const backend = new SSENotificationBackend({ heartbeatMs: config.heartbeatMs, logger });
    configureNotifications(backend);
    const metrics = config.metrics ? new ServeMetrics() : undefined;
    const handler = createHandler({
      table,
      logger,
      backend,
      token: token?.token,
      bindHost: config.host,
      allowOrigins: [...config.allowOrigins, ...lanNames(config.host)],
      sessionIdleMs: config.sessionIdleMs,
      sessionCaps: {
        total: config.maxSessions,
        // Without auth every session shares one caller: a per-credential cap would end the
        // sessions of other agents, so only the total applies.
        perCredential: config.noAuth ? config.maxSessions : config.maxSessionsPerCredential,
      },
      bodyTimeoutMs: config.bodyTimeoutMs,
      dbPath: config.dbPath,
      operator: config.operator,
      joinToken: join?.token,
      metrics,
    });
    const server = _listen(config, { life, fetch: (req, info) => handler.fetch(req, info) });
    const addr = await server.listening;
    // Where it listens, for web-link on the same database; cleared when it stops.
    const self = { pid: Deno.pid, host: localProcesses()?.host ?? "" };
    table.serveAddress.record({ url: serveBase(config, addr), ...self });
    life.defer("the recorded address", () => table.serveAddress.clear(self));
    life.defer("the streams and sessions", async () => {
      await handler.close();
      // Let the server write the end of each closed stream before it stops accepting.
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    // Only now that it listens: the relay, the signals (before the banner, so that a SIGTERM
    // right after it still shuts down cleanly) and the periodic work.
    const relay = new OutboxRelay({ table, backend: notificationBackend, logger });
    relay.start();
    if (metrics) metrics.delivered = () => relay.deliveredId;
    life.defer("the outbox relay", () => relay.stop());
    life.stopOnSignals();
    // Not a log line: the token and URLs are printed whatever the log level.
    const banner = serveBanner(config, addr, {
      token,
      join,
      keyless: table.members.list({ includeInactive: true })
        .filter((m) => table.roles.get(m.role).privileged && !m.has_credential)
        .map((m) => m.name),
      signInCode: handler.issueSignInCode(),
    });
    Deno.stderr.writeSync(new TextEncoder().encode(`${banner}\n`));
    life.every(Math.min(config.heartbeatMs, 60_000), () => {
      handler.sseSessions.pingAll();
      handler.refusals.flush();
      // A role granted from elsewhere reaches the agent's tool list within a heartbeat.
      handler.mcpSessions.announceToolLists();
      handler.sseSessions.announceToolLists();
    });
    // Idle sessions end within a quarter of --session-idle after it (at most a minute late).
    life.every(Math.max(100, Math.min(config.sessionIdleMs / 4, 60_000)), () => {
      void handler.mcpSessions.sweepIdle();
      void handler.sseSessions.sweepIdle();
    });
    life.every(60_000, () => handler.auditSignInFailures());
    life.every(config.tickMs, () => {
      runMaintenance(
        table,
        logger,
        () => [
          ...handler.mcpSessions.sessionsSeen(),
          ...handler.sseSessions.sessionIds().map((id) => ({ id })),
        ],
        () => backend.connectedAgents(),
      );
      void handler.mcpSessions.endReplaced();
      void handler.sseSessions.endReplaced();
    });
    life.every(3_600_000, () => {
      try {
        table.tx.run(() => table.events.prune(table.clock.now() - EVENT_RETENTION_MS));
      } catch (error) {
        logger.warn(`event pruning failed: ${error instanceof Error ? error.message : error}`);
      }
    });
    const reason = await Promise.race([life.stopped(), server.finished.then(() => "stopped")]);
    life.stop(reason);
    logger.info(`${reason}: shutting down`);
  });
}

/**
 * Starts Deno.serve and registers its shutdown. A taken port throws AddrInUse with one line
 * that says what to do.
 */
function _listen(
  config: ServeConfig,
  options: { life: Lifecycle; fetch: Deno.ServeHandler<Deno.NetAddr> },
): { listening: Promise<Deno.NetAddr>; finished: Promise<void> } {
  const abort = new AbortController();
  const listening = Promise.withResolvers<Deno.NetAddr>();
  let server: Deno.HttpServer<Deno.NetAddr>;
  const tls = config.tls === undefined ? {} : readTlsFiles(config.tls);
  try {
    server = Deno.serve({
      hostname: config.host,
      port: config.port,
      signal: abort.signal,
      onListen: (addr) => listening.resolve(addr),
      ...tls,
    }, options.fetch);
  } catch (error) {
    if (config.tls !== undefined && !(error instanceof Deno.errors.AddrInUse)) {
      throw new ConfigError(
        `cannot serve HTTPS with --tls-cert ${config.tls.certFile} and --tls-key ` +
          `${config.tls.keyFile}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    throw new Deno.errors.AddrInUse(
      `cannot listen on ${config.host}:${config.port}: the address is already in use ` +
        "(another team-table serve? choose another --port)",
    );
  }
  options.life.defer("the HTTP server", async () => {
    abort.abort();
    await server.finished;
  });
  return { listening: listening.promise, finished: server.finished };
}
