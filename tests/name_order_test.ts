import assert from "node:assert/strict";
import { compareNames } from "../src/core/name_order.ts";
import { formatCount } from "../src/core/input_rules/wording.ts";

const _sign = (n: number) => Math.sign(n);

Deno.test("names sort as localeCompare sorts them (roles, rules, role files)", () => {
  const alphabet = "abcz019_-.";
  let seed = 11;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const names = ["agent", "async-worker", "admin", "a_b", "a-b", "a.b", "a1", "a", "ab", "team.x"];
  for (let i = 0; i < 2_000; i++) {
    const length = 1 + Math.floor(random() * 6);
    names.push(
      Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join(""),
    );
  }
  for (let i = 0; i < names.length - 1; i++) {
    const a = names[i]!;
    const b = names[i + 1]!;
    assert.equal(_sign(compareNames(a, b)), _sign(a.localeCompare(b)), `${a} vs ${b}`);
  }
  assert.deepEqual(
    [...names].sort(compareNames),
    [...names].sort((a, b) => a.localeCompare(b)),
  );
});

Deno.test("counts are written as toLocaleString('en-US') writes them", () => {
  for (const n of [0, 7, 999, 1_000, 12_345, 1_000_000, -4_200, 9_007_199_254_740_991, 1.5]) {
    assert.equal(formatCount(n), n.toLocaleString("en-US"));
  }
});
