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
import { defineCommand, defineGroup, type FlagSpecs, type GlobalValues } from "./command_spec.ts";

const _ROLE_FLAG = {
  role: {
    type: "string",
    value: "ROLE",
    help: "the role it joins with (default: the default role)",
  },
} as const satisfies FlagSpecs;

/**
 * Runs `run` on the table for the member NAME (checked first) and prints what it says.
 * `mustExist`: adding and granting may come before anyone registered; the rest need the database.
 */
function _onMember(
  flags: GlobalValues,
  name: string,
  mustExist: boolean,
  run: (table: Table) => string,
): Promise<number> {
  _checkName(name);
  return _withTable(resolveConfig(flags, readEnv()), mustExist, (table) => {
    console.log(run(table));
    return 0;
  });
}

/** The members subcommands; `members` alone lists them. */
export const membersCommand = defineGroup({
  name: "members",
  summary: "who is registered and present; credentials (printed once), roles, freeing a held " +
    "name, removing a member",
  default: "list",
  subcommands: [
    defineCommand({
      name: "list",
      summary: "every member: role, presence, since when, whether it has a credential",
      flags: {},
      words: [],
      run: ({ flags }) => {
        const config = resolveConfig(flags, readEnv());
        return _withTable(config, true, (t) => _list(t.members.list({ includeInactive: true })));
      },
    }),
    defineCommand({
      name: "add",
      summary: "register NAME with a credential, printed once",
      flags: _ROLE_FLAG,
      words: ["NAME"],
      run: ({ flags, words }) =>
        _onMember(flags, words.NAME, false, (t) => _add(t, words.NAME, flags.role)),
    }),
    defineCommand({
      name: "token",
      summary: "a new credential for NAME (the old one stops working)",
      flags: {},
      words: ["NAME"],
      run: ({ flags, words }) => _onMember(flags, words.NAME, true, (t) => _token(t, words.NAME)),
    }),
    defineCommand({
      name: "grant",
      summary: "give NAME the role ROLE (a privileged role comes with a credential)",
      flags: {},
      words: ["NAME", "ROLE"],
      run: ({ flags, words }) =>
        _onMember(flags, words.NAME, false, (t) => _grant(t, words.NAME, words.ROLE)),
    }),
    defineCommand({
      name: "revoke",
      summary: "NAME gets the default role again (a name only granted, never joined: withdrawn)",
      flags: {},
      words: ["NAME"],
      run: ({ flags, words }) => _onMember(flags, words.NAME, true, (t) => _revoke(t, words.NAME)),
    }),
    defineCommand({
      name: "reset",
      summary: "free NAME from the session holding it",
      flags: {},
      words: ["NAME"],
      run: ({ flags, words }) => _onMember(flags, words.NAME, true, (t) => _reset(t, words.NAME)),
    }),
    defineCommand({
      name: "remove",
      summary: "remove NAME: gone, its name free, its credential and role dropped, its tasks " +
        "back to pending",
      flags: {},
      words: ["NAME"],
      run: ({ flags, words }) => _onMember(flags, words.NAME, true, (t) => _remove(t, words.NAME)),
    }),
  ],
});

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

function _add(table: Table, name: string, role: string | undefined): string {
  const issued = table.members.issueCredential({ name, role, by: _OPERATOR });
  return `${issued.member.name} (role '${issued.member.role}') can now join with its ` +
    `credential.\n${_showOnce(issued.credential, issued.member.name)}`;
}

function _token(table: Table, name: string): string {
  table.members.require(name, "NAME");
  const issued = table.members.issueCredential({ name, by: _OPERATOR });
  return `${issued.rotated ? "New credential" : "Credential"} for ${issued.member.name}` +
    `${issued.rotated ? " (the old one no longer works)" : ""}.\n` +
    _showOnce(issued.credential, issued.member.name);
}

function _grant(table: Table, name: string, role: string): string {
  const member = table.members.grant({ name, role, by: _OPERATOR });
  const line = `${member.name} now has role '${member.role}'` +
    (member.status === "inactive"
      ? " (not at the table yet: it takes effect when it registers)"
      : "");
  return member.credential === undefined
    ? line
    : `${line}.\nThe role is privileged, so the name now has a credential.\n` +
      _showOnce(member.credential, member.name);
}

function _reset(table: Table, name: string): string {
  const member = table.members.reset({ name: name, by: _OPERATOR });
  return `${member.name} is free: the session that held it no longer does (it is ${member.presence}).`;
}

function _revoke(table: Table, name: string): string {
  const member = table.members.revoke({ name: name, by: _OPERATOR });
  return member.withdrawn
    ? `${member.name} never joined: the grant is withdrawn, and the name is no member again ` +
      "(not listed, not a recipient of broadcasts)."
    : `${member.name} has the default role '${member.role}' again.` +
      (member.has_credential ? `\n${_credentialStays(member.name)}` : "");
}

/** After a revoke: the credential a privileged grant gave is not taken back with the role. */
function _credentialStays(name: string): string {
  return [
    `Its credential stays: ${name} still joins only with it (stdio: TEAM_TABLE_AGENT_KEY, ` +
    "HTTP: the bearer token), so its MCP clients keep passing it.",
    `  'team-table members token ${name}' issues a new one (the old one stops working);`,
    `  'team-table members remove ${name}' drops it (and removes ${name}: gone, its open tasks ` +
    "back to pending).",
  ].join("\n");
}

function _remove(table: Table, name: string): string {
  const { member, released } = table.departures.remove({ name: name, by: _OPERATOR });
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
