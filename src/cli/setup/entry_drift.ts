/**
 * How a client's team-table entries differ from what they should be, in words, each with the
 * command that puts it right: missing, a command that is gone or breaks on a move or upgrade,
 * a name that now needs a credential, a wrong credential or token, another address, and
 * entries that start the same team-table twice (a stdio entry beside an HTTP one is not).
 * Another agent's entry is that agent's seat, not a drift.
 */
import { join, resolve } from "node:path";
import {
  agentOf,
  bearerOf,
  type EntrySpec,
  flagValue,
  type FoundEntry,
  KEY_VAR,
  looksLikeTeamTable,
  type Scope,
} from "./client_entry.ts";
import type { MemberFacts } from "./member_facts.ts";
import type { McpClient } from "./mcp_client.ts";
import { shellLine } from "./run_program.ts";
import { commandTrouble } from "./team_table_command.ts";

export type DriftKind =
  | "missing"
  | "stale_command"
  | "no_agent"
  | "needs_credential"
  | "wrong_credential"
  | "wrong_token"
  | "wrong_url"
  | "duplicate"
  | "other_database";

export interface Drift {
  kind: DriftKind;
  /** The entry it is about (absent: missing). */
  entry?: string;
  problem: string;
  fix: string;
}

/** What the entries are checked against (every field optional: status may be asked bare). */
export interface Expectation {
  name: string;
  scope: Scope;
  agent?: string;
  url?: string;
  /** The command a stdio entry should run (undefined: no installed command was found). */
  command?: string;
  /** The table's database, and the home whose default database an entry without --db uses. */
  database?: { path: string; home: string };
}

/** The team-table entries among a client's entries. */
export function teamTableEntries(
  entries: readonly FoundEntry[],
  expect: Expectation,
): FoundEntry[] {
  return entries.filter((e) =>
    e.name === expect.name || looksLikeTeamTable(e.name, e.spec, expect.url)
  );
}

/**
 * The agent an entry is set up as, when status was told another one (`--agent`): a stdio
 * entry's --agent, an HTTP entry's token holder. Such an entry is that agent's seat, not a
 * drift: it is not checked against `expect`, and nothing suggests giving it `expect.agent`
 * (one name, one seat). Undefined: it is `expect.agent`'s, names no agent, or no agent was given.
 */
export function otherAgentOf(
  entry: FoundEntry,
  expect: Expectation,
  facts: MemberFacts | null,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (expect.agent === undefined) return undefined;
  const spec = entry.spec;
  let agent: string | undefined;
  if (spec.transport === "stdio") agent = agentOf(spec);
  else {
    const token = bearerOf(spec, env);
    agent = token === undefined ? undefined : facts?.holderOf(token);
  }
  return agent !== undefined && agent !== expect.agent ? agent : undefined;
}

/**
 * Every drift of `client`'s team-table entries from `expect`. With an agent, only its entries
 * and those naming no agent are checked: another agent's entry is no drift (see otherAgentOf).
 */
