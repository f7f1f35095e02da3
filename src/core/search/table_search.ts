/**
 * Full-text search over what the table holds: message subjects and contents, task titles,
 * descriptions and results, task comments, and shared-context keys and values (their latest
 * version). The index (search_index, FTS5) is kept in step by triggers in the transaction that
 * writes each row (see migration 7). An agent finds only what it may read: its own direct
 * messages and the broadcasts it received, and every task, comment and live context entry; the
 * operator (a human) finds everything. Results are ranked (bm25, titles weigh more) and carry a
 * short snippet with the matches marked, and what to call to open them.
 *
 * One search never holds the table for long: matches are ranked newest first up to a budget
 * (LIMITS.searchScanMax matches, LIMITS.searchBudgetMs from before the query starts, spent by
 * every match of the index, those its filters leave out too) and a search that runs out
 * says so (`stopped`) with what to narrow; the prefix words it may hold are limited in
 * search_query.ts, and a prefix that stands for more than LIMITS.searchPrefixWordsMax distinct
 * words of the index is refused before FTS5 expands it (the expansion happens before the first
 * row, so the ranking budget cannot stop it); snippets are made for the page only (snippet.ts).
 */
import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { toIso } from "../clock.ts";
import { LIMITS } from "../limits.ts";
import { pageSize } from "../pages.ts";
import { messageReaderFor } from "../permissions/permissions.ts";
import type { Principals } from "../permissions/principal.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import { ValidationError } from "../errors.ts";
import type { Statements } from "../../db/statements.ts";
import { readerParams, visibleMessageSql } from "../messages/message_visibility.ts";
import { parseSearch, SEARCH_KINDS, type SearchKind } from "./search_query.ts";
import { snippetOf } from "./snippet.ts";

/** One thing found. Ids say what to open: `open` names the call. */
export interface SearchHit {
  kind: SearchKind;
  /** The message, task or comment id; null for a context entry. */
  id: number | null;
  /** The task of a task or comment (or a message's linked task). */
  task_id: number | null;
  /** A message's thread. */
  thread_id: number | null;
  /** A context entry's namespace and key. */
  ns: string | null;
  key: string | null;
  /** A message's subject, a task's title, a comment's task title, a context key. */
  title: string;
  /** A few words around the best match, the matches between the marks. */
  snippet: string;
  /** Who wrote it: sender, task creator, comment author, context writer. */
  by: string;
  at: string;
  /** The call that opens it, e.g. get_thread(message_id=12). */
  open: string;
}

export interface SearchInput {
  by: Actor;
  query: string;
  kinds?: readonly SearchKind[] | undefined;
  /** Only what this agent wrote (sent, created or is assigned, commented, set). */
  agent?: string | undefined;
  /** Only what was written (a task: last updated) at or after this time (ms). */
  since?: number | undefined;
  limit?: number | undefined;
  /** How matches are marked in snippets (default ** and **). */
  marks?: { open: string; close: string } | undefined;
}

/** The source kind of each index rowid (rowid = source id * 4 + kind). */
const _KIND_OF: readonly SearchKind[] = ["message", "task", "comment", "context"];

/** What one search may spend; tests give smaller ones. */
export interface SearchBudget {
  /** Matches ranked at most. */
  matches: number;
  /** Milliseconds of ranking, measured by `timer`. */
  ms: number;
  timer: () => number;
  /** Distinct index words one prefix may stand for (LIMITS.searchPrefixWordsMax). */
  prefixWords?: number;
}

/** What a search found; `stopped` says why it ranked only part of the matches. */
export interface SearchResult {
  results: SearchHit[];
  more: boolean;
  stopped?: string;
}

const _MATCH = `
  SELECT s.rowid AS rid, CASE WHEN (
    (s.rowid % 4 = 0 AND :messages AND EXISTS (
      SELECT 1 FROM messages m WHERE m.id = s.rowid / 4 AND m.archived_at IS NULL
        AND ${visibleMessageSql("m")}
        AND (:agent IS NULL OR m.sender = :agent COLLATE NOCASE)
        AND (:since IS NULL OR m.created_at >= :since)))
    OR (s.rowid % 4 = 1 AND :tasks AND EXISTS (
      SELECT 1 FROM tasks t WHERE t.id = s.rowid / 4
        AND (:agent IS NULL OR t.creator = :agent COLLATE NOCASE OR t.assignee = :agent)
        AND (:since IS NULL OR t.updated_at >= :since)))
    OR (s.rowid % 4 = 2 AND :comments AND EXISTS (
      SELECT 1 FROM task_activity a WHERE a.id = s.rowid / 4
        AND (:agent IS NULL OR a.agent = :agent COLLATE NOCASE)
        AND (:since IS NULL OR a.at >= :since)))
    OR (s.rowid % 4 = 3 AND :context AND EXISTS (
      SELECT 1 FROM search_context_keys k JOIN context_entries e ON e.ns = k.ns AND e.key = k.key
      WHERE k.id = s.rowid / 4 AND e.deleted = 0
        AND e.version = (SELECT max(version) FROM context_entries WHERE ns = k.ns AND key = k.key)
        AND (e.expires_at IS NULL OR e.expires_at > :now)
        AND (:agent IS NULL OR e.set_by = :agent COLLATE NOCASE)
        AND (:since IS NULL OR e.created_at >= :since)))
  ) THEN bm25(search_index, 3.0, 1.0) END AS score
  FROM search_index s
  WHERE search_index MATCH :q
  ORDER BY s.rowid DESC`;

