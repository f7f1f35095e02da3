/**
 * `team-table web-link [--url URL]`: a fresh one-time sign-in link to serve's web view (the
 * banner's link is used up once followed). The code is stored hashed in the table, where serve
 * finds it; the address is --url, else serve's (TEAM_TABLE_HOST, TEAM_TABLE_PORT, TLS).
 */
import { ConfigError, readEnv, resolveServeConfig, type ServeFlags } from "../config.ts";
import { SIGN_IN_CODE_TTL_MS, signInLink } from "../http/web_sessions.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";
import { defineCommand } from "./command_spec.ts";

export const webLinkCommand = defineCommand({
  name: "web-link",
  summary: "a fresh one-time sign-in link to serve's web view (the banner's works once)",
  flags: {
    url: {
      type: "string",
      value: "URL",
      help: "serve's address as a browser reaches it (default: from TEAM_TABLE_HOST, " +
        "TEAM_TABLE_PORT and TLS)",
    },
  },
  words: [],
  run: ({ flags }) => _printLink(flags),
});

async function _printLink(flags: ServeFlags & { url?: string | undefined }): Promise<number> {
  const config = resolveServeConfig(flags, readEnv());
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const base = flags.url ?? `${config.tls ? "https" : "http"}://${host}:${config.port}`;
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) {
    throw new ConfigError(`--url: '${base}' is not serve's address (http://HOST:PORT)`);
  }
  const { db, table } = openTable(config, await loadTableDeps(config), { mustExist: true });
  try {
    console.log(signInLink(table, base));
    console.error(
      `one use, for ${SIGN_IN_CODE_TTL_MS / 60_000} minutes, at the serve running over ` +
        `${config.dbPath}`,
    );
    return 0;
  } finally {
    db.close();
  }
}
