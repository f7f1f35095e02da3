/**
 * doctor's `clients` check: the MCP clients' team-table entries, as `team-table setup status`
 * reads them (without an expected agent: what drifted in the entries there are).
 */
import type { Config } from "../../config.ts";
import { MCP_CLIENTS } from "../setup/all_clients.ts";
import { readMemberFacts } from "../setup/member_facts.ts";
import { setupStatus } from "../setup/setup_status.ts";
import { stableCommand } from "../setup/team_table_command.ts";
import { type CheckResult, failed, passed, skipped } from "./doctor_check.ts";

/**
 * Checks every client's entries. `tableReadable`: the database check passed, so credentials
 * can be compared (read as it is, never migrated).
 */
export async function checkClients(
  config: Config,
  env: Readonly<Record<string, string | undefined>>,
  tableReadable: boolean,
): Promise<CheckResult> {
  const home = env["HOME"] ?? env["USERPROFILE"];
  if (home === undefined) return skipped("not checked: HOME is not set");
  const command = await stableCommand(home).catch(() => undefined);
  const status = await setupStatus(
    MCP_CLIENTS,
    { home, project: Deno.cwd() },
    {
      name: "team-table",
      scope: "user",
      ...(command === undefined ? {} : { command }),
      database: { path: config.dbPath, home },
    },
    (secrets) =>
      tableReadable ? readMemberFacts(config, secrets, { asIs: true }) : Promise.resolve(null),
    env,
  );
  const withEntries = status.clients.filter((c) => c.entries.length > 0);
  const details = {
    clients: status.clients.map((c) => ({ client: c.client, entries: c.entries.length })),
  };
  if (withEntries.length === 0) {
    return passed("no MCP client has a team-table entry (team-table setup --agent NAME)", details);
  }
  const problems = status.clients.flatMap((c) => [
    ...(c.error === undefined ? [] : [{
      problem: `${c.label}: cannot read its configuration: ${c.error}`,
      fix: "repair the file",
    }]),
    ...c.problems.map((p) => ({
      problem: `${c.label}${p.entry === undefined ? "" : ` '${p.entry}'`}: ${p.problem}`,
      fix: p.fix,
    })),
  ]);
  const names = withEntries.map((c) => c.label).join(", ");
  return problems.length === 0
    ? passed(`team-table entries as expected in ${names}`, details)
    : failed(`team-table entries in ${names}: ${problems.length} drifted`, problems, details);
}
