import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { LATEST_SCHEMA_VERSION, MIGRATIONS, schemaVersion } from "../src/db/migrations.ts";
import { DatabaseOpenError, openDatabase } from "../src/db/open_database.ts";
import { snapshot } from "./support/temp_table.ts";

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = Deno.makeTempDirSync({ prefix: "team-table-db-" });
  return { dir, [Symbol.dispose]: () => Deno.removeSync(dir, { recursive: true }) };
}

function schemaOf(db: DatabaseSync): string[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name").all()
    .map((row) => `${row["type"]} ${row["name"]}: ${String(row["sql"]).replace(/\s+/g, " ")}`);
}

Deno.test("a new database: folder 0700, file 0600, WAL, busy timeout, foreign keys, migrated", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/nested/team_table.db`;
  const db = openDatabase(path);
  try {
    assert.equal(Deno.statSync(`${tmp.dir}/nested`).mode! & 0o777, 0o700);
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    assert.equal(db.prepare("PRAGMA journal_mode").get()?.["journal_mode"], "wal");
    assert.equal(db.prepare("PRAGMA busy_timeout").get()?.["timeout"], 5000);
    assert.equal(db.prepare("PRAGMA synchronous").get()?.["synchronous"], 1, "NORMAL");
    assert.equal(db.prepare("PRAGMA foreign_keys").get()?.["foreign_keys"], 1);
    assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
  } finally {
    db.close();
  }
});

Deno.test({
  name:
    "an existing database others may read is made 0600; a folder others may write is warned about",
  ignore: Deno.build.os === "windows",
  fn() {
    using tmp = tempDir();
    const dir = `${tmp.dir}/shared`;
    Deno.mkdirSync(dir);
    Deno.chmodSync(dir, 0o777);
    const path = `${dir}/team_table.db`;
    openDatabase(path).close();
    Deno.chmodSync(path, 0o644);
    const warnings: string[] = [];
    const db = openDatabase(path, { warn: (message) => warnings.push(message) });
    try {
      db.exec("CREATE TABLE t (x)"); // a write, so the -wal file exists
      assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
      assert.equal(Deno.statSync(`${path}-wal`).mode! & 0o777, 0o600);
      assert.equal(Deno.statSync(dir).mode! & 0o777, 0o777, "the folder is left as it is");
      assert.deepEqual(warnings, [
        `database ${path} was readable by other users (0644): made it 0600`,
        `the folder ${dir} of the database can be written by other users (0777): they could ` +
        "replace the database or put files beside it; use a folder of your own (chmod 700)",
      ]);
    } finally {
      db.close();
    }
    const quiet: string[] = [];
    Deno.chmodSync(dir, 0o700);
    openDatabase(path, { warn: (message) => quiet.push(message) }).close();
    assert.deepEqual(quiet, [], "nothing to say about a private folder and file");
  },
});

Deno.test("a file that is not a database: one-line error naming the path", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/notes.db`;
  Deno.writeTextFileSync(
    path,
    "this is not sqlite, just some text that is long enough ".repeat(20),
  );
  assert.throws(
    () => openDatabase(path),
    (e: unknown) =>
      e instanceof DatabaseOpenError &&
      e.message === `cannot open database ${path}: file is not a database`,
  );
});

Deno.test("an unusable path: one-line error naming the path", () => {
  using tmp = tempDir();
  const file = `${tmp.dir}/plain-file`;
  Deno.writeTextFileSync(file, "x");
  assert.throws(
    () => openDatabase(`${file}/team_table.db`),
    (e: unknown) =>
      e instanceof DatabaseOpenError &&
      e.message.startsWith(`cannot open database ${file}/team_table.db: `) &&
      !e.message.includes("\n"),
  );
});

Deno.test("a database written by a newer team-table is refused, not touched", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/future.db`;
  const raw = new DatabaseSync(path);
  raw.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 1}`);
  raw.close();
  assert.throws(() => openDatabase(path), /newer than this team-table understands/);
  const check = new DatabaseSync(path);
  assert.equal(schemaVersion(check), LATEST_SCHEMA_VERSION + 1);
  check.close();
});

