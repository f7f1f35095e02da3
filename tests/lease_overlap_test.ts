/** Which lease paths can name the same file: exact for a file, conservative for two globs. */
import assert from "node:assert/strict";
import {
  coversFile,
  overlapBudget,
  overlapWork,
  pathsOverlap,
} from "../src/core/leases/path_overlap.ts";
import { compileGlob } from "../src/core/leases/glob.ts";
import { LIMITS } from "../src/core/limits.ts";
import { checkLeasePath, checkLeasePaths } from "../src/core/input_rules/lease_paths.ts";
import { ValidationError } from "../src/core/errors.ts";

const _CASES: [string, string, boolean][] = [
  // file against file: the same file only
  ["README.md", "README.md", true],
  ["README.md", "readme.md", false],
  ["src/a.ts", "src/b.ts", false],
  // file against glob: exactly what the glob matches
  ["src/a.ts", "src/*.ts", true],
  ["src/core/a.ts", "src/*.ts", false],
  ["src/core/a.ts", "src/**/*.ts", true],
  ["src/.hidden.ts", "src/**", true],
  ["docs/a.md", "src/**", false],
  ["src/a.ts", "src/{a,b}.ts", true],
  ["src/c.ts", "src/{a,b}.ts", false],
  // glob against glob: disjoint when it is certain
  ["src/**/*.ts", "src/**/*.md", false],
  ["src/**", "docs/**", false],
  ["src/*.ts", "src/core/*.ts", false],
  ["src/**/*.ts", "src/core/*.ts", true],
  ["**", "anything/*.md", true],
  ["src/a*", "src/b*", false],
  ["src/a*", "src/ab*", true],
  // braces are spelled out, alternative by alternative
  ["src/*.{ts,js}", "src/*.md", false],
  ["src/*.{ts,js}", "src/**/a.js", true],
  ["{src,lib}/**", "src/x/*.ts", true],
  ["docs/{a,b/c}/*.md", "src/*.ts", false],
  ["docs/{a,b/c}/*.md", "docs/z/*.ts", false],
  ["docs/{a,b/c}/*.md", "docs/b/*/*.md", true],
  ["{src,lib/x}/*.ts", "docs/*.md", false],
  ["src/a?.ts", "src/b?.ts", false],
  // ...and conservative when in doubt: these share no file but count as overlapping
  ["src/[ab].ts", "src/[cd].ts", true],
];

/** Each path is refused as paths[0] with a ValidationError matching its pattern. */
function assertRefused(refused: readonly [string, RegExp][]): void {
  for (const [path, message] of refused) {
    assert.throws(() => checkLeasePath(path, "paths[0]"), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.match(e.message, message);
      return true;
    }, path);
  }
}

Deno.test("lease paths: overlap of files and globs", () => {
  for (const [a, b, expected] of _CASES) {
    assert.equal(pathsOverlap(a, b), expected, `${a} vs ${b}`);
    assert.equal(pathsOverlap(b, a), expected, `${b} vs ${a}`);
  }
});

Deno.test("lease paths: a glob covers the files it matches, a file only itself", () => {
  assert.ok(coversFile("src/**/*.ts", "src/a/b/c.ts"));
  assert.ok(!coversFile("src/**/*.ts", "src/a/b/c.tsx"));
  assert.ok(coversFile("src/a.ts", "src/a.ts"));
  assert.ok(!coversFile("src/a.ts", "src/a.tsx"));
});

Deno.test("lease paths: one spelling, and clear errors for what cannot be leased", () => {
  assert.equal(checkLeasePath("./src//a.ts", "paths[0]"), "src/a.ts");
  assert.equal(checkLeasePath("src/core/", "paths[0]"), "src/core/**");
  const refused: [string, RegExp][] = [
    ["", /paths\[0\] must not be empty/],
    ["   ", /must not be empty/],
    ["/etc/passwd", /is absolute/],
    ["C:/x", /is absolute/],
    ["../other/a.ts", /contains '\.\.'/],
    ["src/../../a.ts", /contains '\.\.'/],
    ["src\\a.ts", /backslash/],
    ["!src/a.ts", /negation/],
    ["./", /names no file/],
    ["a".repeat(600), /too long: 600 characters; the limit is 512/],
  ];
  assertRefused(refused);
  assert.throws(() => checkLeasePaths([]), /paths must not be empty/);
  assert.throws(
    () => checkLeasePaths(Array.from({ length: 10_000 }, (_, i) => `f${i}`)),
    /paths has 10,000 entries; the limit is 100/,
  );
  assert.deepEqual(checkLeasePaths(["a.ts", "./a.ts"]), ["a.ts"]);
});

