/**
 * Flags and environment variables become one validated Config at start-up; nothing deeper in
 * the code reads Deno.env or Deno.args.
 */
import { join } from "node:path";
import { LIMITS } from "./core/limits.ts";
import type { LogLevel } from "./log.ts";

export interface Config {
  /** The SQLite file every process of the table shares. */
  dbPath: string;
  logLevel: LogLevel;
  /** A directory of role templates that replace or add to the shipped ones. */
  rolesDir: string | undefined;
  /** A rules file whose rules replace or add to the shipped defaults. */
  rulesFile: string | undefined;
  /** How often time-based rules run and expired context is swept. */
  tickMs: number;
  /** stdio: push events into the session as Claude Code channel notifications. */
  channel: boolean;
  /** Messages per sender per 60 s; 0 turns the limit off. */
  rateLimit: number;
  /** How long a session may go unseen before its name is free and its agent away. */
  presenceMs: number;
  /** How long an agent may be away before its open tasks go back to pending. */
  awayReleaseMs: number;
  /** The longest time to live a file lease may ask for, in seconds. */
  leaseMaxTtl: number;
  /** stdio: the agent this session is (bound before the first tool call). */
  agent: string | undefined;
  /** stdio: the agent's credential (TEAM_TABLE_AGENT_KEY). */
  agentKey: string | undefined;
}

export interface ServeConfig extends Config {
  host: string;
  port: number;
  /** The access token from TEAM_TABLE_TOKEN; undefined means "use or create the token file". */
  token: string | undefined;
  noAuth: boolean;
  /** Extra host names (or origins) allowed in Host/Origin headers. */
  allowOrigins: string[];
  heartbeatMs: number;
  sessionIdleMs: number;
  /** The name humans post under in the web view (shown as human:NAME). */
  operator: string;
  /**
   * Accept a join token (new agents register new, unprivileged names): TEAM_TABLE_JOIN_TOKEN's
   * value, or "file" for the one kept beside the database; undefined: off.
   */
  joinToken: string | undefined;
  /** MCP sessions open at once over both HTTP transports; a new one past it gets 503. */
  maxSessions: number;
  /** MCP sessions one credential may hold; past it, its least recently used one ends. */
  maxSessionsPerCredential: number;
  /** How long a request body may take to arrive after its headers (408 past it). */
  bodyTimeoutMs: number;
  /** Serve /metrics (Prometheus text, operator token); off with --no-metrics. */
  metrics: boolean;
  /** Serve HTTPS with this certificate chain and private key (PEM files); undefined: HTTP. */
  tls: { certFile: string; keyFile: string } | undefined;
}

export interface PollConfig extends Config {
  agent: string;
  intervalMs: number;
  json: boolean;
  once: boolean;
  exec: string | undefined;
  autoReply: boolean;
  maxReplies: number;
}

/** A mistake on the command line or in an environment variable; exit code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Env = Record<string, string | undefined>;

const _LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];
export const ENV_VARS = [
  "TEAM_TABLE_DB",
  "TEAM_TABLE_LOG_LEVEL",
  "TEAM_TABLE_ROLES_DIR",
  "TEAM_TABLE_RULES",
  "TEAM_TABLE_TICK",
  "TEAM_TABLE_CHANNEL",
  "TEAM_TABLE_RATE_LIMIT",
  "TEAM_TABLE_HOST",
  "TEAM_TABLE_PORT",
  "TEAM_TABLE_TOKEN",
  "TEAM_TABLE_HEARTBEAT",
  "TEAM_TABLE_SESSION_IDLE",
  "TEAM_TABLE_OPERATOR",
  "TEAM_TABLE_AGENT",
  "TEAM_TABLE_AGENT_KEY",
  "TEAM_TABLE_PRESENCE_TIMEOUT",
  "TEAM_TABLE_AWAY_RELEASE",
  "TEAM_TABLE_JOIN_TOKEN",
  "TEAM_TABLE_LEASE_MAX_TTL",
  "TEAM_TABLE_MAX_SESSIONS",
  "TEAM_TABLE_MAX_SESSIONS_PER_CREDENTIAL",
  "TEAM_TABLE_BODY_TIMEOUT",
  "TEAM_TABLE_TLS_CERT",
  "TEAM_TABLE_TLS_KEY",
  "HOME",
  "USERPROFILE",
] as const;

/** Reads the environment variables team-table understands, and nothing else. */
export function readEnv(): Env {
  return Object.fromEntries(ENV_VARS.map((name) => [name, Deno.env.get(name)]));
}