/** Rows that are valid at each schema version, to prove upgrades keep data. */
const SEED: Record<number, (db: DatabaseSync) => void> = {
  1: (db) => {
    db.exec(`
      INSERT INTO members VALUES ('alice', 'lead', '["ts"]', 'active', 1, 1);
      INSERT INTO members VALUES ('bob', 'agent', '[]', 'inactive', 1, 2);
      INSERT INTO tasks (id, title, status, priority, creator, created_at, updated_at)
        VALUES (1, 'seeded', 'pending', 'high', 'alice', 1, 1);
      INSERT INTO messages (id, sender, recipient, content, task_id, created_at)
        VALUES (1, 'alice', 'bob', 'seeded hello', 1, 1);
      INSERT INTO deliveries (agent, message_id) VALUES ('bob', 1);
      INSERT INTO shared_context VALUES ('k', 'v', 'alice', 3, 1);
      INSERT INTO audit_log (at, agent, action) VALUES (1, 'alice', 'member.registered');
    `);
  },
  2: (db) => {
    db.exec(`
      INSERT INTO events (at, recipient, type, payload) VALUES (1, 'bob', 'message', '{}');
      INSERT INTO poll_cursors VALUES ('bob', 1);
    `);
  },
  3: (db) => {
    db.exec(`
      INSERT INTO task_activity (task_id, at, agent, type, content)
        VALUES (1, 2, 'alice', 'comment', 'seeded comment');
    `);
  },
  6: (db) => {
    db.exec(`
      INSERT INTO context_entries (ns, key, version, value, set_by, created_at)
        VALUES ('specs', 'api_style', 1, 'old wording', 'alice', 3),
               ('specs', 'api_style', 2, 'snake case everywhere', 'alice', 4),
               ('specs', 'gone', 1, 'tombstoned words', 'alice', 3);
      INSERT INTO context_entries (ns, key, version, value, set_by, created_at, deleted)
        VALUES ('specs', 'gone', 2, NULL, 'alice', 4, 1);
    `);
  },
};

/** The index rowids matching `words` (rowid = id * 4 + kind). */
function _indexed(db: DatabaseSync, words: string): number[] {
  return db.prepare("SELECT rowid FROM search_index WHERE search_index MATCH ? ORDER BY rowid")
    .all(words).map((row) => Number(row["rowid"]));
}

Deno.test("migrations: every earlier version upgrades to the same schema, keeping data", async (t) => {
  using tmp = tempDir();
  const fresh = openDatabase(`${tmp.dir}/fresh.db`);
  const expected = schemaOf(fresh);
  fresh.close();
  assert.equal(MIGRATIONS.length, LATEST_SCHEMA_VERSION);
  MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1, "versions are 1..n in order"));
  for (let from = 0; from < LATEST_SCHEMA_VERSION; from++) {
    await t.step(`from version ${from}`, () => {
      const path = `${tmp.dir}/from-${from}.db`;
      // Live through the history: each version's data is written while it is current.
      for (let version = 0; version <= from; version++) {
        const old = openDatabase(path, { migrateTo: version });
        assert.equal(schemaVersion(old), version);
        SEED[version]?.(old);
        old.close();
      }
      const upgraded = openDatabase(path);
      try {
        assert.equal(schemaVersion(upgraded), LATEST_SCHEMA_VERSION);
        assert.deepEqual(schemaOf(upgraded), expected);
        if (from >= 1) {
          assert.equal(upgraded.prepare("SELECT count(*) AS n FROM members").get()?.["n"], 2);
          assert.equal(
            upgraded.prepare("SELECT content FROM messages WHERE id = 1").get()?.["content"],
            "seeded hello",
          );
          const activity = upgraded.prepare(
            "SELECT type, content FROM task_activity WHERE task_id = 1 ORDER BY id",
          ).all().map((row) => `${row["type"]}: ${row["content"]}`);
          assert.equal(activity[0], "status_change: created task", "tasks gain a feed");
          if (from >= 3) {
            assert.ok(activity.includes("comment: seeded comment"), "the feed is kept");
          }
        }
        if (from >= 1) {
          assert.equal(
            upgraded.prepare("SELECT type FROM tasks WHERE id = 1").get()?.["type"],
            null,
          );
        }
        if (from >= 2) {
          assert.equal(upgraded.prepare("SELECT count(*) AS n FROM events").get()?.["n"], 1);
        }
        if (from >= 1) {
          assert.deepEqual(_indexed(upgraded, "hello"), [4 * 1 + 0], "the message");
          assert.ok(_indexed(upgraded, "seeded").includes(4 * 1 + 1), "the task");
          assert.equal(
            upgraded.prepare("SELECT thread_id FROM messages WHERE id = 1").get()?.["thread_id"],
            1,
            "an old message starts its own thread",
          );
        }
        if (from >= 3) assert.deepEqual(_indexed(upgraded, "comment"), [4 * 2 + 2]);
        if (from >= 6) {
          assert.equal(_indexed(upgraded, '"snake case"').length, 1, "the latest version");
          assert.deepEqual(_indexed(upgraded, "wording"), [], "not an older version");
          assert.deepEqual(_indexed(upgraded, "tombstoned"), [], "not a deleted key");
        }
        if (from >= 1 && from < 5) {
          const context = upgraded.prepare("SELECT ns, key, version, value FROM context_entries")
            .all();
          assert.deepEqual(
            context.map((r) => [r["ns"], r["key"], r["version"], r["value"]]),
            [["default", "k", 3, "v"]],
            "pre-namespace context moves to 'default' with its version",
          );
        }
      } finally {
        upgraded.close();
      }
    });
  }
});

