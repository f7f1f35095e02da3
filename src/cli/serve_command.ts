/** `team-table serve`: MCP over HTTP for agents on several machines. */
import { readEnv, resolveServeConfig } from "../config.ts";
import { loadTableDeps } from "../runtime/open_table.ts";
import { runServe } from "../runtime/run_serve.ts";
import { defineCommand } from "./command_spec.ts";
import { OPERATOR_FLAG } from "./shared_flags.ts";

/** Resolves the serve config and serves until SIGINT/SIGTERM. */
export const serveCommand = defineCommand({
  name: "serve",
  summary: "MCP over HTTP (/mcp, /sse) with push events (/events/{agent}) and the web view",
  details: "The operator token is TEAM_TABLE_TOKEN, or one generated on first start and kept in " +
    "the file 'token' beside the database; agent tokens come from 'team-table members add NAME'.",
  flags: {
    host: {
      type: "string",
      value: "HOST",
      help: "address to listen on (env TEAM_TABLE_HOST; default 127.0.0.1)",
    },
    port: {
      type: "string",
      value: "PORT",
      help: "port, 0 picks a free one (env TEAM_TABLE_PORT; default 8741)",
    },
    noAuth: { type: "boolean", help: "no access token (refused unless the host is loopback)" },
    allowOrigins: {
      type: "string",
      name: "allow-origin",
      multiple: true,
      value: "NAME",
      help: "also accept this host name or origin in Host/Origin headers (repeatable)",
    },
    heartbeat: {
      type: "string",
      value: "SECONDS",
      help: "heartbeat interval on event streams (env TEAM_TABLE_HEARTBEAT; default 30)",
    },
    sessionIdle: {
      type: "string",
      value: "SECONDS",
      help: "end MCP sessions idle this long (env TEAM_TABLE_SESSION_IDLE; default 1800)",
    },
    maxSessions: {
      type: "string",
      value: "N",
      help: "MCP sessions open at once; a new one past it gets 503 (env " +
        "TEAM_TABLE_MAX_SESSIONS; default 100)",
    },
    maxSessionsPerCredential: {
      type: "string",
      value: "N",
      help: "sessions one credential may hold; past it, its least recently used one ends " +
        "(env TEAM_TABLE_MAX_SESSIONS_PER_CREDENTIAL; default 20)",
    },
    bodyTimeout: {
      type: "string",
      value: "SECONDS",
      help: "a request body must arrive this soon after its headers, else 408 (env " +
        "TEAM_TABLE_BODY_TIMEOUT; default 30)",
    },
    tlsCert: {
      type: "string",
      value: "FILE",
      help: "serve HTTPS with this PEM certificate chain, with --tls-key (env " +
        "TEAM_TABLE_TLS_CERT; default plain HTTP)",
    },
    tlsKey: {
      type: "string",
      value: "FILE",
      help: "the certificate's PEM private key (env TEAM_TABLE_TLS_KEY)",
    },
    ...OPERATOR_FLAG,
    noMetrics: {
      type: "boolean",
      help: "no /metrics (Prometheus text for the operator token; on by default)",
    },
    joinToken: {
      type: "boolean",
      help: "accept a join token (new agents register new, unprivileged names; env " +
        "TEAM_TABLE_JOIN_TOKEN), kept in 'join_token' beside the database",
    },
  },
  words: [],
  run: async ({ flags }) => {
    const config = resolveServeConfig(flags, readEnv());
    await runServe(config, await loadTableDeps(config));
    return 0;
  },
});