Deno.test("lease paths: a glob's syntax is one that matches in bounded time", () => {
  const accepted = ["src/**/*.ts", "src/[a-c]?.ts", "src/[!x]*", "src/{a,b}/*.{ts,md}", "a+b.ts"];
  for (const path of accepted) assert.equal(checkLeasePath(path, "paths[0]"), path);
  const refused: [string, RegExp][] = [
    ["**/+(+()*)(", /paths\[0\] '\*\*\/\+\(\+\(\)\*\)\(' uses the extended glob '\+\(…'/],
    ["src/@(a|b).ts", /extended glob '@\(…'; a glob may use \* \(within a folder\)/],
    ["src/!(a).ts", /extended glob/],
    ["src/*(a).ts", /extended glob/],
    ["src/{a,{b,c}}.ts", /nests braces/],
    ["src/{a,b.ts", /'\{' that is never closed/],
    ["src/[ab.ts", /'\[' that is never closed/],
    ["{a,b}/{a,b}/{a,b}/{a,b}/{a,b}/{a,b}", /more than 32 alternatives/],
  ];
  assertRefused(refused);
});

Deno.test("lease paths: matching takes no backtracking blow-up, even for a glob stored before", () => {
  // With a backtracking matcher each of these takes minutes for a long name (the first froze
  // serve for 14.5 s at 23 characters); bounded matching answers at once.
  const long = "a".repeat(400);
  assert.ok(!coversFile("*a*a*a*a*a*a*a*a*a*a*b", long));
  assert.ok(!coversFile("**/*a*a*a*a*a*a*a*a*a*a*b", `x/${long}`));
  assert.ok(coversFile("**/*a*a*a*a*a*a*a*a*a*a*", `x/y/z/${long}`));
  // a glob stored before the syntax check covers everything under its fixed folders
  assert.ok(coversFile("**/+(+()*)(", long));
  assert.ok(coversFile("src/+(a|b)/x.ts", "src/q/r.ts"));
  assert.ok(!coversFile("src/+(a|b)/x.ts", "docs/a.md"));
  assert.ok(pathsOverlap("src/+(a|b)/x.ts", "src/*.ts"));
  assert.ok(!pathsOverlap("src/+(a|b)/x.ts", "docs/**"));
});

Deno.test("lease paths: a file whose name holds glob characters is covered by its own lease", () => {
  assert.ok(coversFile("app/[id]/page.tsx", "app/[id]/page.tsx"));
  assert.ok(pathsOverlap("app/[id]/page.tsx", "app/[id]/page.tsx"));
  assert.ok(coversFile("app/**", "app/[id]/page.tsx"));
});

/** The attacker's glob: 32 brace alternatives, then `/**\/*a` until `length` characters. */
function _heavyGlob(tail: string, end: string, length: number): string {
  let glob = "src/{a,b}/{a,b}/{a,b}/{a,b}/{a,b}";
  while ((glob + `/**/*${tail}` + end).length <= length) glob += `/**/*${tail}`;
  return glob + end;
}

Deno.test("lease paths: a glob has at most 32 folders and 8 '**' (comparing two is bounded)", () => {
  // 500 characters of `/**/*a` took 189-591 ms to compare with its twin; now refused.
  assertRefused([
    [_heavyGlob("a", "/z.ts", 505), /has 161 folders; the limit is 32; a glob may use/],
    ["src/" + "x/".repeat(40) + "*.ts", /has 42 folders; the limit is 32/],
    ["src/" + "**/x/".repeat(9) + "*.ts", /has 9 '\*\*'; the limit is 8/],
  ]);
  const eight = "src/" + "**/x/".repeat(8) + "*.ts";
  assert.equal(checkLeasePath(eight, "paths[0]"), eight);
});

Deno.test("lease paths: comparing two globs stops at its step budget and answers 'overlap'", () => {
  // the costliest pair accepted: 32 alternatives each, 8 '**' and 32 folders
  const heavy = (t: string) =>
    "src/{a,b}/{a,b}/{a,b}/{a,b}/{a,b}/" + `**/*${t}/*${t}/`.repeat(8) +
    "q.ts";
  const [a, b] = [heavy("a"), heavy("b")];
  assert.equal(checkLeasePath(a, "paths[0]"), a);
  const unbounded = overlapWork(a, b, Number.MAX_SAFE_INTEGER);
  assert.equal(unbounded.overlap, false);
  assert.ok(unbounded.steps > LIMITS.leaseOverlapStepsMax, `${unbounded.steps} steps`);
  const bounded = overlapWork(a, b);
  assert.deepEqual(bounded, {
    overlap: true,
    steps: LIMITS.leaseOverlapStepsMax,
    exhausted: true,
  });
  assert.equal(pathsOverlap(a, b), true, "out of steps counts as a conflict");
  // ordinary globs stay well inside the budget and keep their exact answers
  const ordinary = overlapWork("src/{core,cli}/**/*.ts", "src/**/*.md");
  assert.equal(ordinary.overlap, false);
  assert.ok(ordinary.steps < 100, `${ordinary.steps} steps`);
  // a too-big glob stored before the limit covers everything under its fixed folders: cheap
  const stored = overlapWork(_heavyGlob("a", "/z.ts", 505), b);
  assert.equal(stored.overlap, true);
  assert.ok(stored.steps < 100, `${stored.steps} steps`);
});