/** The default database: ~/.team-table/team_table.db. */
export function defaultDbPath(env: Env): string {
  const home = env["HOME"] ?? env["USERPROFILE"];
  if (!home) {
    throw new ConfigError(
      "cannot find the home folder (HOME is not set); set TEAM_TABLE_DB or pass --db",
    );
  }
  return join(home, ".team-table", "team_table.db");
}

/** Options shared by every command. Flags win over the environment. */
export interface CommonFlags {
  db?: string | undefined;
  logLevel?: string | undefined;
  rolesDir?: string | undefined;
  rules?: string | undefined;
  channel?: boolean | undefined;
  /** stdio: --agent NAME. */
  agent?: string | undefined;
}

export function resolveConfig(flags: CommonFlags, env: Env): Config {
  const dbPath = flags.db ?? _nonEmpty(env["TEAM_TABLE_DB"]) ?? defaultDbPath(env);
  const level = flags.logLevel ?? _nonEmpty(env["TEAM_TABLE_LOG_LEVEL"]) ?? "info";
  const logLevel = _LEVELS.find((candidate) => candidate === level);
  if (!logLevel) {
    throw new ConfigError(`log level '${level}' is not one of ${_LEVELS.join(", ")}`);
  }
  const rolesDir = flags.rolesDir ?? _nonEmpty(env["TEAM_TABLE_ROLES_DIR"]);
  const rulesFile = flags.rules ?? _nonEmpty(env["TEAM_TABLE_RULES"]);
  const tickMs = _seconds(_nonEmpty(env["TEAM_TABLE_TICK"]) ?? "15", "TEAM_TABLE_TICK");
  const channelEnv = _nonEmpty(env["TEAM_TABLE_CHANNEL"]);
  if (channelEnv !== undefined && !["0", "1", "true", "false"].includes(channelEnv)) {
    throw new ConfigError(`TEAM_TABLE_CHANNEL must be 1 or 0 (got '${channelEnv}')`);
  }
  const channel = flags.channel === true || channelEnv === "1" || channelEnv === "true";
  const rateLimit = _integer(
    _nonEmpty(env["TEAM_TABLE_RATE_LIMIT"]) ?? "30",
    "TEAM_TABLE_RATE_LIMIT",
    0,
    1_000_000,
  );
  const presenceMs = _seconds(
    _nonEmpty(env["TEAM_TABLE_PRESENCE_TIMEOUT"]) ?? "60",
    "TEAM_TABLE_PRESENCE_TIMEOUT",
  );
  const awayReleaseMs = _seconds(
    _nonEmpty(env["TEAM_TABLE_AWAY_RELEASE"]) ?? "600",
    "TEAM_TABLE_AWAY_RELEASE",
  );
  const leaseMaxTtl = _integer(
    _nonEmpty(env["TEAM_TABLE_LEASE_MAX_TTL"]) ?? String(LIMITS.leaseTtlMaxDefaultS),
    "TEAM_TABLE_LEASE_MAX_TTL",
    60,
    30 * 86_400,
  );
  const agent = flags.agent ?? _nonEmpty(env["TEAM_TABLE_AGENT"]);
  const agentKey = _nonEmpty(env["TEAM_TABLE_AGENT_KEY"]);
  return {
    dbPath,
    logLevel,
    rolesDir,
    rulesFile,
    tickMs,
    channel,
    rateLimit,
    presenceMs,
    awayReleaseMs,
    leaseMaxTtl,
    agent,
    agentKey,
  };
}

export interface ServeFlags extends CommonFlags {
  host?: string | undefined;
  port?: string | undefined;
  noAuth?: boolean | undefined;
  allowOrigins?: string[] | undefined;
  heartbeat?: string | undefined;
  sessionIdle?: string | undefined;
  operator?: string | undefined;
  joinToken?: boolean | undefined;
  maxSessions?: string | undefined;
  maxSessionsPerCredential?: string | undefined;
  bodyTimeout?: string | undefined;
  noMetrics?: boolean | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
}