export class TableSearch {
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #principals: Principals;
  readonly #budget: SearchBudget;
  #vocabReady = false;

  constructor(
    deps: { sql: Statements; clock: Clock; principals: Principals; budget?: SearchBudget },
  ) {
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#principals = deps.principals;
    this.#budget = deps.budget ??
      { matches: LIMITS.searchScanMax, ms: LIMITS.searchBudgetMs, timer: () => performance.now() };
  }

  /** The best matches for `query` that the searcher may read, best first. */
  search(input: SearchInput): SearchResult {
    const who = this.#principals.resolve(input.by);
    const parsed = parseSearch(input.query);
    const kinds = new Set(input.kinds?.length ? input.kinds : SEARCH_KINDS);
    const limit = pageSize(input.limit, {
      default: LIMITS.searchLimitDefault,
      max: LIMITS.searchLimitMax,
    });
    const marks = input.marks ?? { open: "**", close: "**" };
    this.#checkPrefixes(parsed.terms);
    const ranked: { rid: number; score: number }[] = [];
    const budget = this.#budget;
    const deadline = budget.timer() + budget.ms;
    let stopped: string | undefined;
    let read = 0; // matches of the index, those the filters leave out too: all spend the time
    for (
      const row of this.#sql.get(_MATCH).iterate({
        q: parsed.fts,
        ...readerParams(messageReaderFor(who)),
        agent: input.agent ?? null,
        since: input.since ?? null,
        now: this.#clock.now(),
        messages: kinds.has("message") ? 1 : 0,
        tasks: kinds.has("task") ? 1 : 0,
        comments: kinds.has("comment") ? 1 : 0,
        context: kinds.has("context") ? 1 : 0,
      })
    ) {
      read++;
      if (row["score"] !== null) ranked.push({ rid: int(row, "rid"), score: Number(row["score"]) });
      if (ranked.length >= budget.matches || budget.timer() >= deadline) {
        stopped = _stoppedNote(ranked.length, read, ranked.length >= budget.matches, budget.ms);
        break;
      }
    }
    ranked.sort((a, b) => a.score - b.score || b.rid - a.rid);
    const results = ranked.slice(0, limit).flatMap(({ rid }) => {
      const hit = this.#describe(rid, this.#snippet(rid, parsed.terms, marks));
      return hit ? [hit] : [];
    });
    const more = ranked.length > limit || stopped !== undefined;
    return stopped === undefined ? { results, more } : { results, more, stopped };
  }

  /**
   * Refuses a prefix word that stands for more distinct words of the index than the budget:
   * the word is stemmed as the index stems it (a probe table with the same tokenizer), then
   * the index's words from that stem on are counted (fts5vocab, stopping one past the limit).
   */
  #checkPrefixes(terms: readonly { words: string[]; prefix: boolean }[]): void {
    const prefixes = terms.filter((t) => t.prefix).map((t) => t.words.at(-1) ?? "");
    if (prefixes.length === 0) return;
    const max = this.#budget.prefixWords ?? LIMITS.searchPrefixWordsMax;
    this.#ensureVocab();
    for (const word of prefixes) {
      this.#sql.get("DELETE FROM temp.search_probe").run();
      this.#sql.get("INSERT INTO temp.search_probe (w) VALUES (?)").run(word);
      const stems = this.#sql.get("SELECT term FROM temp.search_probe_vocab").all()
        .map((row) => text(row, "term"));
      this.#sql.get("DELETE FROM temp.search_probe").run();
      for (const stem of stems) {
        const row = this.#sql.get(
          `SELECT count(*) AS n FROM (SELECT term FROM temp.search_vocab
           WHERE term >= :stem AND term < :stem || char(1114111) LIMIT :cap)`,
        ).get({ stem, cap: max + 1 });
        if (Number(row?.["n"] ?? 0) > max) {
          throw new ValidationError(
            `query: the prefix '${word}*' stands for more than ${max.toLocaleString("en-US")} ` +
              `different words in the table (the limit: each is looked up before any result). ` +
              `Give a longer prefix or the whole word.`,
          );
        }
      }
    }
  }

  /** The index's word list and a probe with its tokenizer, per connection (temp schema). */
  #ensureVocab(): void {
    if (this.#vocabReady) return;
    this.#sql.get(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, search_index, row)",
    ).run();
    this.#sql.get(
      `CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_probe USING fts5 (
         w, tokenize = 'porter unicode61 remove_diacritics 2')`,
    ).run();
    this.#sql.get(
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_probe_vocab USING fts5vocab(temp, search_probe, row)",
    ).run();
    this.#vocabReady = true;
  }

  #snippet(
    rid: number,
    terms: Parameters<typeof snippetOf>[1]["terms"],
    marks: { open: string; close: string },
  ): string {
    const row = this.#sql.get("SELECT title, body FROM search_index WHERE rowid = ?").get(rid);
    if (!row) return "";
    return snippetOf([textOrNull(row, "title") ?? "", textOrNull(row, "body") ?? ""], {
      terms,
      marks,
    });
  }

  /** What an index row stands for, read from its source row. */
  #describe(rowid: number, snippet: string): SearchHit | undefined {
    const kind = _KIND_OF[rowid % 4] ?? "message";
    const id = Math.floor(rowid / 4);
    const none = { id: null, task_id: null, thread_id: null, ns: null, key: null };
    switch (kind) {
      case "message": {
        const row = this.#sql.get("SELECT * FROM messages WHERE id = ?").get(id);
        if (!row) return undefined;
        const thread = intOrNull(row, "thread_id") ?? id;
        return {
          ...none,
          kind,
          id,
          task_id: intOrNull(row, "task_id"),
          thread_id: thread,
          title: textOrNull(row, "subject") ?? "",
          snippet,
          by: text(row, "sender"),
          at: toIso(int(row, "created_at")),
          open: `get_thread(message_id=${id})`,
        };
      }
      case "task": {
        const row = this.#sql.get("SELECT title, creator, updated_at FROM tasks WHERE id = ?")
          .get(id);
        if (!row) return undefined;
        return {
          ...none,
          kind,
          id,
          task_id: id,
          title: text(row, "title"),
          snippet,
          by: text(row, "creator"),
          at: toIso(int(row, "updated_at")),
          open: `get_task_detail(task_id=${id})`,
        };
      }
      case "comment": {
        const row = this.#sql.get(
          `SELECT a.task_id, a.agent, a.at, t.title FROM task_activity a
           JOIN tasks t ON t.id = a.task_id WHERE a.id = ?`,
        ).get(id);
        if (!row) return undefined;
        const taskId = int(row, "task_id");
        return {
          ...none,
          kind,
          id,
          task_id: taskId,
          title: text(row, "title"),
          snippet,
          by: text(row, "agent"),
          at: toIso(int(row, "at")),
          open: `get_task_detail(task_id=${taskId})`,
        };
      }
      case "context": {
        const row = this.#sql.get(
          `SELECT e.ns, e.key, e.set_by, e.created_at FROM search_context_keys k
           JOIN context_entries e ON e.ns = k.ns AND e.key = k.key
           WHERE k.id = ? ORDER BY e.version DESC LIMIT 1`,
        ).get(id);
        if (!row) return undefined;
        const ns = text(row, "ns");
        const key = text(row, "key");
        return {
          ...none,
          kind,
          ns,
          key,
          title: key,
          snippet,
          by: text(row, "set_by"),
          at: toIso(int(row, "created_at")),
          open: `get_shared_context(ns=${JSON.stringify(ns)}, key=${JSON.stringify(key)})`,
        };
      }
    }
  }
}

function _stoppedNote(ranked: number, read: number, byCount: boolean, budgetMs: number): string {
  const why = byCount
    ? "the most one search ranks"
    : `the ${budgetMs} ms one search may take ran out`;
  const left = read - ranked;
  const filtered = left > 0
    ? ` of the newest ${read.toLocaleString("en-US")} in the index; the rest were not yours ` +
      "to see or not what you asked for"
    : "";
  return `Ranked only the newest ${ranked.toLocaleString("en-US")} matches${filtered} (${why}). ` +
    `Add words, or narrow with kinds, agent or since.`;
}
