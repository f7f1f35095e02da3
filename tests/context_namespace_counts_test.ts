/**
 * list_namespaces counts keys from per-namespace counts kept by triggers (issue 31, schema 20):
 * after every write, overwrite, deletion, expiry and sweep, its answer is the one counted from
 * every key's readable version, as it was before.
 */
import assert from "node:assert/strict";
import type { DatabaseSync } from "node:sqlite";
import { agentActor } from "../src/core/actor.ts";
import { toIso } from "../src/core/clock.ts";
import type { NamespaceSummary } from "../src/core/context/shared_context.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { FakeClock } from "../src/core/clock.ts";
import { createTable } from "../src/core/table.ts";
import { ROLES, tempTeam } from "./support/temp_table.ts";

/** The namespaces counted from every key, as list_namespaces did before schema 20. */
function counted(db: DatabaseSync, now: number): NamespaceSummary[] {
  return db.prepare(
    `SELECT e.ns, count(*) AS keys, max(e.created_at) AS updated FROM context_entries e
     WHERE e.version = (SELECT max(version) FROM context_entries
                        WHERE ns = e.ns AND key = e.key
                          AND (deleted = 1 OR expires_at IS NULL OR expires_at > :now))
       AND e.deleted = 0 AND (e.expires_at IS NULL OR e.expires_at > :now)
     GROUP BY e.ns ORDER BY e.ns`,
  ).all({ now }).map((row) => ({
    ns: String(row["ns"]),
    keys: Number(row["keys"]),
    updated_at: toIso(Number(row["updated"])),
  }));
}

Deno.test("list_namespaces: the same answer as counting every key, through writes, deletions, expiry and sweeps", () => {
  using t = tempTeam(["alice"]);
  const context = t.table.context;
  let state = 7;
  const random = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((state / 2_147_483_648) * n);
  };
  const alice = agentActor("alice");
  let expired = 0;
  for (let step = 0; step < 600; step++) {
    const ns = `ns${random(4)}`;
    const key = `k${random(6)}`;
    const roll = random(10);
    if (roll < 6) {
      const ttl = [undefined, 0, 5, 30][random(4)];
      context.share({
        by: alice,
        ns,
        key,
        value: `v${step}`,
        ...(ttl === undefined ? {} : { ttl }),
      });
    } else if (roll < 8) {
      try {
        context.delete({ by: alice, ns, key });
      } catch {
        // nothing live under that key: nothing to delete
      }
    } else if (roll < 9) {
      t.clock.advance(random(20) * 1_000);
    } else {
      expired += context.sweepExpired();
    }
    const now = t.clock.now();
    const expected = counted(t.db, now);
    assert.deepEqual(context.namespaces(), expected, `step ${step}`);
    for (const limit of [1, 2]) {
      const paged: NamespaceSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = context.namespacesPage({ limit, ...(cursor ? { cursor } : {}) });
        paged.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor !== undefined);
      assert.deepEqual(paged, expected, `step ${step}, pages of ${limit}`);
    }
  }
  assert.ok(expired > 0, "the sweep removed expired versions along the way");
});

Deno.test("schema 20: context written before the upgrade is counted as before, expiry included", () => {
  const dir = Deno.makeTempDirSync({ prefix: "team-table-schema20-" });
  const path = `${dir}/context.db`;
  const old = openDatabase(path, { migrateTo: 19 });
  old.exec(`
    INSERT INTO context_entries (ns, key, version, value, set_by, created_at, expires_at, deleted)
      VALUES ('specs', 'api', 1, 'a', 'alice', 3, NULL, 0),
             ('specs', 'api', 2, 'b', 'alice', 4, NULL, 0),
             ('specs', 'gone', 1, 'c', 'alice', 3, NULL, 0),
             ('specs', 'gone', 2, NULL, 'alice', 5, NULL, 1),
             ('specs', 'lapsing', 1, 'd', 'alice', 2, NULL, 0),
             ('specs', 'lapsing', 2, 'e', 'bob', 6, 10, 0),
             ('notes', 'old', 1, 'f', 'bob', 1, 8, 0),
             ('empty', 'x', 1, NULL, 'bob', 1, NULL, 1);
  `);
  old.close();
  const db = openDatabase(path);
  try {
    const clock = new FakeClock(7);
    const table = createTable({ db, clock, roles: ROLES });
    assert.deepEqual(
      db.prepare("SELECT ns, keys FROM context_namespaces ORDER BY ns").all()
        .map((r) => [r["ns"], r["keys"]]),
      [["notes", 1], ["specs", 2]],
      "heads that are no deletion, per namespace",
    );
    for (const at of [7, 9, 12]) {
      clock.advance(at - clock.now());
      assert.deepEqual(table.context.namespaces(), counted(db, at), `at ${at}`);
    }
    assert.deepEqual(table.context.namespaces().map((n) => [n.ns, n.keys, n.updated_at]), [
      ["specs", 2, toIso(4)],
    ], "notes' one key expired; specs' lapsing key reads its first version");
    table.context.sweepExpired();
    assert.deepEqual(table.context.namespaces(), counted(db, 12), "after the sweep");
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
