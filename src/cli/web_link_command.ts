/**
 * `team-table web-link [--url URL]`: a fresh one-time sign-in link to serve's web view (the
 * banner's link is used up once followed). The code is stored hashed in the table, where serve
 * finds it; the address is --url, else serve's (TEAM_TABLE_HOST, TEAM_TABLE_PORT, TLS).
 */
import { ConfigError, readEnv, resolveServeConfig } from "../config.ts";
import { SIGN_IN_CODE_TTL_MS, signInLink } from "../http/web_sessions.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";
import type { ParsedArgs } from "./parse_args.ts";

export async function webLinkCommand(parsed: ParsedArgs): Promise<number> {
  const config = resolveServeConfig(parsed, readEnv());
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const base = parsed.url ?? `${config.tls ? "https" : "http"}://${host}:${config.port}`;
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
