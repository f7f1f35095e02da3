import assert from "node:assert/strict";
import { openDatabase } from "../src/db/open_database.ts";
import { keepingWrites, Transactor } from "../src/db/transaction.ts";
import { tempDb, TestAgent } from "./support/test_agent.ts";

function table() {
  const dir = Deno.makeTempDirSync({ prefix: "team-table-tx-" });
  const db = openDatabase(`${dir}/t.db`);
  db.exec("CREATE TABLE notes (text TEXT)");
  const notes = () =>
    db.prepare("SELECT text FROM notes ORDER BY rowid").all().map((r) => r["text"]);
  const note = (text: string) => void db.prepare("INSERT INTO notes VALUES (?)").run(text);
  return {
    tx: new Transactor(db),
    notes,
    note,
    [Symbol.dispose]() {
      db.close();
      Deno.removeSync(dir, { recursive: true });
    },
  };
}

Deno.test("a run inside a run joins it: an error leaving the outer run undoes both", () => {
  using t = table();
  assert.throws(() =>
    t.tx.run(() => {
      t.note("outer");
      t.tx.run(() => t.note("inner"));
      throw new Error("no");
    })
  );
  assert.deepEqual(t.notes(), []);
});

Deno.test("a failed savepoint is undone alone, and what it queued for after the commit is dropped", () => {
  using t = table();
  const after: string[] = [];
  t.tx.run(() => {
    t.note("kept");
    t.tx.afterCommit(() => after.push("kept"));
    assert.throws(() =>
      t.tx.savepoint(() => {
        t.note("undone");
        t.tx.afterCommit(() => after.push("undone"));
        throw new Error("this step fails");
      })
    );
    assert.deepEqual(after, [], "nothing runs before the commit");
  });
  assert.deepEqual(t.notes(), ["kept"]);
  assert.deepEqual(after, ["kept"]);
});

Deno.test("a refusal that keeps its writes commits them, then is thrown", () => {
  using t = table();
  const after: string[] = [];
  assert.throws(
    () =>
      t.tx.run(() => {
        t.tx.run(() => {
          t.note("refused, and audited");
          t.tx.afterCommit(() => after.push("pushed"));
          throw keepingWrites(new Error("refused"));
        });
      }),
    /refused/,
  );
  assert.deepEqual(t.notes(), ["refused, and audited"]);
  assert.deepEqual(after, ["pushed"]);
  assert.throws(() => t.tx.run(() => (t.note("plain"), assert.fail("plain error"))));
  assert.deepEqual(t.notes(), ["refused, and audited"]);
});

Deno.test("a bound agent whose first tool call fails still takes its name", async () => {
  const db = await tempDb();
  const alice = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "alice" });
  try {
    const failed = await alice.call("update_task", { task_id: 999, status: "done" });
    assert.equal(failed.isError, true);
    const other = await TestAgent.stdio(db.path);
    try {
      const refused = await other.call("register", { name: "alice" });
      assert.equal(refused.isError, true);
      assert.match(refused.text, /alice/);
      assert.match(refused.text, /in use by another session/);
    } finally {
      await other.close();
    }
  } finally {
    await alice.close();
  }
});