Deno.test("opening an up-to-date database again changes nothing", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/again.db`;
  openDatabase(path).close();
  const db = openDatabase(path);
  assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
  db.close();
});

Deno.test("opening an up-to-date database takes no write lock: a write in progress does not hold it up", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/busy.db`;
  const writer = openDatabase(path);
  writer.exec("BEGIN IMMEDIATE");
  try {
    // Were it to take the lock, this would wait out the busy timeout (5 s), then fail.
    const opened = openDatabase(path);
    assert.equal(schemaVersion(opened), LATEST_SCHEMA_VERSION);
    opened.close();
  } finally {
    writer.exec("ROLLBACK");
    writer.close();
  }
});

Deno.test("a migration run that fails halfway rolls back: schema, version and data as before", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/half.db`;
  // The migration that creates `rules` fails; the one before it applies in full first.
  const failing = MIGRATIONS.find((m) => /CREATE TABLE rules \(/.test(m.sql))!;
  const before = failing.version - 2;
  for (let version = 0; version <= before; version++) {
    const old = openDatabase(path, { migrateTo: version });
    SEED[version]?.(old);
    old.close();
  }
  // An object that migration creates after its first statements already ran: it fails in
  // its middle, after the one before it has applied in full.
  const conflict =
    "CREATE TABLE rules (stray INTEGER, note TEXT); INSERT INTO rules VALUES (1, 'x');";
  assert.match(failing.sql, /ALTER TABLE tasks ADD COLUMN parent_id[^]*CREATE TABLE rules \(/);
  const raw = new DatabaseSync(path);
  raw.exec(conflict);
  const schema = schemaOf(raw);
  const rows = snapshot(raw);
  raw.close();

  assert.throws(() => openDatabase(path), /table rules already exists/);

  const check = new DatabaseSync(path);
  try {
    assert.equal(schemaVersion(check), before);
    assert.deepEqual(schemaOf(check), schema, "no table, column or index of either migration");
    assert.equal(snapshot(check), rows, "every row as it was");
  } finally {
    check.close();
  }
  // Once the conflict is gone the same file upgrades.
  const fix = new DatabaseSync(path);
  fix.exec("DROP TABLE rules");
  fix.close();
  const upgraded = openDatabase(path);
  assert.equal(schemaVersion(upgraded), LATEST_SCHEMA_VERSION);
  upgraded.close();
});

Deno.test("schema 13: mail retracted before the upgrade is archived in every inbox", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/retracted.db`;
  const old = openDatabase(path, { migrateTo: 12 });
  old.exec(`
    INSERT INTO members (name, role, status, registered_at, last_seen) VALUES
      ('alice', 'agent', 'active', 1, 1), ('bob', 'agent', 'active', 1, 1);
    INSERT INTO messages (id, sender, recipient, content, created_at, thread_id, archived_at)
      VALUES (1, 'alice', 'bob', 'retracted', 1, 1, 5), (2, 'alice', 'bob', 'kept', 2, 2, NULL);
    INSERT INTO deliveries (agent, message_id) VALUES ('bob', 1), ('bob', 2);
  `);
  old.close();
  const db = openDatabase(path);
  try {
    const rows = db.prepare("SELECT message_id, archived_at FROM deliveries ORDER BY message_id")
      .all().map((r) => [r["message_id"], r["archived_at"]]);
    assert.deepEqual(rows, [[1, 5], [2, null]]);
  } finally {
    db.close();
  }
});

Deno.test("schema 18: leases stored before the upgrade may cover anything until they end", () => {
  using tmp = tempDir();
  const path = `${tmp.dir}/leases.db`;
  const old = openDatabase(path, { migrateTo: 17 });
  const insert = old.prepare(
    `INSERT INTO leases (agent, path, exclusive, created_at, expires_at) VALUES ('a', ?, 1, 1, 9)`,
  );
  for (const p of ["src/a.ts", "src/**", "**/*.md"]) insert.run(p);
  old.close();
  const db = openDatabase(path);
  try {
    const dirs = db.prepare("SELECT DISTINCT dir FROM leases").all().map((r) => r["dir"]);
    assert.deepEqual(dirs, [""], "a prefix of every path: found by every lease call");
  } finally {
    db.close();
  }
});
