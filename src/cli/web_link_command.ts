/**
 * `team-table web-link [--url URL]`: a fresh one-time sign-in link to serve's web view (the
 * banner's link is used up once followed). The code is stored hashed in the table, where serve
 * finds it; the address is --url, else the one the running serve recorded in the table (its
 * real port), else, when no serve runs, the configured one (TEAM_TABLE_HOST, TEAM_TABLE_PORT,
 * TLS), said so.
 */
import { ConfigError, readEnv, resolveServeConfig, type ServeFlags } from "../config.ts";
import type { RecordedServe } from "../core/serve_address.ts";
import { SIGN_IN_CODE_TTL_MS, signInLink } from "../http/web_sessions.ts";
import { localProcesses } from "../runtime/local_processes.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";
import { defineCommand } from "./command_spec.ts";

export const webLinkCommand = defineCommand({
  name: "web-link",
  summary: "a fresh one-time sign-in link to serve's web view (the banner's works once)",
  flags: {
    url: {
      type: "string",
      value: "URL",
      help: "serve's address as a browser reaches it (default: the running serve's own, else " +
        "from TEAM_TABLE_HOST, TEAM_TABLE_PORT and TLS)",
    },
  },
  words: [],
  run: ({ flags }) => _printLink(flags),
});

async function _printLink(flags: ServeFlags & { url?: string | undefined }): Promise<number> {
  const config = resolveServeConfig(flags, readEnv());
  if (flags.url !== undefined) {
    if (!URL.canParse(flags.url) || !/^https?:$/.test(new URL(flags.url).protocol)) {
      throw new ConfigError(`--url: '${flags.url}' is not serve's address (http://HOST:PORT)`);
    }
  }
  const { db, table } = openTable(config, await loadTableDeps(config), { mustExist: true });
  try {
    const minutes = SIGN_IN_CODE_TTL_MS / 60_000;
    const recorded = table.serveAddress.current();
    const running = recorded !== undefined && _runs(recorded) ? recorded : undefined;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    const base = flags.url ?? running?.url ??
      `${config.tls ? "https" : "http"}://${host}:${config.port}`;
    console.log(signInLink(table, base));
    if (flags.url !== undefined || running !== undefined) {
      console.error(
        `one use, for ${minutes} minutes, at the serve running over ${config.dbPath}` +
          (running === undefined ? "" : ` (pid ${running.pid}, listening since ${running.since})`),
      );
    } else {
      console.error(
        `no serve is running over ${config.dbPath}` +
          (recorded === undefined ? "" : ` (the last one listened at ${recorded.url})`) +
          `: the link uses the configured address, port ${config.port} (TEAM_TABLE_HOST, ` +
          `TEAM_TABLE_PORT); start 'team-table serve' there within ${minutes} minutes, or give ` +
          "--url. One use.",
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

/** Whether the recorded serve's process still runs (on another machine: taken on trust). */
function _runs(serve: RecordedServe): boolean {
  const here = localProcesses();
  if (here === undefined || serve.host === "" || serve.host !== here.host) return true;
  return here.alive(serve.pid);
}
