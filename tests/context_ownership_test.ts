/**
 * What one agent writes to shared context cannot erase what another wrote: an expiry belongs
 * to its version, pruning keeps each author's latest, a deletion is a tombstone over history.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { VERSIONS_KEPT } from "../src/core/context/shared_context.ts";
import { snapshot, tempTeam } from "./support/temp_table.ts";

const alice = agentActor("alice");
const bob = agentActor("bob");

Deno.test("another agent's overwrite with ttl=1 expires alone: the author's version comes back", () => {
  using t = tempTeam(["alice", "bob"]);
  const { context } = t.table;
  context.share({ by: alice, key: "spec", value: "alice's careful spec" });
  const attack = context.share({ by: bob, key: "spec", value: "junk", ttl: 1 });
  assert.equal(attack.version, 2);
  assert.equal(context.get({ key: "spec" }).value, "junk", "live until it expires");
  t.clock.advance(1_000);
  const back = context.get({ key: "spec" });
  assert.deepEqual([back.version, back.value, back.set_by], [1, "alice's careful spec", "alice"]);
  assert.deepEqual(context.keys().map((k) => [k.key, k.version]), [["spec", 1]]);
  assert.equal(context.sweepExpired(), 1, "the sweep removes only the expired version");
  assert.deepEqual(context.history({ key: "spec" }).map((v) => [v.version, v.set_by]), [
    [1, "alice"],
  ]);
  assert.equal(context.get({ key: "spec" }).value, "alice's careful spec");
  const count = (query: string) =>
    t.table.search.search({ by: alice, query, kinds: ["context"] }).results.length;
  assert.equal(count("careful"), 1, "after the sweep the index holds the live version");
  assert.equal(count("junk"), 0);
  assert.equal(
    context.share({ by: alice, key: "spec", value: "v3", expectedVersion: 1 }).version,
    2,
    "expected_version counts from the version readers see",
  );
});

Deno.test("an expired overwrite is found by nobody, before and after the sweep", () => {
  using t = tempTeam(["alice", "bob"]);
  const { context } = t.table;
  context.share({ by: alice, key: "spec", value: "original giraffe" });
  context.share({ by: bob, key: "spec", value: "temporary zebra", ttl: 5 });
  const count = (query: string) =>
    t.table.search.search({ by: alice, query, kinds: ["context"] }).results.length;
  assert.equal(count("zebra"), 1);
  assert.equal(count("giraffe"), 0, "an older version is not found");
  t.clock.advance(5_000);
  assert.equal(count("zebra"), 0, "expired: not found at once");
  context.sweepExpired();
  assert.equal(count("zebra"), 0);
  assert.equal(count("giraffe"), 1);
});

Deno.test("rewriting keeps the expiry; ttl 0 clears it; a new ttl applies to its version", () => {
  using t = tempTeam(["alice", "bob"]);
  const { context } = t.table;
  const first = context.share({ by: alice, key: "lock", value: "alice", ttl: 60 });
  t.clock.advance(10_000);
  const kept = context.share({ by: alice, key: "lock", value: "alice, still" });
  assert.equal(kept.expires_at, first.expires_at, "no ttl: the current expiry stays");
  const cleared = context.share({ by: alice, key: "lock", value: "for good", ttl: 0 });
  assert.equal(cleared.expires_at, null, "ttl 0: it never expires");
  t.clock.advance(120_000);
  assert.equal(context.get({ key: "lock" }).value, "for good");
  assert.equal(context.share({ by: bob, key: "lock", value: "x" }).expires_at, null);
  assert.throws(
    () => context.share({ by: bob, key: "lock", value: "x", ttl: -1 }),
    /ttl must be a whole number of seconds from 0 \(never expires\) to 31536000 \(got -1\)/,
  );
});

Deno.test(`${VERSIONS_KEPT + 10} overwrites by another agent never push out the author's version`, () => {
  using t = tempTeam(["alice", "bob"]);
  const { context } = t.table;
  context.share({ by: alice, key: "plan", value: "alice's plan" });
  for (let i = 0; i < VERSIONS_KEPT + 10; i++) {
    context.share({ by: bob, key: "plan", value: `noise ${i}` });
  }
  const history = context.history({ key: "plan" });
  assert.equal(history.length, VERSIONS_KEPT + 1, "the last 50, and alice's latest");
  assert.deepEqual([history.at(-1)?.version, history.at(-1)?.set_by], [1, "alice"]);
  assert.equal(context.get({ key: "plan", version: 1 }).value, "alice's plan");
  assert.throws(() => context.get({ key: "plan", version: 2 }), /has no version 2 to read/);
  const rows = Number(
    t.db.prepare("SELECT count(*) AS n FROM context_entries WHERE key = 'plan'").get()?.["n"],
  );
  assert.equal(rows, VERSIONS_KEPT + 1, "storage stays bounded");
});

Deno.test("overwriting another agent's key does not make it one's own to delete; a deletion is a tombstone over the whole history", () => {
  using t = tempTeam(["alice", "bob"], { lead: "boss" });
  const { context } = t.table;
  context.share({ by: alice, key: "spec", value: "alice's words" });
  context.share({ by: bob, key: "spec", value: "bob's" });
  for (let i = 0; i < VERSIONS_KEPT; i++) context.share({ by: bob, key: "spec", value: `${i}` });
  const before = snapshot(t.db);
  assert.throws(
    () => context.delete({ by: bob, key: "spec" }),
    /'bob' may not delete 'spec' \(its versions are by 'alice', 'bob'\): role 'agent' lacks the privilege manage_context/,
  );
  assert.throws(
    () => context.delete({ by: alice, key: "spec" }),
    /'alice' may not delete 'spec' \(its versions are by 'alice', 'bob'\)/,
    "nor alice's alone, once bob wrote on it",
  );
  assert.deepEqual(snapshot(t.db), before, "a refused deletion changes nothing");
  context.delete({ by: agentActor("boss"), key: "spec" });
  assert.throws(() => context.get({ key: "spec" }), /or it expired or was deleted/);
  const history = context.history({ key: "spec" });
  assert.equal(history[0]?.deleted, true);
  assert.deepEqual([history.at(-1)?.version, history.at(-1)?.set_by], [1, "alice"]);
  const restored = context.share({
    by: alice,
    key: "spec",
    value: context.get({ key: "spec", version: 1 }).value,
    expectedVersion: 0,
  });
  assert.equal(restored.value, "alice's words", "the author writes it back from history");
  assert.equal(context.delete({ by: alice, key: "spec" }).deleted, true, "now all hers again");
});

Deno.test("an expired version by another agent no longer stands in the author's way", () => {
  using t = tempTeam(["alice", "bob"]);
  const { context } = t.table;
  context.share({ by: alice, key: "note", value: "mine" });
  context.share({ by: bob, key: "note", value: "for a second", ttl: 1 });
  assert.throws(
    () => context.delete({ by: alice, key: "note" }),
    /its versions are by 'alice', 'bob'/,
  );
  t.clock.advance(1_000);
  assert.equal(context.delete({ by: alice, key: "note" }).deleted, true);
});
