/**
 * Whether two lease paths can name the same file. Matching a file against a glob is exact
 * (picomatch, with dotfiles). Two globs are compared folder by folder, `**` standing for any
 * number of folders; two wildcard parts of one folder are disjoint only when their fixed
 * beginnings or endings differ (`*.ts` and `*.md`), and otherwise taken to overlap. So the
 * answer for two globs errs on the side of a conflict, never the other way. Globs with braces
 * or groups that span folders are compared by their fixed leading folders only.
 */
// @ts-types="@types/picomatch"
import picomatch from "picomatch";

const _OPTIONS = { dot: true } as const;
/** Characters that make a part of a path a pattern rather than a name. */
const _SPECIAL = /[*?[\]{}()!+@\\]/;

/** True when `path` is a glob rather than one file. */
export function isGlob(path: string): boolean {
  return picomatch.scan(path).isGlob;
}

/** True when the file `file` is covered by the lease path `pattern` (a file or a glob). */
export function coversFile(pattern: string, file: string): boolean {
  if (!isGlob(pattern)) return pattern === file;
  return picomatch(pattern, _OPTIONS)(file);
}

/** True when some file could be covered by both lease paths (see the module comment). */
export function pathsOverlap(a: string, b: string): boolean {
  const globA = isGlob(a);
  const globB = isGlob(b);
  if (!globA && !globB) return a === b;
  if (!globA) return coversFile(b, a);
  if (!globB) return coversFile(a, b);
  const partsA = _parts(a);
  const partsB = _parts(b);
  if (partsA === null || partsB === null) return _basesOverlap(a, b);
  return _sequencesOverlap(partsA, partsB);
}

/** The folders of a glob, or null when a group spans a `/` (braces, extglobs). */
function _parts(glob: string): string[] | null {
  let depth = 0;
  for (const char of glob) {
    if (char === "{" || char === "(") depth++;
    else if ((char === "}" || char === ")") && depth > 0) depth--;
    else if (char === "/" && depth > 0) return null;
  }
  return glob.split("/");
}

/** Every file of a glob lies under its fixed leading folders; disjoint folders, no overlap. */
function _basesOverlap(a: string, b: string): boolean {
  const baseA = picomatch.scan(a).base.split("/").filter(Boolean);
  const baseB = picomatch.scan(b).base.split("/").filter(Boolean);
  const shorter = Math.min(baseA.length, baseB.length);
  return baseA.slice(0, shorter).every((part, i) => part === baseB[i]);
}

function _sequencesOverlap(a: readonly string[], b: readonly string[]): boolean {
  const seen = new Set<string>();
  const visit = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (a[i] === "**") return visit(i + 1, j) || (j < b.length && visit(i, j + 1));
    if (b[j] === "**") return visit(i, j + 1) || (i < a.length && visit(i + 1, j));
    if (i === a.length || j === b.length) return i === a.length && j === b.length;
    return _partsOverlap(a[i] ?? "", b[j] ?? "") && visit(i + 1, j + 1);
  };
  return visit(0, 0);
}

/** Whether one folder name could match both parts. */
function _partsOverlap(a: string, b: string): boolean {
  const wildA = _SPECIAL.test(a);
  const wildB = _SPECIAL.test(b);
  if (!wildA && !wildB) return a === b;
  if (!wildA) return picomatch(b, _OPTIONS)(a);
  if (!wildB) return picomatch(a, _OPTIONS)(b);
  const [headA, tailA] = _fixedEnds(a);
  const [headB, tailB] = _fixedEnds(b);
  return (headA.startsWith(headB) || headB.startsWith(headA)) &&
    (tailA.endsWith(tailB) || tailB.endsWith(tailA));
}

/** The fixed text before the first and after the last wildcard character. */
function _fixedEnds(part: string): [string, string] {
  const first = part.search(_SPECIAL);
  let last = part.length - 1;
  while (last >= 0 && !_SPECIAL.test(part[last] ?? "")) last--;
  return [part.slice(0, first), part.slice(last + 1)];
}
