/**
 * A person's search words as an FTS5 query. Nothing the user types is passed as FTS syntax:
 * each word and each "quoted phrase" becomes a quoted FTS string of its letters and digits
 * (so OR, NEAR(, *, - and quotes are plain text), all of them must match, and a word ending
 * in `*` matches as a prefix (of at least 3 letters, and at most LIMITS.searchPrefixTermsMax
 * of them: each is expanded across the whole index). What cannot be searched is a
 * ValidationError naming the field.
 */
import { ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { checkText, TEXT_RULES } from "../input_rules/text_rules.ts";

/** What search looks through. */
export const SEARCH_KINDS = ["message", "task", "comment", "context"] as const;
export type SearchKind = typeof SEARCH_KINDS[number];

const _TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
/** The shortest stem a prefix search (`dep*`) accepts: a shorter one expands to too much. */
const _PREFIX_MIN = 3;

/** One term of a query: its words, and whether the last one is a prefix. */
export interface SearchTerm {
  words: string[];
  prefix: boolean;
}

/** A query as FTS5 runs it, and its terms (for marking matches in snippets). */
export interface ParsedSearch {
  fts: string;
  terms: SearchTerm[];
}

/** The FTS5 expression for `query`: every term quoted, all required. */
export function toFtsQuery(query: string, field = "query"): string {
  return parseSearch(query, field).fts;
}

/** `query` checked and parsed (see the module comment). */
export function parseSearch(query: string, field = "query"): ParsedSearch {
  checkText(field, query, TEXT_RULES.searchQuery);
  const terms = _terms(query, field);
  if (terms.length === 0) {
    throw new ValidationError(
      `${field}: '${_short(query)}' has no words to search for (letters or digits); ` +
        `operators such as OR, NEAR, - and * alone are not supported: every word you give ` +
        `must match, "quoted words" match as a phrase, and word* matches a prefix.`,
    );
  }
  if (terms.length > LIMITS.searchTermsMax) {
    throw new ValidationError(
      `${field}: ${terms.length} words or phrases; at most ${LIMITS.searchTermsMax}. ` +
        `Search for fewer, more telling words.`,
    );
  }
  const prefixes = terms.filter((t) => t.prefix).length;
  if (prefixes > LIMITS.searchPrefixTermsMax) {
    throw new ValidationError(
      `${field}: ${prefixes} prefix words (word*); at most ${LIMITS.searchPrefixTermsMax} ` +
        `(each one is looked up across every word the table holds). Write more words out ` +
        `in full.`,
    );
  }
  const fts = terms.map((t) => `"${t.words.join(" ")}"${t.prefix ? " *" : ""}`).join(" ");
  return { fts, terms };
}

function _terms(query: string, field: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  let rest = query;
  while (rest.length > 0) {
    const quote = rest.indexOf('"');
    const plain = quote < 0 ? rest : rest.slice(0, quote);
    for (const word of plain.split(/\s+/)) {
      const words = word.match(_TOKEN) ?? [];
      if (words.length === 0) continue;
      const last = words[words.length - 1] ?? "";
      const prefix = word.endsWith("*");
      if (prefix && last.length < _PREFIX_MIN) {
        throw new ValidationError(
          `${field}: '${word}' is a prefix of ${last.length} letter${
            last.length === 1 ? "" : "s"
          }; ` +
            `a prefix needs at least ${_PREFIX_MIN} (each one is looked up across every word ` +
            `the table holds). Give more letters or the whole word.`,
        );
      }
      terms.push({ words, prefix });
    }
    if (quote < 0) break;
    const close = rest.indexOf('"', quote + 1);
    if (close < 0) {
      const at = query.length - rest.length + quote + 1;
      throw new ValidationError(
        `${field}: the double quote at character ${at} is never closed; close the phrase ` +
          `with " or remove the quote.`,
      );
    }
    const words = rest.slice(quote + 1, close).match(_TOKEN) ?? [];
    if (words.length > 0) terms.push({ words, prefix: false });
    rest = rest.slice(close + 1);
  }
  return terms;
}

function _short(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}
