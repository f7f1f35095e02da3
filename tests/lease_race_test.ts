/** Real stdio processes reserve overlapping paths at once: one exclusive winner, all or none. */
import assert from "node:assert/strict";
import { tempDb, TestAgent } from "./support/test_agent.ts";

const PROCESSES = 6;

interface _Lease {
  agent: string;
  path: string;
}

Deno.test(`${PROCESSES} processes reserve overlapping paths: one winner each round, all or none`, async () => {
  const db = await tempDb();
  const agents = await Promise.all(
    Array.from({ length: PROCESSES }, () => TestAgent.stdio(db.path)),
  );
  try {
    await Promise.all(agents.map((a, i) => a.ok("register", { name: `racer-${i}` })));
    // Each racer asks for a file of its own and an overlapping share of src/.
    const rounds: ((i: number) => string[])[] = [
      (i) => [`own-${i}.ts`, "src/**/*.ts"],
      (i) => [`src/core/file-${i}.ts`, "src/core/*"],
      (i) => [`docs/${i}.md`, "src/{core,mcp}/**"],
    ];
    for (const [round, paths] of rounds.entries()) {
      const outcomes = await Promise.all(
        agents.map((a, i) => a.ok("reserve_paths", { paths: paths(i), ttl: 600 })),
      );
      const winners = outcomes.filter((o) => o["granted"] === true);
      assert.equal(winners.length, 1, `round ${round}: exactly one exclusive winner`);
      const { leases } = await agents[0]!.ok("list_leases");
      const held = leases as _Lease[];
      const holders = new Set(held.map((l) => l.agent));
      assert.equal(holders.size, 1, "no loser holds any of its paths (all or none)");
      assert.equal(held.length, 2);
      for (const loser of outcomes.filter((o) => o["granted"] === false)) {
        const conflicts = loser["conflicts"] as { holder: string }[];
        assert.ok(conflicts.length > 0 && conflicts.every((c) => holders.has(c.holder)));
      }
      const winner = [...holders][0] ?? "";
      const index = Number(winner.split("-")[1]);
      await agents[index]!.ok("release_paths");
    }
    const log = await agents[0]!.ok("get_audit_log", { action: "lease.granted" });
    assert.equal((log["entries"] as unknown[]).length, rounds.length);
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await db.cleanup();
  }
});
