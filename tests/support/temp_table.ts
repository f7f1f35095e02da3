/** A table over a real SQLite file in a temp folder, with a fake clock. */
import type { DatabaseSync } from "node:sqlite";
import { humanActor } from "../../src/core/actor.ts";
import { FakeClock } from "../../src/core/clock.ts";
import type { LocalProcesses } from "../../src/core/members/local_processes.ts";
import type { SessionRef } from "../../src/core/members/session_ref.ts";
import { createTable, type Table } from "../../src/core/table.ts";
import { openDatabase } from "../../src/db/open_database.ts";
import type { CompiledRule } from "../../src/core/rules/rule_definition.ts";
import { shippedRoleCatalog } from "../../src/definitions/load_roles.ts";

/** The shipped role catalog, loaded once for all tests. */
export const ROLES = shippedRoleCatalog();

export interface TempTable {
  table: Table;
  clock: FakeClock;
  db: DatabaseSync;
  path: string;
  [Symbol.dispose](): void;
}

export function tempTable(
  options: {
    rules?: readonly CompiledRule[];
    ruleChainLimit?: number;
    rateLimit?: number;
    localProcesses?: LocalProcesses;
  } = {},
): TempTable {
  const dir = Deno.makeTempDirSync({ prefix: "team-table-core-" });
  const path = `${dir}/team_table.db`;
  const db = openDatabase(path);
  const clock = new FakeClock();
  const table = createTable({
    db,
    clock,
    roles: ROLES,
    rules: options.rules ?? [],
    ...(options.ruleChainLimit === undefined ? {} : { ruleChainLimit: options.ruleChainLimit }),
    ...(options.rateLimit === undefined ? {} : { messageRateLimit: options.rateLimit }),
    localProcesses: options.localProcesses,
  });
  return {
    table,
    clock,
    db,
    path,
    [Symbol.dispose]() {
      db.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

/** A session for `name` in core tests: one per agent, so each holds its own name. */
export function testSession(name: string): SessionRef {
  return { id: `test-session-${name.toLowerCase()}`, where: `test session of ${name}` };
}

/**
 * A temp table with `agents` registered, and optionally a `lead`: a name the operator granted
 * the lead role, registered too.
 */
export function tempTeam(agents: readonly string[], options: { lead?: string } = {}): TempTable {
  const t = tempTable();
  for (const name of agents) t.table.members.register({ name, session: testSession(name) });
  if (options.lead !== undefined) grantAndJoin(t, options.lead, "lead");
  return t;
}

/**
 * The operator grants `name` a role (a privileged one comes with a credential) and the agent
 * joins with it, as it would through `team-table members grant` and `--agent`.
 */
export function grantAndJoin(t: TempTable, name: string, role: string): void {
  const granted = t.table.members.grant({ name, role, by: humanActor("operator") });
  const session = { ...testSession(name), key: granted.credential };
  t.table.members.register({ session, name });
}

/**
 * Time passes while every session stays connected: the clock moves and each session that holds
 * a name shows it is alive, as its process's ticks would.
 */
export function advanceLive(t: TempTable, ms: number): void {
  t.clock.advance(ms);
  const held = t.db.prepare("SELECT session_id FROM members WHERE session_id IS NOT NULL").all();
  t.table.members.refresh(held.map((row) => ({ id: String(row["session_id"]) })));
}

/** Every row of every table, to prove that a refused call changed nothing. */
export function snapshot(db: DatabaseSync): string {
  const tables = db.prepare(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).all().map((row) => String(row["name"]));
  return JSON.stringify(
    tables.map((name) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()]),
    (_key, value) => typeof value === "bigint" ? Number(value) : value,
  );
}
