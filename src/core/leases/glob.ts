/**
 * The glob syntax of lease paths, matched in time bounded by the lengths of the glob and the
 * path (no regular expressions, so no backtracking blow-up). A glob is split into folder parts;
 * `**` alone as a part stands for any number of folders; within a part `*` is any run of
 * characters, `?` one character and `[...]` one of a set (`[a-z]`, `[!a]`). `{a,b}` gives
 * alternatives, expanded before matching. Extended globs (`@(…)`, `+(…)`, `!(…)`, `*(…)`,
 * `?(…)`) are refused: they are what makes a matcher backtrack.
 */
import { LIMITS } from "../limits.ts";

/** The accepted syntax, for error messages. */
export const GLOB_SYNTAX = "* (within a folder), ** (any folders), ?, [abc], [a-z], [!a] and " +
  `{a,b} (at most ${LIMITS.leaseGlobAlternativesMax} alternatives in all), at most ` +
  `${LIMITS.leaseGlobPartsMax} folders and ${LIMITS.leaseGlobStarStarMax} '**'; extended globs ` +
  "such as +(a|b) are not accepted because they cannot be matched in bounded time";

/** Characters that make a path a glob rather than one file. */
const _WILD = /[*?[\]{}]/;
const _EXTGLOB = /[@!+*?]\(/;

/** True when `path` is a glob rather than one file. */
export function isGlob(path: string): boolean {
  return _WILD.test(path) || _EXTGLOB.test(path);
}

/** What is wrong with `glob`'s syntax, or null when it is accepted. */
export function globProblem(glob: string): string | null {
  const ext = _EXTGLOB.exec(glob);
  if (ext) return `uses the extended glob '${ext[0]}…'`;
  if (!_WILD.test(glob)) return null;
  try {
    _parseAll(glob);
    return null;
  } catch (error) {
    if (error instanceof _SyntaxError) return error.message;
    throw error;
  }
}

/** One folder part: literal text and wildcards, or `**`. */
type _Token =
  | { kind: "char"; char: string }
  | { kind: "any" }
  | { kind: "star" }
  | { kind: "set"; negated: boolean; ranges: [string, string][] };
type _Part = "**" | _Token[];

class _SyntaxError extends Error {}

/**
 * Steps a match may still take (each comparison of a folder or a character is one). When they
 * run out the match stops and answers true: the caller takes it as covered, never a miss.
 */
export interface StepCounter {
  left: number;
}

/** A compiled glob: its alternatives, each a list of folder parts. */
export interface Glob {
  /** Whether `file` matches; with `counter`, stops answering true once its steps run out. */
  matches(file: string, counter?: StepCounter): boolean;
  /** Each alternative's folder parts, for comparing two globs. */
  readonly alternatives: readonly (readonly string[])[];
}

/** Compiled globs, the least recently used dropped first when there are _CACHE_MAX. */
const _cache = new Map<string, Glob>();
const _CACHE_MAX = 2_000;

/**
 * The compiled form of `glob`. A glob stored before its syntax was checked and not accepted
 * now covers everything under its fixed leading folders (erring towards a conflict).
 */
export function compileGlob(glob: string): Glob {
  const cached = _cache.get(glob);
  if (cached) {
    _cache.delete(glob); // to the end: most recently used
    _cache.set(glob, cached);
    return cached;
  }
  if (_cache.size >= _CACHE_MAX) _cache.delete(_cache.keys().next().value ?? "");
  const compiled = _compile(glob);
  _cache.set(glob, compiled);
  return compiled;
}

/** True when the folder name `name` matches the single part `part` of an accepted glob. */
export function partMatches(part: string, name: string): boolean {
  const parsed = _parsePart(part);
  return parsed === "**" || _matchTokens(parsed, [...name], { left: Infinity });
}

function _compile(glob: string): Glob {
  let parsed: _Part[][];
  try {
    if (_EXTGLOB.test(glob)) return _underBase(glob);
    parsed = _parseAll(glob);
  } catch (error) {
    if (error instanceof _SyntaxError) return _underBase(glob);
    throw error;
  }
  let alternatives: string[][] | undefined; // only comparing two globs needs them: made then
  return {
    get alternatives() {
      return alternatives ??= _expand(glob).map((a) => a.split("/"));
    },
    matches: (file, counter = { left: Infinity }) => {
      const names = file.split("/").map((name) => [...name]);
      return parsed.some((parts) => _matchParts(parts, names, counter));
    },
  };
}

/**
 * Each alternative of an accepted glob, parsed into folder parts (a part spelled the same in
 * several alternatives is parsed once and shared); throws _SyntaxError when not accepted.
 */
function _parseAll(glob: string): _Part[][] {
  const known = new Map<string, _Part>();
  return _expand(glob).map((alternative) => {
    const parts = alternative.split("/").map((text) => {
      let part = known.get(text);
      if (part === undefined) {
        part = _parsePart(text);
        known.set(text, part);
      }
      return part;
    });
    _checkSize(parts);
    return parts;
  });
}

function _underBase(glob: string): Glob {
  const base: string[] = [];
  for (const part of glob.split("/")) {
    if (_WILD.test(part) || /[()|@!+]/.test(part)) break;
    base.push(part);
  }
  return {
    alternatives: [[...base, "**"]],
    matches: (file) => {
      const names = file.split("/");
      return base.every((part, i) => names[i] === part) && names.length > base.length;
    },
  };
}

/** `{a,b}` alternatives spelled out; braces do not nest. */
function _expand(glob: string): string[] {
  let results = [""];
  let i = 0;
  while (i < glob.length) {
    const char = glob[i] ?? "";
    if (char === "[") {
      const end = _setEnd(glob, i);
      results = results.map((r) => r + glob.slice(i, end + 1));
      i = end + 1;
    } else if (char === "{") {
      const close = glob.indexOf("}", i + 1);
      if (close < 0) throw new _SyntaxError("has a '{' that is never closed");
      const inner = glob.slice(i + 1, close);
      if (inner.includes("{")) throw new _SyntaxError("nests braces");
      const options = inner.split(",");
      const next = results.flatMap((r) => options.map((o) => r + o));
      if (next.length > LIMITS.leaseGlobAlternativesMax) {
        throw new _SyntaxError(
          `spells out to more than ${LIMITS.leaseGlobAlternativesMax} alternatives`,
        );
      }
      results = next;
      i = close + 1;
    } else if (char === "}") {
      throw new _SyntaxError("has a '}' without its '{'");
    } else {
      results = results.map((r) => r + char);
      i++;
    }
  }
  return results;
}

/** Index of the `]` closing the set opened at `start`. */
function _setEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === "!" || glob[i] === "^") i++;
  if (glob[i] === "]") i++;
  const end = glob.indexOf("]", i);
  if (end < 0) throw new _SyntaxError("has a '[' that is never closed");
  if (glob.slice(start, end).includes("/")) throw new _SyntaxError("has a '/' inside [...]");
  return end;
}