Deno.test("lease paths: all the comparisons of one call share a step budget", () => {
  // 100 heavy paths against 100 heavy leases held serve for 5 s with only a per-pair budget.
  const heavy = (t: string, i: number) =>
    "src/{a,b}/{a,b}/{a,b}/{a,b}/{a,b}/" + `**/*${t}/*${t}/`.repeat(8) + `p${i}.ts`;
  const budget = overlapBudget();
  assert.equal(budget.left, LIMITS.leaseOverlapCallStepsMax);
  let spent = 0;
  let pairs = 0;
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < 100; j++) {
      const before = budget.left;
      assert.equal(pathsOverlap(heavy("a", i), heavy("b", j), budget), true, "conservative");
      spent += Math.max(0, before - budget.left);
      if (before > budget.left) pairs++;
    }
  }
  assert.ok(spent <= LIMITS.leaseOverlapCallStepsMax + LIMITS.leaseOverlapStepsMax, `${spent}`);
  assert.ok(pairs < 100, `only ${pairs} of 10,000 pairs were compared step by step`);
  // once the call's budget is spent a file against a glob counts as overlapping too; two
  // files are still compared exactly (they cost nothing)
  assert.equal(pathsOverlap("docs/a.md", "src/**", budget), true);
  assert.equal(pathsOverlap("docs/a.md", "src/a.md", budget), false);
  assert.equal(pathsOverlap("src/a.ts", "src/a.ts", budget), true);
});

/** The attacker's shapes (round three, third pass): 31 folders that restart over 252 names. */
const _slowGlob = (n: number) => "x/**/" + "{a,?}/".repeat(5) + "?/".repeat(23) + `c${n}`;
const _deepFile = (n: number) => "x/" + "a/".repeat(250) + `f${n}`;

Deno.test("lease paths: a file against a glob stops at the step budget and answers 'covered'", () => {
  // one such pair took 8-15 ms with no budget; a reservation against 500 of them 4.4 s
  const glob = _slowGlob(0);
  assert.equal(checkLeasePath(glob, "paths[0]"), glob);
  assert.equal(checkLeasePath(_deepFile(0), "paths[0]"), _deepFile(0));
  const unbounded = overlapWork(_deepFile(0), glob, Number.MAX_SAFE_INTEGER);
  assert.equal(unbounded.overlap, false, "the glob does not match the file");
  assert.ok(unbounded.steps > 100 * LIMITS.leaseOverlapStepsMax, `${unbounded.steps} steps`);
  const bounded = overlapWork(_deepFile(0), glob);
  assert.deepEqual(bounded, { overlap: true, steps: LIMITS.leaseOverlapStepsMax, exhausted: true });
  assert.deepEqual(overlapWork(glob, _deepFile(0)), bounded, "either order");
  assert.equal(coversFile(glob, _deepFile(0)), true, "out of steps: covered, never a miss");
  // ordinary matches stay well inside the budget and keep their exact answers
  const ordinary = overlapWork("src/core/leases/glob.ts", "src/**/*.ts");
  assert.equal(ordinary.overlap, true);
  assert.ok(ordinary.steps < 100, `${ordinary.steps} steps`);
  const miss = overlapWork("docs/" + "d/".repeat(30) + "a.md", "docs/**/*.ts");
  assert.equal(miss.overlap, false);
  assert.ok(miss.steps < 200, `${miss.steps} steps`);
});

Deno.test("lease paths: a file against many globs spends one call's budget, then conflicts", () => {
  const budget = overlapBudget();
  let spent = 0;
  let matched = 0;
  for (let i = 0; i < 500; i++) {
    const before = budget.left;
    assert.equal(pathsOverlap(_deepFile(0), _slowGlob(i), budget), true, "conservative");
    spent += Math.max(0, before - budget.left);
    if (before > budget.left) matched++;
  }
  assert.ok(spent <= LIMITS.leaseOverlapCallStepsMax + LIMITS.leaseOverlapStepsMax, `${spent}`);
  assert.ok(matched < 30, `only ${matched} of 500 globs were matched step by step`);
});

Deno.test("lease paths: the compiled globs kept are the least recently used dropped first", () => {
  // Cleared whole when 2,000 were kept: past that every live glob was compiled again.
  const hot = compileGlob("hot/**/*.ts");
  const firstCold = compileGlob("cold/0/*.ts");
  for (let i = 1; i < 2_500; i++) {
    compileGlob(`cold/${i}/*.ts`);
    assert.equal(compileGlob("hot/**/*.ts"), hot, `still kept after ${i} others`);
  }
  assert.notEqual(compileGlob("cold/0/*.ts"), firstCold, "the least recently used was dropped");
  assert.equal(compileGlob("cold/0/*.ts").matches("cold/0/a.ts"), true);
});
