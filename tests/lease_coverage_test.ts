/**
 * What one lease may cover: an agent without manage_leases cannot lease a path that reaches
 * into every folder (`**`, `*`, `**\/*.ts`) nor hold more than LIMITS.leaseTopLevelGlobsMax
 * top-level globs; the refusal says how a whole-tree lease is meant to be taken.
 */
import assert from "node:assert/strict";
import { LIMITS } from "../src/core/limits.ts";
import { isTopLevelGlob, reachesEveryFolder } from "../src/core/leases/lease_coverage.ts";
import { agentEnv, grantRole, tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("which paths reach into every folder, and which are top-level globs", () => {
  const everywhere = [
    "**",
    "*",
    "**/*.ts",
    "*/x.md",
    "?",
    "??/**",
    "[a-z]*/**",
    "+(x)/y",
    "{*,src}/**",
    "{,src}/**",
    "**{",
    "@(src/**",
  ];
  for (const path of everywhere) assert.equal(reachesEveryFolder(path), true, path);
  const named = ["src/**", "*.md", "README.md", "{src,lib}/**", "a*", "src*/**", "x?/**"];
  for (const path of named) assert.equal(reachesEveryFolder(path), false, path);
  assert.deepEqual(
    ["src/**", "*.md", "a*", "{src,lib}/x", "docs/*.md"].map(isTopLevelGlob),
    [false, true, true, true, false],
  );
  const long = "{".repeat(200) + "a" + "}".repeat(200);
  assert.equal(reachesEveryFolder(long), false, "nesting is parsed in one pass");
});

Deno.test("stdio: an agent without manage_leases cannot lease the whole tree or a pile of top-level globs; a lead can", async () => {
  const db = await tempDb();
  const bob = await TestAgent.stdio(db.path);
  const lead = await TestAgent.stdio(
    db.path,
    agentEnv("boss", await grantRole(db.path, "boss", "lead")),
  );
  try {
    await bob.ok("register", { name: "bob" });
    for (const [i, path] of ["**", "**/*.ts", "*"].entries()) {
      const refused = await bob.call("reserve_paths", { paths: ["docs/a.md", path], ttl: 86_400 });
      assert.equal(refused.isError, true, path);
      assert.match(
        refused.text,
        new RegExp(
          `paths\\[1\\]: 'bob' may not lease '${path.replaceAll("*", "\\*")}': it names no ` +
            "top-level folder or file, so it reaches into every folder: role 'agent' lacks the " +
            "privilege manage_leases \\(roles with it: admin, lead\\)\\. A whole-tree lease",
        ),
        `${i}: ${refused.text}`,
      );
    }
    assert.deepEqual((await bob.ok("list_leases"))["leases"], [], "nothing was leased");

    const globs = Array.from(
      { length: LIMITS.leaseTopLevelGlobsMax },
      (_, i) => `${"abcdefghijklmnop"[i]}*`,
    );
    await bob.ok("reserve_paths", { paths: globs.slice(0, 4) });
    await bob.ok("reserve_paths", { paths: globs.slice(4) });
    const pile = await bob.call("reserve_paths", { paths: ["z*", "src/**"] });
    assert.equal(pile.isError, true);
    assert.match(
      pile.text,
      new RegExp(
        `paths: 'bob' may not hold ${LIMITS.leaseTopLevelGlobsMax + 1} leases whose first ` +
          `segment is a glob \\(the most without it: ${LIMITS.leaseTopLevelGlobsMax}\\)`,
      ),
    );
    await bob.ok("reserve_paths", { paths: ["src/**", "docs/*.md", "a*"] });

    await bob.ok("release_paths", {});
    const whole = await lead.ok("reserve_paths", { paths: ["**"], reason: "repo-wide rename" });
    assert.equal(whole["granted"], true, "a member with manage_leases takes a whole-tree lease");
  } finally {
    await Promise.all([bob.close(), lead.close()]);
    await db.cleanup();
  }
});
