/** What `serve` prints once it listens, and the names it answers to on a LAN. */
import type { ServeConfig } from "../config.ts";
import type { AccessToken } from "../http/access_token.ts";
import { VERSION } from "../version.ts";

/** The start-up text of `serve`: where it listens, the token, and how to add it to a client. */
export function serveBanner(
  config: ServeConfig,
  addr: Deno.NetAddr,
  token: AccessToken | undefined,
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
