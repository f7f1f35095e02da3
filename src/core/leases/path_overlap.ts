/**
 * Whether two lease paths can name the same file. Matching a file against a glob is exact
 * (glob.ts). Two globs are compared alternative by alternative (`{a,b}` spelled out), folder by
 * folder, `**` standing for any number of folders; two wildcard parts of one folder are
 * disjoint only when their fixed beginnings or endings differ (`*.ts` and `*.md`), and
 * otherwise taken to overlap. So the answer for two globs errs on the side of a conflict,
 * never the other way. One comparison involving a glob (with a file or another glob) takes at
 * most LIMITS.leaseOverlapStepsMax steps; when they run out the answer is "overlaps" (a
 * conflict, a lease listed, a hook check blocked: never a missed one).
 */
import { LIMITS } from "../limits.ts";
import { compileGlob, isGlob, partMatches } from "./glob.ts";

/** Characters that make a part of a path a pattern rather than a name. */
const _SPECIAL = /[*?[\]]/;

/**
 * True when the file `file` is covered by the lease path `pattern` (a file or a glob), within
 * LIMITS.leaseOverlapStepsMax steps (out of steps: covered).
 */
export function coversFile(pattern: string, file: string): boolean {
  return overlapWork(file, pattern).overlap;
}

/**
 * Steps left for the glob comparisons of one call (LIMITS.leaseOverlapCallStepsMax): many
 * pairs each within its own budget must not add up to a long call either.
 */
export interface OverlapBudget {
  left: number;
}

/** A fresh budget for one call. */
export function overlapBudget(): OverlapBudget {
  return { left: LIMITS.leaseOverlapCallStepsMax };
}

/**
 * True when some file could be covered by both lease paths (see the module comment). With
 * `budget`, two globs spend its steps; once it is spent they are taken to overlap at once.
 */
export function pathsOverlap(a: string, b: string, budget?: OverlapBudget): boolean {
  if (budget === undefined) return overlapWork(a, b).overlap;
  if (budget.left <= 0 && (isGlob(a) || isGlob(b)) && a !== b) return true;
  const work = overlapWork(a, b, Math.max(1, Math.min(LIMITS.leaseOverlapStepsMax, budget.left)));
  budget.left -= work.steps;
  return work.overlap;
}

/** The answer of pathsOverlap, the steps it took, and whether it ran out of steps. */
export interface OverlapWork {
  overlap: boolean;
  steps: number;
  exhausted: boolean;
}

/**
 * pathsOverlap with its cost: each (folder of a, folder of b) pair visited is one step; a file
 * against a glob, each folder or character compared.
 */
export function overlapWork(
  a: string,
  b: string,
  budget: number = LIMITS.leaseOverlapStepsMax,
): OverlapWork {
  const done = (overlap: boolean): OverlapWork => ({ overlap, steps: 0, exhausted: false });
  if (a === b) return done(true);
  const globA = isGlob(a);
  const globB = isGlob(b);
  if (!globA && !globB) return done(false);
  const counter = { left: budget };
  if (!globA || !globB) {
    const covered = compileGlob(globA ? a : b).matches(globA ? b : a, counter);
    if (counter.left < 0) return { overlap: true, steps: budget, exhausted: true };
    return { overlap: covered, steps: budget - counter.left, exhausted: false };
  }
  const alternativesB = compileGlob(b).alternatives;
  for (const partsA of compileGlob(a).alternatives) {
    for (const partsB of alternativesB) {
      const found = _sequencesOverlap(partsA, partsB, counter);
      if (counter.left < 0) return { overlap: true, steps: budget, exhausted: true };
      if (found) return { overlap: true, steps: budget - counter.left, exhausted: false };
    }
  }
  return { overlap: false, steps: budget - counter.left, exhausted: false };
}

/**
 * Whether the two folder sequences can match one path; a visited (i, j) pair is remembered by
 * its number. Stops (answering true) when `counter.left` reaches zero.
 */
function _sequencesOverlap(
  a: readonly string[],
  b: readonly string[],
  counter: { left: number },
): boolean {
  const width = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * width);
  const visit = (i: number, j: number): boolean => {
    if (seen[i * width + j] === 1) return false;
    seen[i * width + j] = 1;
    if (--counter.left < 0) return true;
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
  if (!wildA) return partMatches(b, a);
  if (!wildB) return partMatches(a, b);
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
