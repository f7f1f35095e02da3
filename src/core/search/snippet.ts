/**
 * A few words of a found text around its first match, the matches marked. Made here rather
 * than by FTS5's snippet(), whose work grows with the square of the matches in a document (a
 * 49 KB value full of matches took over 10 ms, 100 of them more than a second): this reads
 * each text once, up to the first match and a dozen words after it. Marking is approximate
 * (the index stems words: `migrations` finds `migrate`), so a word is marked when it begins
 * like a query word; which documents match is decided by the index alone.
 */
import type { SearchTerm } from "./search_query.ts";

const _TOKEN = /[\p{L}\p{N}\p{M}]+/gu;
const _WORDS = 12;
const _BEFORE = 3;
/** How far into a text to look for the first match before showing its beginning. */
const _SCAN_MAX = 5_000;

/** The snippet of the first of `texts` (e.g. title, body) that shows a match. */
export function snippetOf(
  texts: readonly string[],
  options: { terms: readonly SearchTerm[]; marks: { open: string; close: string } },
): string {
  const stems = options.terms.flatMap((term) =>
    term.words.map((word, i) => _stem(word, term.prefix && i === term.words.length - 1))
  );
  for (const text of texts) {
    const found = _window(text, stems, options.marks);
    if (found !== null) return found;
  }
  const first = texts.find((text) => text.trim() !== "") ?? "";
  return _window(first, [], options.marks, true) ?? "";
}

function _fold(word: string): string {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** What a matching word begins with: a prefix as given, else the word less a likely suffix. */
function _stem(word: string, prefix: boolean): string {
  const folded = _fold(word);
  if (prefix) return folded;
  return folded.length > 5 ? folded.slice(0, folded.length - 2) : folded;
}

function _window(
  text: string,
  stems: readonly string[],
  marks: { open: string; close: string },
  fromStart = false,
): string | null {
  const tokens: { start: number; end: number; hit: boolean }[] = [];
  let firstHit = fromStart ? 0 : -1;
  _TOKEN.lastIndex = 0;
  for (let m = _TOKEN.exec(text); m !== null; m = _TOKEN.exec(text)) {
    const folded = _fold(m[0]);
    const hit = stems.some((stem) => folded.startsWith(stem));
    tokens.push({ start: m.index, end: m.index + m[0].length, hit });
    if (hit && firstHit < 0) firstHit = tokens.length - 1;
    if (firstHit >= 0 && tokens.length >= firstHit + _WORDS) break;
    if (firstHit < 0 && m.index > _SCAN_MAX) return null;
  }
  if (firstHit < 0 || tokens.length === 0) return null;
  const from = Math.max(0, firstHit - _BEFORE);
  const shown = tokens.slice(from, from + _WORDS);
  const first = shown[0];
  const last = shown[shown.length - 1];
  if (first === undefined || last === undefined) return null;
  let out = from > 0 ? "…" : "";
  let at = first.start;
  for (const token of shown) {
    out += text.slice(at, token.start).replace(/\s+/g, " ");
    const word = text.slice(token.start, token.end);
    out += token.hit ? `${marks.open}${word}${marks.close}` : word;
    at = token.end;
  }
  return out + (last.end < text.trimEnd().length ? "…" : "");
}
