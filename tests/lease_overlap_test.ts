/** Which lease paths can name the same file: exact for a file, conservative for two globs. */
import assert from "node:assert/strict";
import { coversFile, pathsOverlap } from "../src/core/leases/path_overlap.ts";
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
  // ...and conservative when in doubt: these share no file but count as overlapping
  ["src/*.{ts,js}", "src/*.md", true],
  ["src/[ab].ts", "src/[cd].ts", true],
  ["{src,lib}/**", "src/x/*.ts", true],
  ["docs/{a,b/c}/*.md", "src/*.ts", false],
  ["docs/{a,b/c}/*.md", "docs/z/*.ts", true],
  ["{src,lib/x}/*.ts", "docs/*.md", true],
];

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
  for (const [path, message] of refused) {
    assert.throws(() => checkLeasePath(path, "paths[0]"), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.match(e.message, message);
      return true;
    }, path);
  }
  assert.throws(() => checkLeasePaths([]), /paths must not be empty/);
  assert.throws(
    () => checkLeasePaths(Array.from({ length: 10_000 }, (_, i) => `f${i}`)),
    /paths has 10,000 entries; the limit is 100/,
  );
  assert.deepEqual(checkLeasePaths(["a.ts", "./a.ts"]), ["a.ts"]);
});
