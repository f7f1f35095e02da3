/** What `serve` prints once it listens, and the names it answers to on a LAN. */
import { isLoopbackHost, type ServeConfig } from "../config.ts";
import type { AccessToken } from "../http/access_token.ts";
import { SIGN_IN_CODE_TTL_MS } from "../http/web_sessions.ts";
import { VERSION } from "../version.ts";

/** The address serve names itself by: scheme, the host a browser can reach, the real port. */
export function serveBase(config: ServeConfig, addr: Deno.NetAddr): string {
  const shownHost = addr.hostname === "0.0.0.0" || addr.hostname === "::"
    ? _lanName()
    : addr.hostname.includes(":")
    ? `[${addr.hostname}]`
    : addr.hostname;
  return `${config.tls ? "https" : "http"}://${shownHost}:${addr.port}`;
}

/**
 * The start-up text of `serve`: where it listens, each credential (a secret only when it was
 * just made) and what it is for, and how to add an agent to a client.
 */
export function serveBanner(
  config: ServeConfig,
  addr: Deno.NetAddr,
  credentials: {
    token: AccessToken | undefined;
    join: AccessToken | undefined;
    /** Members with a privileged role and no credential: they cannot be bound until issued. */
    keyless: readonly string[];
    /** A one-time code for the web view's sign-in link (with a token). */
    signInCode?: string | undefined;
  },
): string {
  const { token, join } = credentials;
  const base = serveBase(config, addr);
  const lines = [
    `team-table ${VERSION} serve: listening on ${base} (database ${config.dbPath})`,
    `  MCP, Streamable HTTP:  ${base}/mcp`,
    `  MCP, legacy SSE:       ${base}/sse`,
    `  push events:           ${base}/events/{agent}`,
    `  health:                ${base}/health`,
    token && credentials.signInCode
      ? `  web view (signs in):   ${base}/login?code=${credentials.signInCode}\n` +
        `    one use, for ${SIGN_IN_CODE_TTL_MS / 60_000} minutes; then sign in at ${base}/ ` +
        "with the operator token"
      : `  web view:              ${base}/`,
  ];
  if (!config.tls && !isLoopbackHost(config.host)) {
    lines.push(
      `  warning: plain HTTP on ${config.host}: tokens (and ?token= in URLs) cross the network ` +
        "in clear text;\n    serve HTTPS with --tls-cert FILE --tls-key FILE, or behind a TLS " +
        "reverse proxy (docs/security.md)",
    );
  }
  if (!token) {
    lines.push("  access token:          none (--no-auth, loopback only)");
  } else {
    lines.push(
      `  operator token:        ${_shown(token, "TEAM_TABLE_TOKEN")}`,
      "    for you: the web view, /api, any agent's /events; over MCP an unbound session",
      "  agent tokens:          'team-table members add NAME' prints one; it binds the MCP",
      "    session to NAME and reads only NAME's /events",
    );
  }
  if (join) {
    lines.push(
      `  join token:            ${_shown(join, "TEAM_TABLE_JOIN_TOKEN")}`,
      "    lets a new agent register a new, unprivileged name; register returns its agent token",
    );
  }
  if (credentials.keyless.length > 0) {
    lines.push(
      `  note: ${credentials.keyless.join(", ")} hold a privileged role without a credential ` +
        "and cannot join until you run 'team-table members token NAME'",
    );
  }
  const bearer = token ? ` --header "Authorization: Bearer <agent token>"` : "";
  lines.push(
    "Add an agent to Claude Code (its token from 'team-table members add NAME'):",
    `  claude mcp add --transport http team-table ${base}/mcp${bearer}`,
    "Add it to Codex:",
    token
      ? "  export TEAM_TABLE_AGENT_KEY=<agent token>\n" +
        `  codex mcp add team-table --url ${base}/mcp --bearer-token-env-var TEAM_TABLE_AGENT_KEY`
      : `  codex mcp add team-table --url ${base}/mcp`,
  );
  return lines.join("\n");
}

/**
 * A secret is shown once, when it is made; afterwards the banner (which lands in service logs)
 * says where it is kept.
 */
function _shown(token: AccessToken, env: string): string {
  if (token.source === "created") return `${token.token} (new, saved to ${token.path})`;
  if (token.source === "env") return `from ${env} (not shown)`;
  return `kept in ${token.path} (not shown; read it there)`;
}

/** When bound to every interface, the machine's own names and addresses are allowed hosts. */
export function lanNames(host: string): string[] {
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
