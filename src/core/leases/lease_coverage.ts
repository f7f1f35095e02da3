/**
 * How much of the repository one agent's leases may cover. A lease whose first segment names
 * no top-level folder or file (`**`, `*`, `**\/*.ts`, `{*,x}/**`) reaches into every folder:
 * only a member with manage_leases takes such a whole-tree lease. And an agent without it holds
 * at most LIMITS.leaseTopLevelGlobsMax leases whose first segment is a glob (`a*`, `b*`... would
 * cover the tree piece by piece). Pure path analysis, apart from path_overlap.ts's matching.
 */
import { LIMITS } from "../limits.ts";

/** Characters that make a path segment a glob. */
const _GLOB = /[*?[\]{}()!+@]/;

/** True when `path`'s first segment is a glob (it may match several top-level entries). */
export function isTopLevelGlob(path: string): boolean {
  return _GLOB.test(path.split("/")[0] ?? "");
}

/**
 * True when `path` may match under every top-level folder: its first segment has an expansion
 * without a literal character (`**`, `*`, `?`, `[a-z]*`, `+(x)`, `{*,src}`). Unbalanced glob
 * syntax counts as reaching everywhere.
 */
export function reachesEveryFolder(path: string): boolean {
  const first = path.split("/")[0] ?? "";
  const parsed = _sequence(first, 0, "");
  return parsed === undefined || parsed.end !== first.length || !parsed.literal;
}

/**
 * Parses a sequence of `text` from `at` up to one of `stops` (or the end): whether every
 * expansion of it holds a literal character, and where it ended; undefined when unbalanced.
 * Linear in the length (each character is read once).
 */
function _sequence(
  text: string,
  at: number,
  stops: string,
): { literal: boolean; end: number } | undefined {
  let literal = false;
  let i = at;
  while (i < text.length && !stops.includes(text[i]!)) {
    const char = text[i]!;
    if (char === "[") {
      const close = text.indexOf("]", i + 2);
      if (close < 0) return undefined;
      i = close + 1;
    } else if ("@*+?!".includes(char) && text[i + 1] === "(" || char === "(") {
      const group = _group(text, char === "(" ? i : i + 1, "(", ")");
      if (group === undefined) return undefined;
      i = group;
    } else if (char === "{") {
      // Every alternative must hold a literal for the braces to count as one.
      let all = true;
      let j = i;
      do {
        const part = _sequence(text, j + 1, ",}");
        if (part === undefined) return undefined;
        all &&= part.literal;
        j = part.end;
      } while (text[j] === ",");
      if (text[j] !== "}") return undefined;
      literal ||= all;
      i = j + 1;
    } else if (char === "*" || char === "?" || char === ")" || char === "]" || char === "}") {
      i++;
    } else {
      literal = true;
      i++;
    }
  }
  return { literal, end: i };
}

/** The index after the group that opens at `open` (nesting counted); undefined if unclosed. */
function _group(text: string, open: number, opener: string, closer: string): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === opener) depth++;
    else if (text[i] === closer && --depth === 0) return i + 1;
  }
  return undefined;
}

/**
 * What is wrong with an agent without manage_leases holding `held` and adding `paths`: the
 * first path that reaches into every folder, or that the top-level globs would be too many;
 * undefined when the leases may be granted.
 */
export function coverageProblem(
  paths: readonly string[],
  held: readonly string[],
):
  | { kind: "everywhere"; path: string; index: number }
  | { kind: "globs"; count: number }
  | undefined {
  const index = paths.findIndex(reachesEveryFolder);
  if (index >= 0) return { kind: "everywhere", path: paths[index]!, index };
  const globs = new Set([...held, ...paths].filter(isTopLevelGlob));
  if (globs.size > LIMITS.leaseTopLevelGlobsMax) return { kind: "globs", count: globs.size };
  return undefined;
}
