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
import { defineCommand, type FlagSpecs, type ParsedFlags } from "./command_spec.ts";
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

const _FLAGS = {
  kinds: {
    type: "string",
    value: "K,K",
    help: `what to look through (${SEARCH_KINDS.join(", ")}; default all)`,
  },
  agent: { type: "string", value: "NAME", help: "only what NAME wrote" },
  since: {
    type: "string",
    value: "WHEN",
    help: "only since a duration back from now (30m, 2h, 1d) or a date",
  },
  limit: { type: "string", value: "N", help: "at most N results" },
  json: { type: "boolean", help: "the results as JSON" },
} as const satisfies FlagSpecs;

/** Runs `team-table search` against the configured database. */
export const searchCommand = defineCommand({
  name: "search",
  summary: "full-text search of messages, tasks, comments and shared context: every word must " +
    'match, "quoted words" are a phrase, word* a prefix',
  flags: _FLAGS,
  words: ["[WORDS...]"],
  run: ({ flags, words }) => _search(flags, words.WORDS.join(" ")),
});

async function _search(
  flags: ParsedFlags<typeof _FLAGS>,
  query: string,
): Promise<number> {
  if (query.trim() === "") {
    throw new ConfigError("search needs words to look for: team-table search WORDS");
  }
  const config = resolveConfig(flags, readEnv());
  const kinds = parseKinds(flags.kinds);
  const { db, table } = openTable(config, await loadTableDeps(config));
  try {
    const limit = flags.limit === undefined ? undefined : checkPageSize(
      /^\d+$/.test(flags.limit) ? Number(flags.limit) : flags.limit,
      LIMITS.searchLimitMax,
      "--limit",
    );
    const since = flags.since === undefined
      ? undefined
      : parseSince(flags.since, table.clock.now());
    const found = table.search.search({
      by: humanActor("operator"),
      query,
      kinds,
      agent: flags.agent,
      since,
      limit,
    });
    if (flags.json) {
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
