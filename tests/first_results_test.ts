/**
 * What a result tells an agent it would otherwise miss: a refused reserve_paths says how to
 * wait for the paths, and a credential minted through the join token says it is shown once.
 */
import assert from "node:assert/strict";
import { tempTable } from "./support/temp_table.ts";
import { TestAgent } from "./support/test_agent.ts";

Deno.test("reserve_paths refused: the result suggests notify_when_free; waiting: no hint", async () => {
  await using t = tempTable();
  const alice = await TestAgent.inProcess(t.table);
  const bob = await TestAgent.inProcess(t.table);
  try {
    await alice.ok("register", { name: "alice" });
    await bob.ok("register", { name: "bob" });
    await alice.ok("reserve_paths", { paths: ["src/**"] });
    const refused = await bob.ok("reserve_paths", { paths: ["src/a.ts"] });
    assert.equal(refused["granted"], false);
    assert.equal(
      refused["hint"],
      "Nothing changed. Work on something else, or call again with notify_when_free: true " +
        "to get a message when these paths are free.",
    );
    const waiting = await bob.ok("reserve_paths", { paths: ["src/a.ts"], notify_when_free: true });
    assert.equal(waiting["waiting"], true);
    assert.equal(waiting["hint"], undefined);
    const granted = await bob.ok("reserve_paths", { paths: ["docs/**"] });
    assert.equal(granted["hint"], undefined);
  } finally {
    await Promise.all([alice.close(), bob.close()]);
  }
});

Deno.test("register with the join token: the credential comes with 'shown once, save it'", async () => {
  await using t = tempTable();
  const newcomer = await TestAgent.inProcess(t.table, { origin: { where: "test", join: true } });
  const plain = await TestAgent.inProcess(t.table);
  try {
    const joined = await newcomer.ok("register", { name: "nina" });
    assert.match(String(joined["credential"]), /^ttk_/);
    assert.match(String(joined["credential_note"]), /^Shown once and never again: save it now/);
    const other = await plain.ok("register", { name: "omar" });
    assert.equal(other["credential"], undefined);
    assert.equal(other["credential_note"], undefined);
  } finally {
    await Promise.all([newcomer.close(), plain.close()]);
  }
});
