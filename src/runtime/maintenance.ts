/**
 * The periodic work every long-running process does (stdio or serve): show that its sessions
 * and event streams are alive (they keep their names, tasks and leases), give the open tasks of agents away too long back to the
 * board, evaluate time-based rules (agent.idle), remove expired shared context and end file
 * leases that ran out (or whose task or holder went). The database coordinates processes,
 * so several doing it at once is safe. A failure (a busy database) is logged and retried.
 * How often: TEAM_TABLE_TICK seconds (default 15).
 */
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";

/** One round of the periodic work; errors are logged, never thrown. */
export function runMaintenance(
  table: Table,
  logger: Logger,
  liveSessions: () => readonly { id: string; at?: number }[] = () => [],
  liveAgents: () => readonly string[] = () => [],
): void {
  try {
    table.members.refresh(liveSessions(), liveAgents());
    const released = table.departures.releaseAbandoned();
    if (released.length > 0) logger.info(`${released.length} abandoned task(s) back to pending`);
    const fired = table.ruleEngine.tick();
    if (fired > 0) logger.debug(`time-based rules fired ${fired} time(s)`);
    table.context.sweepExpired();
    const ended = table.leases.endLapsed();
    if (ended > 0) logger.debug(`${ended} file lease(s) ended`);
  } catch (error) {
    logger.warn(`maintenance failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
