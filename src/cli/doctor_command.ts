/**
 * `team-table doctor [--url URL] [--json] [--fix]`: is this table healthy, and what to do if not.
 * Reads the database without changing it (unless --fix), asks the core's stores what they hold,
 * and, given a URL, whether `serve` answers with the configured credential. Exit 0 when
 * healthy, 1 when anything is wrong; each problem names the command that fixes it.
 */
import { type Config, ConfigError, type Env, readEnv, resolveConfig } from "../config.ts";
import { LATEST_SCHEMA_VERSION } from "../db/migrations.ts";
import { readFileHealth, truncateWal } from "../db/database_health.ts";
import { readTokenFile, tokenPath } from "../http/access_token.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";
import { checkDatabase, checkPermissions, checkWal } from "./doctor/database_checks.ts";
import { type CheckResult, skipped } from "./doctor/doctor_check.ts";
import { checkServe, type OperatorCredential } from "./doctor/serve_check.ts";
import { checkClients } from "./doctor/clients_check.ts";
import { checkExitedHolders, checkGoneAgents } from "./doctor/table_checks.ts";
import { defineCommand } from "./command_spec.ts";
import { versions } from "./version_command.ts";

/** What the doctor found: every check by name, and the problems of all of them. */
export interface DoctorReport {
  healthy: boolean;
  database: string;
  versions: ReturnType<typeof versions>;
  checks: Record<string, CheckResult>;
  problems: { check: string; problem: string; fix: string }[];
  /** What --fix did (absent without --fix). */
  fixed?: string[];
}

export const doctorCommand = defineCommand({
  name: "doctor",
  summary: "is the table healthy: database integrity, schema, WAL size, file permissions, " +
    "names of exited processes, work of agents long gone, serve reachable",
  details: "Exit 0 when healthy, 1 on any problem, each with its fix. serve is asked with the " +
    "operator token (TEAM_TABLE_TOKEN or the token file beside the database).",
  flags: {
    url: {
      type: "string",
      value: "URL",
      help: "serve's address, to check it answers with the operator token",
    },
    json: { type: "boolean", help: "the report as JSON" },
    fix: {
      type: "boolean",
      help: "do what can be done: migrate, free names of exited processes, give back work " +
        "of agents long gone, truncate the write-ahead log",
    },
  },
  words: [],
  run: async ({ flags }) => {
    const env = readEnv();
    const config = resolveConfig(flags, env);
    const url = flags.url === undefined ? undefined : _serveUrl(flags.url);
    const fixed = flags.fix ? await _fix(config) : undefined;
    const report = await diagnose(config, { url, credential: _credential(config.dbPath, env) });
    if (fixed !== undefined) report.fixed = fixed;
    console.log(flags.json ? JSON.stringify(report, null, 2) : _text(report));
    return report.healthy ? 0 : 1;
  },
});

/** Runs every check. */
export async function diagnose(
  config: Config,
  serve: { url: URL | undefined; credential: OperatorCredential | undefined },
): Promise<DoctorReport> {
  const path = config.dbPath;
  const checks: Record<string, CheckResult> = {};
  const { result, health } = checkDatabase(path);
  checks["database"] = result;
  checks["wal"] = checkWal(path, health);
  checks["permissions"] = health.kind === "missing"
    ? skipped("no database yet")
    : checkPermissions(path, [tokenPath(path), tokenPath(path, "join_token")]);
  if (health.kind === "sqlite" && health.schema === health.supported) {
    const { db, table } = openTable(config, await loadTableDeps(config), { asIs: true });
    try {
      checks["exited_processes"] = checkExitedHolders(table);
      checks["gone_agents"] = checkGoneAgents(table);
    } finally {
      db.close();
    }
  } else {
    const why = health.kind === "missing"
      ? "no database yet"
      : "not checked: the database check must pass first";
    checks["exited_processes"] = skipped(why);
    checks["gone_agents"] = skipped(why);
  }
  checks["serve"] = serve.url === undefined
    ? skipped("not checked (give --url URL)")
    : await checkServe(serve.url, serve.credential);
  checks["clients"] = await checkClients(
    config,
    readEnv(),
    health.kind === "sqlite" && health.schema === health.supported,
  );
  const problems = Object.entries(checks).flatMap(([check, found]) =>
    found.problems.map((p) => ({ check, ...p }))
  );
  return { healthy: problems.length === 0, database: path, versions: versions(), checks, problems };
}

/**
 * What --fix does: opens the table the way every command does (an older schema is migrated, a
 * database file others may read is made 0600), frees names of exited processes, gives back the
 * tasks and leases of agents long gone, checkpoints and truncates the write-ahead log.
 */
async function _fix(config: Config): Promise<string[]> {
  const health = readFileHealth(config.dbPath);
  if (health.kind !== "sqlite" || health.schema > LATEST_SCHEMA_VERSION) {
    return ["nothing: the database check must pass first"];
  }
  const deps = await loadTableDeps(config);
  const { db, table } = openTable(config, deps, { mustExist: true });
  try {
    const done: string[] = [];
    if (health.schema < LATEST_SCHEMA_VERSION) {
      done.push(`migrated schema ${health.schema} to ${LATEST_SCHEMA_VERSION}`);
    }
    for (const name of table.members.freeExited()) done.push(`freed the name ${name}`);
    const tasks = table.departures.releaseAbandoned();
    if (tasks.length > 0) {
      done.push(`tasks back to pending: ${tasks.map((t) => `#${t.id}`).join(", ")}`);
    }
    const leases = table.leases.endLapsed();
    if (leases > 0) done.push(`${leases} lapsed lease(s) ended`);
    done.push(
      truncateWal(db)
        ? "write-ahead log checkpointed and truncated"
        : "write-ahead log checkpointed in part (a reader holds the rest)",
    );
    return done;
  } finally {
    db.close();
  }
}

/** TEAM_TABLE_TOKEN, else the token file beside the database (read, never created). */
function _credential(dbPath: string, env: Env): OperatorCredential | undefined {
  const fromEnv = env["TEAM_TABLE_TOKEN"]?.trim();
  if (fromEnv) return { token: fromEnv, source: "TEAM_TABLE_TOKEN" };
  const token = readTokenFile(dbPath);
  return token === undefined ? undefined : { token, source: tokenPath(dbPath) };
}

function _serveUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(
      `--url must be serve's address, e.g. http://127.0.0.1:8741 (got '${text}')`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`--url must start with http:// or https:// (got '${text}')`);
  }
  return url;
}

const _MARK: Record<CheckResult["status"], string> = {
  ok: "ok",
  problem: "PROBLEM",
  note: "note",
  skipped: "-",
};

function _text(report: DoctorReport): string {
  const v = report.versions;
  const lines = [`team-table doctor — ${report.database}`];
  if (report.fixed) lines.push("", "fixed:", ...report.fixed.map((line) => `  ${line}`));
  lines.push("");
  for (const [name, check] of Object.entries(report.checks)) {
    lines.push(`  ${_MARK[check.status].padEnd(8)} ${name.padEnd(17)} ${check.summary}`);
    for (const p of check.problems) {
      lines.push(`           - ${p.problem}`, `             fix: ${p.fix}`);
    }
  }
  lines.push(
    "",
    `versions: team-table ${v.team_table}, deno ${v.deno}, sqlite ${v.sqlite}, schema ${v.schema}`,
    report.healthy
      ? "healthy"
      : `${report.problems.length} problem${report.problems.length === 1 ? "" : "s"}`,
  );
  return lines.join("\n");
}
