/**
 * What an MCP client's entry for team-table says: a stdio command (with its arguments and
 * environment) or an HTTP address (with its headers), where it was found, and the entry that
 * `team-table setup` would write for an agent.
 */

export type Scope = "user" | "project";

/** How a client starts or reaches team-table. */
export type EntrySpec =
  | { transport: "stdio"; command: string; args: string[]; env: Record<string, string> }
  | {
    transport: "http";
    url: string;
    headers: Record<string, string>;
    /** The environment variable the client reads the bearer token from (Codex), if any. */
    tokenEnvVar?: string;
  };

/** An entry as found in a client's configuration. */
export interface FoundEntry {
  name: string;
  scope: Scope;
  /** The file it is in. */
  where: string;
  spec: EntrySpec;
  /** The client's own name for its scope, where it has several (Claude: user, local, project). */
  nativeScope?: string;
}

/** The variable a stdio server reads the agent's credential from (and Codex its bearer token). */
export const KEY_VAR = "TEAM_TABLE_AGENT_KEY";

/** What `setup` is asked to write: which agent, how, into which scope. */
export interface SetupRequest {
  /** The entry's name in the client (default team-table). */
  name: string;
  agent: string;
  scope: Scope;
  /** The team-table command stdio entries run. */
  command: string;
  /** serve's /mcp address: an HTTP entry instead of stdio. */
  url?: string;
  /** The agent's credential (stdio: TEAM_TABLE_AGENT_KEY; HTTP: its bearer token). */
  key?: string;
  /** A database given explicitly (--db or TEAM_TABLE_DB): the entry passes it on. */
  db?: string;
}

/** The entry a client should hold for `request` (Codex reads an HTTP token from a variable). */
export function expectedSpec(request: SetupRequest, tokenFromEnv = false): EntrySpec {
  if (request.url !== undefined) {
    if (tokenFromEnv) {
      return { transport: "http", url: request.url, headers: {}, tokenEnvVar: KEY_VAR };
    }
    const headers: Record<string, string> = request.key === undefined
      ? {}
      : { Authorization: `Bearer ${request.key}` };
    return { transport: "http", url: request.url, headers };
  }
  const args = [
    "--agent",
    request.agent,
    ...(request.db === undefined ? [] : ["--db", request.db]),
  ];
  const env: Record<string, string> = request.key === undefined ? {} : { [KEY_VAR]: request.key };
  return { transport: "stdio", command: request.command, args, env };
}

/** The agent an entry names: stdio `--agent NAME` (or TEAM_TABLE_AGENT); HTTP: unknown. */
export function agentOf(spec: EntrySpec): string | undefined {
  if (spec.transport !== "stdio") return undefined;
  return flagValue(spec.args, "--agent") ?? spec.env["TEAM_TABLE_AGENT"];
}

/** The value of `--flag VALUE` or `--flag=VALUE` in `args`. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === flag) return args[i + 1];
    if (arg.startsWith(`${flag}=`)) return arg.slice(flag.length + 1);
  }
  return undefined;
}

/** The bearer token an HTTP entry sends, from its headers or its variable in `env`. */
export function bearerOf(
  spec: EntrySpec,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (spec.transport !== "http") return undefined;
  const header = Object.entries(spec.headers).find(([k]) => k.toLowerCase() === "authorization");
  const match = header?.[1].match(/^Bearer\s+(\S+)$/i);
  if (match?.[1]) return match[1];
  return spec.tokenEnvVar === undefined ? undefined : env[spec.tokenEnvVar];
}

/** Whether an entry is team-table's, whatever its name: its command, arguments or address. */
export function looksLikeTeamTable(name: string, spec: EntrySpec, url?: string): boolean {
  if (/team[-_]?table/i.test(name)) return true;
  if (spec.transport === "http") return url !== undefined && spec.url === url;
  return [spec.command, ...spec.args].some((word) => /team[-_]table/i.test(word));
}

/** A secret shown in a plan: its first characters only. */
export function masked(secret: string): string {
  return secret.length <= 8 ? "…" : `${secret.slice(0, 8)}…`;
}

/** One line for an entry, secrets masked. */
export function describeSpec(spec: EntrySpec): string {
  if (spec.transport === "http") {
    const auth = bearerOf(spec, {});
    const via = spec.tokenEnvVar === undefined
      ? (auth === undefined ? "no token" : `token ${masked(auth)}`)
      : `token from $${spec.tokenEnvVar}`;
    return `${spec.url} (${via})`;
  }
  const env = Object.entries(spec.env).map(([k, v]) => `${k}=${k === KEY_VAR ? masked(v) : v} `);
  return `${env.join("")}${[spec.command, ...spec.args].join(" ")}`;
}
