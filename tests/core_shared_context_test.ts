import { agentActor, humanActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { ConflictError, ValidationError } from "../src/core/errors.ts";
import { LIMITS } from "../src/core/limits.ts";
import { VERSIONS_KEPT } from "../src/core/context/shared_context.ts";
import { snapshot, tempTeam } from "./support/temp_table.ts";
import { formatCount } from "../src/core/input_rules/wording.ts";

Deno.test("namespaces keep keys apart; versions count per key", () => {
  using t = tempTeam(["alice", "bob"]);
  t.table.context.share({ key: "api", value: "a1", by: agentActor("alice"), ns: "alpha" });
  t.table.context.share({ key: "api", value: "b1", by: agentActor("bob"), ns: "beta" });
  const v2 = t.table.context.share({ key: "api", value: "a2", by: agentActor("bob"), ns: "alpha" });
  assert.deepEqual([v2.ns, v2.version, v2.value, v2.set_by], ["alpha", 2, "a2", "bob"]);
  assert.equal(t.table.context.get({ key: "api", ns: "beta" }).value, "b1");
  assert.equal(t.table.context.get({ key: "api", ns: "alpha", version: 1 }).value, "a1");
  assert.throws(
    () => t.table.context.get({ key: "api" }),
    /nothing is shared under 'api' in namespace 'default'/,
  );
  assert.deepEqual(t.table.context.list().map((e) => `${e.ns}/${e.key}`), [
    "alpha/api",
    "beta/api",
  ]);
  assert.deepEqual(t.table.context.namespaces().map((n) => [n.ns, n.keys]), [["alpha", 1], [
    "beta",
    1,
  ]]);
});

Deno.test("expected_version: a stale writer gets a conflict naming the version and its author", () => {
  using t = tempTeam(["alice", "bob"]);
  assert.equal(
    t.table.context.share({ key: "spec", value: "v1", by: agentActor("alice"), expectedVersion: 0 })
      .version,
    1,
  );
  t.table.context.share({ key: "spec", value: "v2", by: agentActor("bob"), expectedVersion: 1 });
  const before = snapshot(t.db);
  assert.throws(
    () =>
      t.table.context.share({
        key: "spec",
        value: "mine",
        by: agentActor("alice"),
        expectedVersion: 1,
      }),
    (e: unknown) =>
      e instanceof ConflictError &&
      /'spec' in namespace 'default' is at version 2, written by 'bob' at .*, not 1\. Read it again, merge, and retry with expected_version 2\./
        .test(e.message),
  );
  assert.throws(
    () =>
      t.table.context.share({
        key: "spec",
        value: "new?",
        by: agentActor("alice"),
        expectedVersion: 0,
      }),
    /is at version 2/,
  );
  assert.equal(snapshot(t.db), before, "a conflict writes nothing");
  assert.throws(
    () =>
      t.table.context.share({
        key: "fresh",
        value: "x",
        by: agentActor("alice"),
        expectedVersion: 3,
      }),
    /'fresh' in namespace 'default' does not exist .*pass expected_version 0/,
  );
});

Deno.test("TTL: invisible the moment it expires, refreshed by rewriting, removed by the sweep", () => {
  using t = tempTeam(["alice", "bob"]);
  t.table.context.share({ key: "lock", value: "alice has it", by: agentActor("alice"), ttl: 60 });
  t.table.context.share({ key: "keep", value: "forever", by: agentActor("alice") });
  assert.equal(
    t.table.context.get({ key: "lock" }).expires_at,
    new Date(t.clock.now() + 60_000).toISOString(),
  );
  t.clock.advance(59_000);
  t.table.context.share({ key: "lock", value: "still alice", by: agentActor("alice"), ttl: 60 });
  t.clock.advance(59_000);
  assert.equal(t.table.context.get({ key: "lock" }).value, "still alice", "refreshed");
  t.clock.advance(1_000);
  assert.throws(() => t.table.context.get({ key: "lock" }), /or it expired/);
  assert.deepEqual(t.table.context.list().map((e) => e.key), ["keep"]);
  assert.deepEqual(t.table.context.keys().map((k) => k.key), ["keep"]);
  assert.throws(() => t.table.context.history({ key: "lock" }), /or it expired/);
  const expiredWrite = t.table.context.share({
    key: "lock",
    value: "bob now",
    by: agentActor("bob"),
    expectedVersion: 0,
  });
  assert.equal(expiredWrite.version, 3, "an expired key can be taken over with expected_version 0");
  t.clock.advance(1_000);
  t.table.context.share({ key: "gone", value: "x", by: agentActor("bob"), ttl: 1 });
  t.clock.advance(2_000);
  assert.equal(t.table.context.sweepExpired(), 3, "the expired versions: lock v1, v2 and gone v1");
  const rows = t.db.prepare("SELECT DISTINCT key FROM context_entries ORDER BY key").all().map((
    r,
  ) => r["key"]);
  assert.deepEqual(rows, ["keep", "lock"]);
});

Deno.test(`history keeps the last ${VERSIONS_KEPT} versions, newest first, with who and when`, () => {
  using t = tempTeam(["alice", "bob"]);
  for (let i = 1; i <= VERSIONS_KEPT + 5; i++) {
    t.table.context.share({
      key: "doc",
      value: "x".repeat(i),
      by: agentActor(i % 2 ? "alice" : "bob"),
    });
    t.clock.advance(1_000);
  }
  const history = t.table.context.history({ key: "doc" });
  assert.equal(history.length, VERSIONS_KEPT);
  assert.deepEqual(history.slice(0, 2).map((v) => [v.version, v.set_by, v.size]), [[
    55,
    "alice",
    55,
  ], [54, "bob", 54]]);
  assert.equal(history.at(-1)?.version, 6);
  assert.throws(
    () => t.table.context.get({ key: "doc", version: 5 }),
    /has no version 5 to read \(the current one is 55/,
  );
});

Deno.test("delete: the author or manage_context; a tombstone that keeps history; audited", () => {
  using t = tempTeam(["alice", "bob"]);
  t.table.members.grant({ name: "boss", role: "admin", by: humanActor("operator") });
  t.table.context.share({ key: "k", value: "v", by: agentActor("alice"), ns: "p" });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.context.delete({ key: "k", ns: "p", by: agentActor("bob") }),
    /'bob' may not delete 'k' \(its versions are by 'alice'\): role 'agent' lacks the privilege manage_context/,
  );
  assert.equal(snapshot(t.db), before);
  const tombstone = t.table.context.delete({ key: "k", ns: "p", by: agentActor("alice") });
  assert.deepEqual([tombstone.version, tombstone.deleted], [2, true]);
  assert.throws(() => t.table.context.get({ key: "k", ns: "p" }), /or it expired or was deleted/);
  assert.deepEqual(
    t.table.context.history({ key: "k", ns: "p" }).map((v) => [v.version, v.deleted]),
    [[2, true], [1, false]],
  );
  assert.equal(
    t.table.context.share({
      key: "k",
      value: "back",
      by: agentActor("bob"),
      ns: "p",
      expectedVersion: 0,
    })
      .version,
    3,
  );
  assert.equal(
    t.table.context.delete({ key: "k", ns: "p", by: agentActor("boss") }).version,
    4,
    "manage_context deletes anyone's",
  );
  assert.deepEqual(t.table.audit.query({ action: "context.deleted" }).map((e) => e.target), [
    "p/k",
    "p/k",
  ]);
});

Deno.test("list_context filters by namespace and prefix; changes emit context_updated", () => {
  using t = tempTeam(["alice", "bob"]);
  const mark = t.table.events.latestId();
  t.table.context.share({ key: "api/users", value: "12345", by: agentActor("alice"), ns: "alpha" });
  t.table.context.share({ key: "api/tasks", value: "x", by: agentActor("alice"), ns: "alpha" });
  t.table.context.share({ key: "db", value: "x", by: agentActor("alice"), ns: "alpha" });
  t.table.context.share({ key: "api_x", value: "x", by: agentActor("alice"), ns: "alpha" });
  assert.deepEqual(
    t.table.context.keys({ ns: "alpha", prefix: "api/" }).map((k) => [k.key, k.size]),
    [["api/tasks", 1], ["api/users", 5]],
  );
  assert.deepEqual(
    t.table.context.keys({ prefix: "api_" }).map((k) => k.key),
    ["api_x"],
    "_ is not a wildcard",
  );
  const events = t.table.events.after(mark);
  assert.equal(events.length, 4);
  assert.deepEqual([events[0]?.type, events[0]?.recipient, events[0]?.except], [
    "context_updated",
    "*",
    "alice",
  ]);
  assert.deepEqual(events[0]?.payload, {
    ns: "alpha",
    key: "api/users",
    version: 1,
    set_by: "alice",
    deleted: false,
  });
});

Deno.test("quota: one agent's live keys and bytes are bounded, counted in the database", () => {
  // 1,500 values of 49 KB on new keys once grew the database from 52 to 240 MB unchecked.
  using t = tempTeam(["alice", "bob"]);
  const alice = agentActor("alice");
  const big = "€".repeat(LIMITS.contextValueMax); // bytes are counted in UTF-8: 3 each
  const size = 3 * LIMITS.contextValueMax;
  const fit = Math.floor(LIMITS.contextBytesPerAgentMax / size);
  for (let i = 0; i < fit; i++) t.table.context.share({ key: `big${i}`, value: big, by: alice });
  const held = fit * size;
  assert.throws(
    () => t.table.context.share({ key: "one-more", value: big, by: alice }),
    (e: unknown) =>
      e instanceof ValidationError &&
      e.message.startsWith(
        `value: alice's live shared-context values would hold ${formatCount(held + size)} ` +
          "bytes; the limit is 10,000,000 per agent. Delete",
      ),
  );
  assert.throws(() => t.table.context.get({ key: "one-more" }), /nothing is shared/);
  // rewriting a key it holds replaces its bytes; another agent has its own quota
  t.table.context.share({ key: "big0", value: big, by: alice });
  t.table.context.share({ key: "one-more", value: big, by: agentActor("bob") });
  // deleting frees room
  t.table.context.delete({ key: "big1", by: alice });
  t.table.context.share({ key: "one-more-now", value: big, by: alice });
  // keys: small values up to the count
  const small = LIMITS.contextKeysPerAgentMax - fit;
  for (let i = 0; i < small; i++) t.table.context.share({ key: `k${i}`, value: "v", by: alice });
  assert.throws(
    () => t.table.context.share({ key: "k-last", value: "v", by: alice }),
    /key: alice would author 1,001 live shared-context keys; the limit is 1,000 per agent\./,
  );
  // the operator is not an agent and has no quota
  t.table.context.share({ key: "k-last", value: "v", by: humanActor("ops") });
});
