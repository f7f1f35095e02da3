/**
 * `team-table members list | grant NAME ROLE`: the operator's view of the members, working on
 * the database directly. Granting is how a privileged role (admin, lead) reaches an agent.
 */
import { humanActor } from "../core/actor.ts";
import { ConfigError, readEnv, resolveConfig } from "../config.ts";
import { TableError, ValidationError } from "../core/errors.ts";
import { checkAgentName } from "../core/input_rules/agent_names.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";
import type { ParsedArgs } from "./parse_args.ts";

/** Lists the members, or grants one a role, on the configured database. */
export function membersCommand(parsed: ParsedArgs): number {
  const config = resolveConfig(parsed, readEnv());
  const [sub, name, role, extra] = parsed.positionals ?? [];
  if (sub !== undefined && sub !== "list" && sub !== "grant") {
    throw new ConfigError(`unknown members subcommand '${sub}' (list, grant NAME ROLE)`);
  }
  if (sub === "grant" && (!name || !role || extra)) {
    throw new ConfigError("usage: team-table members grant NAME ROLE");
  }
  if ((sub === undefined || sub === "list") && name) {
    throw new ConfigError("usage: team-table members list");
  }
  if (sub === "grant" && name) _checkGrantee(name);
  // Listing reads: a missing database is a mistake. Granting may come before anyone registers.
  const { db, table } = openTable(config, loadTableDeps(config), { mustExist: sub !== "grant" });
  try {
    if (sub === "grant" && name && role) {
      try {
        const member = table.members.grant({ name, role, by: humanActor("operator") });
        console.log(
          `${member.name} now has role '${member.role}'` +
            (member.status === "inactive"
              ? " (not at the table yet: it takes effect when it registers)"
              : ""),
        );
        return 0;
      } catch (error) {
        if (!(error instanceof TableError)) throw error;
        console.error(`team-table: ${error.message}`);
        return 1;
      }
    }
    const members = table.members.list({ includeInactive: true });
    if (members.length === 0) console.log("nobody has registered yet");
    for (const m of members) {
      console.log(
        `${m.name.padEnd(24)} ${m.role.padEnd(14)} ${m.status.padEnd(8)} last seen ${m.last_seen}`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

/** A name that can never be a member (`*`, `bad name!`, `rule:x`) is a usage error: exit 2. */
function _checkGrantee(name: string): void {
  try {
    checkAgentName(name, "NAME");
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigError(error.message);
    throw error;
  }
}
