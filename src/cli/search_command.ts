/**
 * `team-table search QUERY [--kinds K,K] [--agent NAME] [--since 2h|DATE] [--limit N] [--json]`:
 * full-text search of the table from a terminal, as the operator (everything is found), read
 * from the database directly, so it works with or without `serve`.
 */
import { ConfigError, readEnv, resolveConfig } from "../config.ts";
import { humanActor } from "../core/actor.ts";
import { ValidationError } from "../core/errors.ts";
import { checkPageSize } from "../core/input_rules/numbers.ts";
import { LIMITS } from "../core/limits.ts";
import { SEARCH_KINDS, type SearchKind } from "../core/search/search_query.ts";
import type { SearchHit } from "../core/search/table_search.ts";
import { loadTableDeps, openTable } from "../runtime/open_table.ts";
import type { ParsedArgs } from "./parse_args.ts";
import { parseSince } from "./status_command.ts";

/** The kinds named by `--kinds message,task`. */
export function parseKinds(text: string | undefined): SearchKind[] | undefined {
  if (text === undefined) return undefined;
  return text.split(",").map((word) => {
    const kind = SEARCH_KINDS.find((k) => k === word.trim());
    if (kind === undefined) {
      throw new ConfigError(
        `--kinds: '${word.trim()}' is not one of ${SEARCH_KINDS.join(", ")}`,
      );
    }
    return kind;
  });
}

/** One result as terminal lines. */
export function renderHit(hit: SearchHit): string {
  const where = hit.kind === "context"
    ? `context ${hit.ns}/${hit.key}`
    : hit.kind === "comment"
    ? `comment #${hit.id} on task #${hit.task_id}`
    : hit.kind === "message"
    ? `message #${hit.id} (thread ${hit.thread_id})`
    : `task #${hit.id}`;
  const title = hit.title && hit.kind !== "context" ? ` "${hit.title}"` : "";
  return `${where}${title} — ${hit.by}, ${hit.at}\n    ${
    hit.snippet.replace(/\s+/g, " ")
  }\n    open: ${hit.open}`;
}

/** Runs `team-table search` against the configured database. */
export async function searchCommand(parsed: ParsedArgs): Promise<number> {
  const query = (parsed.positionals ?? []).join(" ");
  if (query.trim() === "") {
    throw new ConfigError("search needs words to look for: team-table search WORDS");
  }
  const config = resolveConfig(parsed, readEnv());
  const kinds = parseKinds(parsed.kinds);
  const { db, table } = openTable(config, await loadTableDeps(config));
  try {
    const limit = parsed.limit === undefined ? undefined : checkPageSize(
      /^\d+$/.test(parsed.limit) ? Number(parsed.limit) : parsed.limit,
      LIMITS.searchLimitMax,
      "--limit",
    );
    const since = parsed.since === undefined
      ? undefined
      : parseSince(parsed.since, table.clock.now());
    const found = table.search.search({
      by: humanActor("operator"),
      query,
      kinds,
      agent: parsed.agent,
      since,
      limit,
    });
    if (parsed.json) {
      console.log(JSON.stringify(found));
      return 0;
    }
    const n = found.results.length;
    console.log(
      n === 0
        ? `nothing found for ${JSON.stringify(query)}`
        : `${n}${found.more ? "+" : ""} result${n === 1 ? "" : "s"} for ${JSON.stringify(query)}`,
    );
    for (const hit of found.results) console.log(renderHit(hit));
    if (found.stopped !== undefined) console.log(found.stopped);
    return 0;
  } catch (error) {
    if (error instanceof ValidationError) throw new ConfigError(error.message);
    throw error;
  } finally {
    db.close();
  }
}
