/**
 * A new name that reads like an existing member's is refused, naming that member: `aIice`
 * (capital i), `a1ice` and `al ice` beside `alice`.
 */
import assert from "node:assert/strict";
import { humanActor } from "../src/core/actor.ts";
import { ConflictError } from "../src/core/errors.ts";
import { nameSkeleton } from "../src/core/input_rules/name_skeleton.ts";
import { snapshot, tempTable, testSession } from "./support/temp_table.ts";
import { tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("the skeleton: case, I/i/l/1, 0/O, rn/m, vv/w and separators set aside", () => {
  for (const name of ["alice", "Alice", "aIice", "a1ice", "al ice", "a-l_i.ce", "ALICE"]) {
    assert.equal(nameSkeleton(name), "allce", name);
  }
  assert.equal(nameSkeleton("B0B"), nameSkeleton("bob"));
  assert.equal(nameSkeleton("rnax"), nameSkeleton("max"));
  assert.equal(nameSkeleton("vvill"), nameSkeleton("will"));
  assert.equal(nameSkeleton("Ian"), nameSkeleton("lan"), "capital I and l");
  const apart: [string, string][] = [["alice", "alicia"], ["bob", "bobby"], ["max", "rnaxx"]];
  for (const [a, b] of apart) {
    assert.notEqual(nameSkeleton(a), nameSkeleton(b), `${a} / ${b}`);
  }
});

Deno.test("register, members add and grant refuse a look-alike of any member, and change nothing", () => {
  using t = tempTable();
  const session = testSession("alice");
  t.table.members.register({ name: "alice", session });
  const before = snapshot(t.db);
  for (const name of ["aIice", "a1ice", "al ice", "a_lice", "ALlCE"]) {
    assert.throws(
      () => t.table.members.register({ name, session: testSession(name) }),
      (error: Error) =>
        error instanceof ConflictError &&
        error.message.startsWith(`name: '${name}' looks like the member 'alice' (both read as `) &&
        error.message.includes("Choose a name that cannot be taken for another member's"),
      name,
    );
  }
  assert.throws(
    () => t.table.members.issueCredential({ name: "a1ice", by: humanActor("op") }),
    /looks like the member 'alice'/,
  );
  assert.throws(
    () => t.table.members.grant({ name: "al-ice", role: "lead", by: humanActor("op") }),
    /looks like the member 'alice'/,
  );
  assert.deepEqual(snapshot(t.db), before);
  t.table.members.register({ name: "alicia", session: testSession("alicia") });
  const again = t.table.members.register({ name: "ALICE", session });
  assert.deepEqual([again.member.name, again.created], ["alice", false], "alice herself returns");
});

Deno.test("stdio: a client registering 'aIice' beside 'alice' is told which member it looks like", async () => {
  const db = await tempDb();
  const alice = await TestAgent.stdio(db.path);
  const mallory = await TestAgent.stdio(db.path);
  try {
    await alice.ok("register", { name: "alice" });
    const refused = await mallory.call("register", { name: "aIice" });
    assert.equal(refused.isError, true);
    assert.match(refused.text, /name: 'aIice' looks like the member 'alice'/);
    await mallory.ok("register", { name: "mallory" });
  } finally {
    await Promise.all([alice.close(), mallory.close()]);
    await db.cleanup();
  }
});