/** Refuses an alternative with more folders or `**` than comparing two globs can afford. */
function _checkSize(parts: readonly _Part[]): void {
  if (parts.length > LIMITS.leaseGlobPartsMax) {
    throw new _SyntaxError(
      `has ${parts.length} folders; the limit is ${LIMITS.leaseGlobPartsMax}`,
    );
  }
  const starStars = parts.filter((part) => part === "**").length;
  if (starStars > LIMITS.leaseGlobStarStarMax) {
    throw new _SyntaxError(
      `has ${starStars} '**'; the limit is ${LIMITS.leaseGlobStarStarMax}`,
    );
  }
}

function _parsePart(part: string): _Part {
  if (part === "**") return "**";
  const tokens: _Token[] = [];
  for (let i = 0; i < part.length; i++) {
    const char = part[i] ?? "";
    if (char === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (char === "?") {
      tokens.push({ kind: "any" });
    } else if (char === "[") {
      const end = _setEnd(part, i);
      tokens.push(_set(part.slice(i + 1, end)));
      i = end;
    } else {
      tokens.push({ kind: "char", char });
    }
  }
  return tokens;
}

function _set(body: string): _Token {
  const negated = body.startsWith("!") || body.startsWith("^");
  const chars = [...(negated ? body.slice(1) : body)];
  const ranges: [string, string][] = [];
  for (let i = 0; i < chars.length; i++) {
    const from = chars[i] ?? "";
    const to = chars[i + 2];
    if (chars[i + 1] === "-" && to !== undefined) {
      ranges.push([from, to]);
      i += 2;
    } else {
      ranges.push([from, from]);
    }
  }
  return { kind: "set", negated, ranges };
}

/**
 * Wildcard matching that, on a mismatch, resumes only after the most recent `*` (or `**`):
 * each step moves forward or back to that one point, so the work is at most the product of
 * the two lengths. `fits(i, j)` says whether item i of the pattern takes item j of the input.
 * Each step spends one of `counter`; when none are left it answers true (see StepCounter).
 */
function _wildcardMatch(
  patternLength: number,
  inputLength: number,
  isStar: (i: number) => boolean,
  fits: (i: number, j: number) => boolean,
  counter: StepCounter,
): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < inputLength) {
    if (--counter.left < 0) return true;
    if (p < patternLength && isStar(p)) {
      starP = p++;
      starS = s;
    } else if (p < patternLength && fits(p, s)) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (p < patternLength && isStar(p)) p++;
  return p === patternLength || counter.left < 0;
}

function _matchTokens(
  tokens: readonly _Token[],
  chars: readonly string[],
  counter: StepCounter,
): boolean {
  return _wildcardMatch(
    tokens.length,
    chars.length,
    (i) => tokens[i]?.kind === "star",
    (i, j) => _tokenFits(tokens[i], chars[j] ?? ""),
    counter,
  );
}

function _tokenFits(token: _Token | undefined, char: string): boolean {
  switch (token?.kind) {
    case "char":
      return token.char === char;
    case "any":
      return true;
    case "set":
      return token.ranges.some(([from, to]) => from <= char && char <= to) !== token.negated;
    default:
      return false;
  }
}

function _matchParts(
  parts: readonly _Part[],
  names: readonly (readonly string[])[],
  counter: StepCounter,
): boolean {
  return _wildcardMatch(
    parts.length,
    names.length,
    (i) => parts[i] === "**",
    (i, j) => {
      const part = parts[i];
      return part !== undefined && part !== "**" && _matchTokens(part, names[j] ?? [], counter);
    },
    counter,
  );
}
