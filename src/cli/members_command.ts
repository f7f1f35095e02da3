/**
 * `team-table members ...`: the operator's hand on the members, working on the database
 * directly. Granting is how a privileged role reaches an agent; credentials are issued here
 * and printed once (only their hash is stored).
 */
import { humanActor } from "../core/actor.ts";
import { ConfigError, readEnv, resolveConfig } from "../config.ts";
import { ValidationError } from "../core/errors.ts";
import { checkAgentName } from "../core/input_rules/agent_names.ts";
import type { Member } from "../core/members/member.ts";
import type { Table } from "../core/table.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";
import type { ParsedArgs } from "./parse_args.ts";

const _USAGE = "team-table members list | add NAME [--role ROLE] | token NAME | " +
  "grant NAME ROLE | revoke NAME | reset NAME | remove NAME";

/** The subcommands, the positional words each takes after NAME, and what each does. */
const _SUBCOMMANDS: Record<string, { words: number; run: (table: Table, args: _Args) => string }> =
  {
    add: { words: 0, run: _add },
    token: { words: 0, run: _token },
    grant: { words: 1, run: _grant },
    revoke: { words: 0, run: _revoke },
    reset: { words: 0, run: _reset },
    remove: { words: 0, run: _remove },
  };

interface _Args {
  name: string;
  words: string[];
  role: string | undefined;
}

/** Runs a members subcommand on the configured database; returns the exit code. */
export function membersCommand(parsed: ParsedArgs): Promise<number> {
  const config = resolveConfig(parsed, readEnv());
  const [sub = "list", name, ...words] = parsed.positionals ?? [];
  if (sub === "list") {
    if (name !== undefined) throw new ConfigError(`usage: ${_USAGE}`);
    const list = (table: Table) => _list(table.members.list({ includeInactive: true }));
    return _withTable(config, true, list);
  }
  const spec = _SUBCOMMANDS[sub];
  if (!spec) throw new ConfigError(`unknown members subcommand '${sub}' (${_USAGE})`);
  if (name === undefined || words.length !== spec.words) {
    throw new ConfigError(`usage: ${_USAGE}`);
  }
  if (parsed.role !== undefined && sub !== "add") {
    throw new ConfigError(`--role goes with 'members add' (usage: ${_USAGE})`);
  }
  _checkName(name);
  // Adding and granting may come before anyone registered; the rest need the database.
  return _withTable(config, sub !== "add" && sub !== "grant", (table) => {
    console.log(spec.run(table, { name, words, role: parsed.role }));
    return 0;
  });
}

async function _withTable(
  config: ReturnType<typeof resolveConfig>,
  mustExist: boolean,
  fn: (table: Table) => number,
): Promise<number> {
  const { db, table } = openTable(config, await loadTableDeps(config), { mustExist });
  try {
    return fn(table);
  } finally {
    db.close();
  }
}

const _OPERATOR = humanActor("operator");

function _add(table: Table, args: _Args): string {
  const issued = table.members.issueCredential({ name: args.name, role: args.role, by: _OPERATOR });
  return `${issued.member.name} (role '${issued.member.role}') can now join with its ` +
    `credential.\n${_showOnce(issued.credential, issued.member.name)}`;
}

function _token(table: Table, args: _Args): string {
  table.members.require(args.name, "NAME");
  const issued = table.members.issueCredential({ name: args.name, by: _OPERATOR });
  return `${issued.rotated ? "New credential" : "Credential"} for ${issued.member.name}` +
    `${issued.rotated ? " (the old one no longer works)" : ""}.\n` +
    _showOnce(issued.credential, issued.member.name);
}

function _grant(table: Table, args: _Args): string {
  const role = args.words[0] ?? "";
  const member = table.members.grant({ name: args.name, role, by: _OPERATOR });
  const line = `${member.name} now has role '${member.role}'` +
    (member.status === "inactive"
      ? " (not at the table yet: it takes effect when it registers)"
      : "");
  return member.credential === undefined
    ? line
    : `${line}.\nThe role is privileged, so the name now has a credential.\n` +
      _showOnce(member.credential, member.name);
}

function _reset(table: Table, args: _Args): string {
  const member = table.members.reset({ name: args.name, by: _OPERATOR });
  return `${member.name} is free: the session that held it no longer does (it is ${member.presence}).`;
}

function _revoke(table: Table, args: _Args): string {
  const member = table.members.revoke({ name: args.name, by: _OPERATOR });
  return `${member.name} has the default role '${member.role}' again.`;
}

function _remove(table: Table, args: _Args): string {
  const { member, released } = table.departures.remove({ name: args.name, by: _OPERATOR });
  return `${member.name} is removed: gone, its name free, its credential and role dropped` +
    (released.length
      ? `; tasks back to pending: ${released.map((t) => `#${t.id}`).join(", ")}.`
      : ".");
}

function _list(members: Member[]): number {
  if (members.length === 0) console.log("nobody has registered yet");
  for (const m of members) {
    console.log(
      `${m.name.padEnd(24)} ${m.role.padEnd(14)} ${
        m.presence.padEnd(7)
      } since ${m.presence_since}` +
        `${m.has_credential ? "  credential" : ""}`,
    );
  }
  return 0;
}

/** The credential, once, with how to use it. */
function _showOnce(credential: string, name: string): string {
  return [
    `  credential: ${credential}`,
    "  (shown once: only its hash is kept; 'team-table members token NAME' issues a new one)",
    `  stdio: team-table --agent ${name} with TEAM_TABLE_AGENT_KEY=<credential> in the environment`,
    "  HTTP:  Authorization: Bearer <credential>",
    `  MCP clients already set up as ${name} stop connecting without it; give it to them:`,
    `  team-table setup --agent ${name} --key <credential> --yes`,
  ].join("\n");
}

/** A name that can never be a member (`*`, `bad name!`, `rule:x`) is a usage error: exit 2. */
function _checkName(name: string): void {
  try {
    checkAgentName(name, "NAME");
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigError(error.message);
    throw error;
  }
}
