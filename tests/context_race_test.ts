import assert from "node:assert/strict";
import { tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("shared context across processes: versions increase; an expected_version race has one winner", async () => {
  const db = await tempDb();
  const one = await TestAgent.stdio(db.path);
  const two = await TestAgent.stdio(db.path);
  try {
    await one.ok("register", { name: "alice" });
    await two.ok("register", { name: "bob" });
    const versions: number[] = [];
    for (let i = 0; i < 6; i++) {
      const writer = i % 2 ? two : one;
      const entry = (await writer.ok("share_context", { key: "spec", value: `v${i}`, ns: "proj" }))[
        "entry"
      ] as {
        version: number;
      };
      versions.push(entry.version);
    }
    assert.deepEqual(versions, [1, 2, 3, 4, 5, 6]);
    for (let round = 0; round < 5; round++) {
      const read = (await one.ok("get_shared_context", { key: "spec", ns: "proj" }))["entries"] as {
        version: number;
      }[];
      const seen = read[0]!.version;
      const outcomes = await Promise.all([
        one.call("share_context", {
          key: "spec",
          value: `alice ${round}`,
          ns: "proj",
          expected_version: seen,
        }),
        two.call("share_context", {
          key: "spec",
          value: `bob ${round}`,
          ns: "proj",
          expected_version: seen,
        }),
      ]);
      assert.equal(outcomes.filter((o) => !o.isError).length, 1, `round ${round}: one winner`);
      const loser = outcomes.find((o) => o.isError)!;
      assert.match(loser.text, new RegExp(`is at version ${seen + 1}, written by '(alice|bob)'`));
    }
    const history = await two.ok("context_history", { key: "spec", ns: "proj" });
    assert.equal(history["count"], 11);
    const namespaces = await two.ok("list_namespaces");
    assert.deepEqual(namespaces["namespaces"], [{
      ns: "proj",
      keys: 1,
      updated_at: (namespaces["namespaces"] as { updated_at: string }[])[0]!.updated_at,
    }]);
  } finally {
    await one.close();
    await two.close();
    await db.cleanup();
  }
});
