/**
 * `team-table setup status`: each client's team-table entries beside the expected one, and
 * what drifted, with the command that fixes each. `doctor` reads the same report.
 */
import { bearerOf, describeSpec, type FoundEntry, KEY_VAR } from "./client_entry.ts";
import {
  type Drift,
  driftOf,
  type Expectation,
  otherAgentOf,
  teamTableEntries,
} from "./entry_drift.ts";
import type { MemberFacts } from "./member_facts.ts";
import type { ClientContext, McpClient } from "./mcp_client.ts";

export interface ClientStatus {
  client: string;
  label: string;
  /** How it was found (its version or folder); null: not installed. */
  installed: string | null;
  entries: {
    name: string;
    scope: string;
    where: string;
    runs: string;
    /** Set up as this other agent than --agent: its seat, shown but not checked. */
    other_agent?: string;
  }[];
  /** The entry setup would write, in words (absent: status was not told the agent). */
  expected?: string;
  problems: Drift[];
  /** Its configuration could not be read. */
  error?: string;
}

export interface SetupStatus {
  ok: boolean;
  clients: ClientStatus[];
}

/** Reads every client's entries: those installed or holding a team-table entry are listed. */
export async function setupStatus(
  clients: readonly McpClient[],
  ctx: ClientContext,
  expect: Expectation & { expected?: (client: McpClient) => string },
  facts: (secrets: string[]) => Promise<MemberFacts | null>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<SetupStatus> {
  const found = await Promise.all(clients.map(async (client) => {
    const installed = await client.detect(ctx);
    try {
      return { client, installed, entries: await client.entries(ctx) };
    } catch (error) {
      return {
        client,
        installed,
        entries: [] as FoundEntry[],
        error: String(error instanceof Error ? error.message : error),
      };
    }
  }));
  const secrets = found.flatMap((f) =>
    teamTableEntries(f.entries, expect).flatMap((e) => {
      const secret = e.spec.transport === "stdio" ? e.spec.env[KEY_VAR] : bearerOf(e.spec, env);
      return secret === undefined ? [] : [secret];
    })
  );
  const known = await facts(secrets);
  const statuses: ClientStatus[] = [];
  for (const f of found) {
    const mine = teamTableEntries(f.entries, expect);
    if (f.installed === null && mine.length === 0 && f.error === undefined) continue;
    const problems = f.error === undefined
      ? await driftOf(f.client, f.entries, expect, known, env)
      : [];
    const others = mine.map((e) => otherAgentOf(e, expect, known, env));
    const onlyOthers = mine.length > 0 && others.every((other) => other !== undefined);
    statuses.push({
      client: f.client.id,
      label: f.client.label,
      installed: f.installed,
      entries: mine.map((e, i) => ({
        name: e.name,
        scope: e.scope,
        where: e.where,
        runs: describeSpec(e.spec),
        ...(others[i] === undefined ? {} : { other_agent: others[i] }),
      })),
      ...(expect.expected === undefined || onlyOthers
        ? {}
        : { expected: expect.expected(f.client) }),
      problems,
      ...(f.error === undefined ? {} : { error: f.error }),
    });
  }
  const ok = statuses.every((s) => s.problems.length === 0 && s.error === undefined);
  return { ok, clients: statuses };
}

/** The report for a terminal. */
export function statusText(status: SetupStatus): string {
  if (status.clients.length === 0) {
    return "no MCP client found for this user (Claude Code, Codex, Cursor, VS Code, Gemini CLI)";
  }
  const lines: string[] = [];
  for (const c of status.clients) {
    lines.push(`${c.label}${c.installed === null ? " (not installed)" : ` (${c.installed})`}:`);
    if (c.error !== undefined) lines.push(`  ✘ cannot read its configuration: ${c.error}`);
    for (const e of c.entries) lines.push(`  ${e.scope} '${e.name}': ${e.runs}   [${e.where}]`);
    if (c.entries.length === 0) lines.push("  no team-table entry");
    if (c.expected !== undefined) lines.push(`  expected: ${c.expected}`);
    for (const e of c.entries) {
      if (e.other_agent === undefined) continue;
      lines.push(
        `  ○ '${e.name}' is ${e.other_agent}'s entry (another agent's seat): not checked here; ` +
          `check it with: team-table setup status --agent ${e.other_agent} --client ${c.client}`,
      );
    }
    for (const p of c.problems) {
      const which = p.entry === undefined ? "" : ` ('${p.entry}')`;
      lines.push(`  ✘ ${p.kind.replaceAll("_", " ")}${which}: ${p.problem}`, `    fix: ${p.fix}`);
    }
    const checked = c.entries.filter((e) => e.other_agent === undefined).length;
    if (c.problems.length === 0 && c.error === undefined && checked > 0) {
      lines.push("  ✔ as expected");
    }
  }
  lines.push(status.ok ? "every entry is as expected" : "some entries need fixing (see fix:)");
  return lines.join("\n");
}
