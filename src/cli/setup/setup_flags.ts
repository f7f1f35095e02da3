/**
 * `team-table setup` parses its own flags (node:util parseArgs): the agent, HTTP or stdio,
 * which clients and scope, and whether to write (--dry-run shows, --yes writes unasked).
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../../config.ts";
import { checkAgentName } from "../../core/input_rules/agent_names.ts";
import { ValidationError } from "../../core/errors.ts";
import type { Scope } from "./client_entry.ts";
import { CLIENT_IDS } from "./all_clients.ts";

export const SETUP_USAGE =
  "setup [status] [--agent NAME] [--url URL] [--key KEY] [--client ID]... [--scope user|project] " +
  "[--project DIR] [--name ENTRY] [--command PATH] [--hooks] [--dry-run] [--yes] [--json] " +
  "[--db PATH]";

const _OPTIONS = {
  agent: { type: "string" },
  url: { type: "string" },
  key: { type: "string" },
  client: { type: "string", multiple: true },
  scope: { type: "string" },
  project: { type: "string" },
  name: { type: "string" },
  command: { type: "string" },
  hooks: { type: "boolean" },
  "dry-run": { type: "boolean" },
  yes: { type: "boolean", short: "y" },
  json: { type: "boolean" },
  db: { type: "string" },
  "log-level": { type: "string" },
  "roles-dir": { type: "string" },
  rules: { type: "string" },
} as const;

/** Every option of setup (for the README's check). */
export const SETUP_FLAG_NAMES: readonly string[] = Object.keys(_OPTIONS).map((name) => `--${name}`);

export interface SetupFlags {
  status: boolean;
  agent?: string;
  url?: string;
  key?: string;
  clients?: string[];
  scope: Scope;
  project?: string;
  name: string;
  command?: string;
  hooks: boolean;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  db?: string;
  logLevel?: string;
  rolesDir?: string;
  rules?: string;
}

/** Parses setup's words (the command word removed); ConfigError (exit 2) on bad ones. */
export function parseSetupFlags(args: readonly string[]): SetupFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: _OPTIONS,
    });
  } catch (error) {
    throw new ConfigError(
      `${error instanceof Error ? error.message : error} (usage: team-table ${SETUP_USAGE})`,
    );
  }
  const { values: v, positionals } = parsed;
  const status = positionals[0] === "status";
  if (positionals.length > (status ? 1 : 0)) {
    throw new ConfigError(
      `unknown argument '${positionals.at(-1)}' (usage: team-table ${SETUP_USAGE})`,
    );
  }
  const scope = v.scope ?? "user";
  if (scope !== "user" && scope !== "project") {
    throw new ConfigError(`--scope must be user or project (got '${scope}')`);
  }
  for (const id of v.client ?? []) {
    if (!CLIENT_IDS.includes(id)) {
      throw new ConfigError(`--client '${id}' is not one of ${CLIENT_IDS.join(", ")}`);
    }
  }
  if (v.agent !== undefined) {
    try {
      checkAgentName(v.agent, "--agent");
    } catch (error) {
      if (error instanceof ValidationError) throw new ConfigError(error.message);
      throw error;
    }
  }
  if (v.url !== undefined) _checkUrl(v.url);
  if (!status && v.agent === undefined) {
    throw new ConfigError("setup needs --agent NAME: the agent these clients will be");
  }
  if (status && (v["dry-run"] || v.yes || v.hooks)) {
    throw new ConfigError("setup status only reads: --dry-run, --yes and --hooks go with setup");
  }
  if (v["dry-run"] && v.yes) throw new ConfigError("--dry-run and --yes contradict each other");
  const flags: SetupFlags = {
    status,
    scope,
    name: v.name ?? "team-table",
    hooks: v.hooks === true,
    dryRun: v["dry-run"] === true,
    yes: v.yes === true,
    json: v.json === true,
  };
  const optional = {
    agent: v.agent,
    url: v.url,
    key: v.key,
    clients: v.client,
    project: v.project,
    command: v.command,
    db: v.db,
    logLevel: v["log-level"],
    rolesDir: v["roles-dir"],
    rules: v.rules,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(flags, { [key]: value });
  }
  return flags;
}

function _checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`--url '${url}' is not a URL (e.g. http://127.0.0.1:8741/mcp)`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ConfigError(`--url must be http:// or https:// (got '${parsed.protocol}')`);
  }
  if (!parsed.pathname.endsWith("/mcp")) {
    throw new ConfigError(`--url must be serve's /mcp address (e.g. ${parsed.origin}/mcp)`);
  }
}
