/**
 * The HTTP floor without MCP: a bare Deno.serve that parses a JSON POST and inserts one row
 * (in its own transaction, as team-table does). Prints its port on stdout.
 */
import { DatabaseSync } from "node:sqlite";

const db = new DatabaseSync(Deno.args[0] ?? ":memory:");
db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000");
db.exec(
  "CREATE TABLE IF NOT EXISTS m (id INTEGER PRIMARY KEY, sender TEXT, content TEXT, at INTEGER)",
);
const insert = db.prepare("INSERT INTO m (sender, content, at) VALUES (?, ?, ?)");

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, async (req) => {
  const body = await req.json();
  db.exec("BEGIN IMMEDIATE");
  const id = insert.run(String(body.sender), String(body.content), Date.now()).lastInsertRowid;
  db.exec("COMMIT");
  return Response.json({ id: Number(id) });
});