export async function driftOf(
  client: McpClient,
  entries: readonly FoundEntry[],
  expect: Expectation,
  facts: MemberFacts | null,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Drift[]> {
  const setup = (agent: string | undefined, extra: string[] = []) =>
    shellLine([
      "team-table",
      "setup",
      "--client",
      client.id,
      "--agent",
      agent ?? "NAME",
      ...(expect.url === undefined ? [] : ["--url", expect.url]),
      ...(expect.scope === "user" ? [] : ["--scope", expect.scope]),
      ...extra,
    ]);
  const found = teamTableEntries(entries, expect);
  const mine = found.filter((e) => otherAgentOf(e, expect, facts, env) === undefined);
  if (mine.length === 0) {
    // A client set up as another agent is that agent's seat: nothing is missing here.
    if (expect.agent === undefined || found.length > 0) return [];
    return [{
      kind: "missing",
      problem: `no team-table entry for ${expect.agent}`,
      fix: `${setup(expect.agent)} --yes`,
    }];
  }
  const drifts: Drift[] = [];
  const targets = mine.map((entry) => ({ entry, ..._target(entry.spec, expect, facts, env) }));
  // Of the entries that start the same thing, the one to keep: the expected name in the
  // expected scope, else the first.
  const kept = new Map<string, FoundEntry>();
  for (const { entry, key } of targets) {
    if (!kept.has(key) || (entry.name === expect.name && entry.scope === expect.scope)) {
      kept.set(key, entry);
    }
  }
  for (const { entry, key, same } of targets) {
    const keep = kept.get(key)!;
    if (entry !== keep) {
      drifts.push({
        kind: "duplicate",
        entry: entry.name,
        problem: `'${entry.name}' (${entry.scope}, ${entry.where}) also runs team-table, ` +
          `beside '${keep.name}' (${keep.scope}): ${same}`,
        fix: client.removal(entry),
      });
    }
  }
  for (const entry of mine) {
    drifts.push(...await _entryDrift(entry, expect, facts, env, setup));
  }
  return drifts;
}

async function _entryDrift(
  entry: FoundEntry,
  expect: Expectation,
  facts: MemberFacts | null,
  env: Readonly<Record<string, string | undefined>>,
  setup: (agent: string | undefined, extra?: string[]) => string,
): Promise<Drift[]> {
  const spec: EntrySpec = entry.spec;
  const at = (kind: DriftKind, problem: string, fix: string): Drift => ({
    kind,
    entry: entry.name,
    problem,
    fix,
  });
  const drifts: Drift[] = [];
  if (spec.transport === "stdio") {
    const agent = agentOf(spec);
    const trouble = await commandTrouble(spec.command, spec.args);
    if (trouble !== null) {
      drifts.push(at("stale_command", trouble, `${setup(agent)} --yes`));
    } else if (expect.command !== undefined && spec.command !== expect.command) {
      drifts.push(at(
        "stale_command",
        `it runs ${spec.command}; the installed command is ${expect.command}`,
        `${setup(agent)} --yes`,
      ));
    }
    if (agent === undefined) {
      drifts.push(at(
        "no_agent",
        "it names no agent (--agent NAME): every session must register by hand",
        `${setup(expect.agent)} --yes`,
      ));
      return drifts;
    }
    const db = _databaseOf(spec, expect.database?.home);
    if (expect.database !== undefined && db !== undefined && db !== resolve(expect.database.path)) {
      drifts.push(at(
        "other_database",
        `it uses the database ${db}, not this table's ${resolve(expect.database.path)}`,
        `${setup(agent, ["--db", resolve(expect.database.path)])} --yes`,
      ));
      return drifts; // its credentials are another table's
    }
    const key = spec.env[KEY_VAR];
    const keyFix = `${setup(agent, ["--key", "KEY"])} --yes (KEY: the credential 'members ` +
      `add' or 'members token ${agent}' printed; lost it? 'team-table members token ${agent}' ` +
      "issues a new one)";
    if (key === undefined && facts?.hasCredential(agent) === true) {
      drifts.push(at(
        "needs_credential",
        `${agent} now has a credential and the entry does not pass it (${KEY_VAR}): the ` +
          "server stops at start, which the client shows as 'Failed to connect'",
        keyFix,
      ));
    } else if (key !== undefined && facts !== null && facts.holderOf(key) !== agent) {
      const holder = facts.holderOf(key);
      drifts.push(at(
        "wrong_credential",
        `its ${KEY_VAR} is ${
          holder === undefined ? "no member's credential" : `${holder}'s credential`
        }` +
          `, not ${agent}'s: the server stops at start`,
        keyFix,
      ));
    }
    return drifts;
  }
  if (expect.url !== undefined && spec.url !== expect.url) {
    drifts.push(at(
      "wrong_url",
      `it reaches ${spec.url}, not ${expect.url}`,
      `${setup(expect.agent, ["--key", "TOKEN"])} --yes`,
    ));
  }
  const token = bearerOf(spec, env);
  const tokenFix = `${setup(expect.agent, ["--key", "TOKEN"])} --yes (TOKEN: the agent's ` +
    "credential from 'team-table members add|token NAME')";
  if (token === undefined) {
    if (spec.tokenEnvVar === undefined) {
      drifts.push(at("wrong_token", "it sends no token: serve answers 401", tokenFix));
    }
    return drifts;
  }
  if (facts !== null) {
    const holder = facts.holderOf(token);
    if (holder === undefined) {
      drifts.push(at("wrong_token", "its token is no member's credential", tokenFix));
    }
  }
  return drifts;
}

/**
 * What an entry starts, as a key that two duplicates share, and the words for it: over stdio
 * an agent on a database, over HTTP an address with a credential. A stdio entry and an HTTP
 * one (`team-table-http` beside `team-table`) are two ways in, not a duplicate.
 */
function _target(
  spec: EntrySpec,
  expect: Expectation,
  facts: MemberFacts | null,
  env: Readonly<Record<string, string | undefined>>,
): { key: string; same: string } {
  if (spec.transport === "stdio") {
    const agent = agentOf(spec);
    const db = _databaseOf(spec, expect.database?.home) ?? "";
    return {
      key: JSON.stringify(["stdio", agent ?? "", db]),
      same: `both start ${agent === undefined ? "it with no agent" : `agent ${agent}`} over ` +
        "stdio, on the same database",
    };
  }
  const token = bearerOf(spec, env);
  const holder = token === undefined ? undefined : facts?.holderOf(token);
  return {
    key: JSON.stringify(["http", spec.url, holder ?? token ?? ""]),
    same: `both reach ${spec.url}` +
      (holder !== undefined
        ? ` as ${holder}`
        : token === undefined
        ? " with no token"
        : " with the same token"),
  };
}

/** The database a stdio entry opens: --db, else its TEAM_TABLE_DB, else the home's default. */
function _databaseOf(
  spec: Extract<EntrySpec, { transport: "stdio" }>,
  home: string | undefined,
): string | undefined {
  const given = flagValue(spec.args, "--db") ?? spec.env["TEAM_TABLE_DB"];
  if (given !== undefined) return resolve(given);
  return home === undefined ? undefined : join(home, ".team-table", "team_table.db");
}