const _LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** True for names and addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return _LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function resolveServeConfig(flags: ServeFlags, env: Env): ServeConfig {
  const base = resolveConfig(flags, env);
  const host = flags.host ?? _nonEmpty(env["TEAM_TABLE_HOST"]) ?? "127.0.0.1";
  const port = _integer(
    flags.port ?? _nonEmpty(env["TEAM_TABLE_PORT"]) ?? "8741",
    "port",
    0,
    65_535,
  );
  const noAuth = flags.noAuth === true;
  if (noAuth && !isLoopbackHost(host)) {
    throw new ConfigError(
      `--no-auth is refused on the non-loopback host ${host}: anyone on the network could act ` +
        `as any agent. Keep the token, or bind to 127.0.0.1.`,
    );
  }
  const token = _nonEmpty(env["TEAM_TABLE_TOKEN"]);
  if (token !== undefined && token.length < 16) {
    throw new ConfigError("TEAM_TABLE_TOKEN must be at least 16 characters long");
  }
  const operator = resolveOperator(flags, env);
  const certFile = flags.tlsCert ?? _nonEmpty(env["TEAM_TABLE_TLS_CERT"]);
  const keyFile = flags.tlsKey ?? _nonEmpty(env["TEAM_TABLE_TLS_KEY"]);
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError(
      `HTTPS needs both a certificate and its key: --tls-cert FILE and --tls-key FILE ` +
        `(env TEAM_TABLE_TLS_CERT, TEAM_TABLE_TLS_KEY); only the ` +
        `${certFile === undefined ? "key" : "certificate"} was given`,
    );
  }
  const maxSessions = _integer(
    flags.maxSessions ?? _nonEmpty(env["TEAM_TABLE_MAX_SESSIONS"]) ?? "100",
    "max-sessions",
    1,
    100_000,
  );
  const maxSessionsPerCredential = _integer(
    flags.maxSessionsPerCredential ?? _nonEmpty(env["TEAM_TABLE_MAX_SESSIONS_PER_CREDENTIAL"]) ??
      String(Math.min(20, maxSessions)),
    "max-sessions-per-credential",
    1,
    maxSessions,
  );
  return {
    ...base,
    operator,
    joinToken: _nonEmpty(env["TEAM_TABLE_JOIN_TOKEN"]) ?? (flags.joinToken ? "file" : undefined),
    host,
    port,
    token,
    noAuth,
    allowOrigins: flags.allowOrigins ?? [],
    heartbeatMs: _seconds(
      flags.heartbeat ?? _nonEmpty(env["TEAM_TABLE_HEARTBEAT"]) ?? "30",
      "heartbeat",
    ),
    sessionIdleMs: _seconds(
      flags.sessionIdle ?? _nonEmpty(env["TEAM_TABLE_SESSION_IDLE"]) ?? "1800",
      "session idle time",
    ),
    maxSessions,
    maxSessionsPerCredential,
    bodyTimeoutMs: _seconds(
      flags.bodyTimeout ?? _nonEmpty(env["TEAM_TABLE_BODY_TIMEOUT"]) ?? "30",
      "body timeout",
    ),
    metrics: flags.noMetrics !== true,
    tls: certFile === undefined || keyFile === undefined ? undefined : { certFile, keyFile },
  };
}

/**
 * The name a human acts under, as `human:NAME` (serve's web view, the CLI's send, task and
 * context commands): --operator, else TEAM_TABLE_OPERATOR, else "human".
 */
export function resolveOperator(flags: { operator?: string | undefined }, env: Env): string {
  const operator = flags.operator ?? _nonEmpty(env["TEAM_TABLE_OPERATOR"]) ?? "human";
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,30}[A-Za-z0-9])?$/.test(operator)) {
    throw new ConfigError(
      `operator '${operator}' must be 1–32 letters, digits, '_', '.' or '-' (not first or last)`,
    );
  }
  return operator;
}

export interface PollFlags extends CommonFlags {
  agent?: string | undefined;
  interval?: string | undefined;
  json?: boolean | undefined;
  once?: boolean | undefined;
  exec?: string | undefined;
  autoReply?: boolean | undefined;
  maxReplies?: string | undefined;
}

export function resolvePollConfig(flags: PollFlags, env: Env): PollConfig {
  const base = resolveConfig(flags, env);
  if (!flags.agent) throw new ConfigError("poll needs an agent name: team-table poll <agent>");
  return {
    ...base,
    agent: flags.agent,
    intervalMs: _seconds(flags.interval ?? "30", "interval"),
    json: flags.json === true,
    once: flags.once === true,
    exec: flags.exec,
    autoReply: flags.autoReply === true,
    maxReplies: _integer(flags.maxReplies ?? "13", "max-replies", 0, 1_000),
  };
}

function _nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function _integer(text: string, what: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new ConfigError(`${what} must be a whole number from ${min} to ${max} (got '${text}')`);
  }
  return value;
}

/** Seconds (fractions allowed, e.g. 0.05) to milliseconds; at least 10 ms, at most a day. */
function _seconds(text: string, what: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || value < 0.01 || value > 86_400) {
    throw new ConfigError(`${what} must be a number of seconds from 0.01 to 86400 (got '${text}')`);
  }
  return Math.round(value * 1000);
}
