/**
 * `team-table poll <agent>`: the stdio fallback for push. Watches the agent's events in the
 * shared database and prints each new one as a line (or a JSON line), optionally runs a
 * command per event, and optionally acknowledges direct messages automatically (see
 * auto_reply.ts for the safety rules). `--once` prints what is new since the last poll and exits.
 */
import { agentActor } from "../../core/actor.ts";
import type { PollConfig } from "../../config.ts";
import type { TableEvent } from "../../core/event_outbox.ts";
import { TableError } from "../../core/errors.ts";
import type { Table } from "../../core/table.ts";
import { describeEvent } from "../../format/describe_event.ts";
import type { Logger } from "../../log.ts";
import { toPushEvent } from "../../notify/outbox_relay.ts";
import { runLifecycle } from "../../runtime/lifecycle.ts";
import { openTable, type TableDeps } from "../../runtime/open_table.ts";
import { AutoReplyPolicy } from "./auto_reply.ts";

export interface PollIo {
  /** Writes one line of output (stdout). */
  print(line: string): void;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemPollIo: PollIo = {
  print: (line) => console.log(line),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
};

/**
 * Prints the agent's new events until stopped (deps.signal, else SIGINT/SIGTERM), or once
 * with --once; returns the exit code. The poll cursor is kept in the database.
 */
export function runPoll(
  config: PollConfig,
  deps: TableDeps & { logger: Logger; io?: PollIo; signal?: AbortSignal },
): Promise<number> {
  const { logger } = deps;
  const io = deps.io ?? systemPollIo;
  return runLifecycle(logger, async (life) => {
    if (!deps.signal) life.stopOnSignals();
    const stopSignal = deps.signal ?? life.signal;
    const { db, table } = openTable(config, deps, { mustExist: true });
    life.defer("the database", () => db.close());
    let agent: string;
    try {
      agent = table.members.require(config.agent, "agent").name;
    } catch (error) {
      if (!(error instanceof TableError)) throw error;
      logger.error(error.message);
      return 1;
    }
    const policy = config.autoReply ? new AutoReplyPolicy(agent, config.maxReplies) : undefined;
    let cursor = table.pollCursors.get(agent) ?? _firstCursor(table, agent);
    if (!config.once) {
      logger.info(`watching ${agent}'s events every ${config.intervalMs / 1000} s (Ctrl-C stops)`);
    }
    for (;;) {
      for (const event of table.events.forAgent(agent, cursor)) {
        await _handle({ event, table, agent, config, io, logger, policy });
        cursor = event.id;
      }
      table.pollCursors.set(agent, cursor);
      if (config.once || stopSignal.aborted) return 0;
      await io.sleep(config.intervalMs, stopSignal);
      if (stopSignal.aborted) return 0;
    }
  });
}

/** A first poll starts at the agent's oldest unread message, so what is unread is shown. */
function _firstCursor(table: Table, agent: string): number {
  const oldestUnread = table.messages.oldestUnreadAt(agent);
  return oldestUnread === undefined
    ? table.events.latestId()
    : table.events.cursorBefore(agent, oldestUnread);
}

async function _handle(ctx: {
  event: TableEvent;
  table: Table;
  agent: string;
  config: PollConfig;
  io: PollIo;
  logger: Logger;
  policy: AutoReplyPolicy | undefined;
}): Promise<void> {
  const { event, config, io } = ctx;
  const json = JSON.stringify(toPushEvent(event).data);
  io.print(config.json ? json : `${event.at} ${describeEvent(event)}`);
  if (config.exec !== undefined) await _exec(config.exec, event, json, ctx.logger);
  const decision = ctx.policy?.decide(event);
  if (!decision || decision.kind === "ignore") return;
  if (decision.kind === "escalate") {
    io.print(
      config.json
        ? JSON.stringify({ type: "escalate", reason: decision.reason })
        : `ESCALATE: ${decision.reason}`,
    );
    return;
  }
  try {
    ctx.table.messages.send({
      by: agentActor(ctx.agent),
      recipient: decision.recipient,
      content: decision.content,
    });
    ctx.policy?.recordSent();
    ctx.logger.info(`auto-replied to ${decision.recipient} about message #${decision.messageId}`);
    if (decision.capReached) {
      io.print(
        config.json
          ? JSON.stringify({
            type: "escalate",
            reason: `auto-reply cap (${config.maxReplies}) reached`,
          })
          : `ESCALATE: the auto-reply cap (${config.maxReplies}) is reached; no more automatic replies — a human should take over`,
      );
    }
  } catch (error) {
    ctx.logger.warn(
      `auto-reply to ${decision.recipient} failed: ${
        error instanceof Error ? error.message : error
      }`,
    );
  }
}

/** Runs `command` through the shell with the event in the environment and on stdin. */
async function _exec(
  command: string,
  event: TableEvent,
  json: string,
  logger: Logger,
): Promise<void> {
  const shell = Deno.build.os === "windows" ? ["cmd", "/c", command] : ["sh", "-c", command];
  const child = new Deno.Command(shell[0]!, {
    args: shell.slice(1),
    env: {
      TEAM_TABLE_EVENT: json,
      TEAM_TABLE_EVENT_ID: String(event.id),
      TEAM_TABLE_EVENT_TYPE: event.type,
    },
    stdin: "piped",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`${json}\n`)).catch(() => {});
  await writer.close().catch(() => {});
  const status = await child.status;
  if (!status.success) {
    logger.warn(`--exec command exited with code ${status.code} for event ${event.id}`);
  }
}
