import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { runTeamTable, tempDb } from "./support/test_agent.ts";

Deno.test("members grant refuses a name no agent can have, and writes nothing", async () => {
  const db = await tempDb();
  const env = { TEAM_TABLE_DB: db.path };
  try {
    for (
      const [name, expected] of [
        ["*", /^team-table: NAME '\*' is not a valid agent name .*'\*' is reserved/],
        ["bad name!", /^team-table: NAME 'bad name!' is not a valid agent name \(an agent name/],
        ["human:ops", /^team-table: NAME 'human:ops' is not a valid agent name .* reserved/],
        ["x".repeat(65), /^team-table: NAME is too long: 65 characters; the limit is 64\n$/],
      ] as const
    ) {
      const refused = await runTeamTable(["members", "grant", name, "lead"], env);
      assert.equal(refused.code, 2, refused.stderr);
      assert.equal(refused.stdout, "");
      assert.equal(refused.stderr.trim().split("\n").length, 1, "one line");
      assert.match(refused.stderr, expected);
    }
    const granted = await runTeamTable(["members", "grant", "boss", "lead"], env);
    assert.equal(granted.code, 0, granted.stderr);
    const sqlite = new DatabaseSync(db.path);
    try {
      const names = sqlite.prepare("SELECT name FROM members ORDER BY name").all();
      assert.deepEqual(names.map((row) => row["name"]), ["boss"]);
    } finally {
      sqlite.close();
    }
  } finally {
    await db.cleanup();
  }
});
