/**
 * The database half of the composite floor: one raw node:sqlite transaction writing the rows a
 * direct message writes (message, delivery, outbox event, audit row; the search index through
 * the schema's trigger), into a database with team-table's schema, pragmas and indexes, and
 * nothing else: no lookups, no checks, no rules, no badge.
 */
import { openDatabase } from "../src/db/open_database.ts";

export type FloorWrite = (sender: string, recipient: string, content: string) => number;

export function floorWriter(path: string): FloorWrite {
  const db = openDatabase(path);
  const nextId = db.prepare("SELECT coalesce(max(id), 0) + 1 AS id FROM messages");
  const message = db.prepare(
    `INSERT INTO messages (id, sender, recipient, content, task_id, created_at, thread_id,
       reply_to, subject, ack_required, session_id)
     VALUES (?, ?, ?, ?, NULL, ?, ?, NULL, NULL, 0, ?)`,
  );
  const delivery = db.prepare(
    "INSERT INTO deliveries (agent, message_id, ack_requested_at) VALUES (?, ?, NULL)",
  );
  const event = db.prepare(
    "INSERT INTO events (at, recipient, except_agent, type, payload) VALUES (?, ?, NULL, ?, ?)",
  );
  const audit = db.prepare(
    "INSERT INTO audit_log (at, agent, action, target, details) VALUES (?, ?, ?, ?, ?)",
  );
  const session = crypto.randomUUID();
  return (sender, recipient, content) => {
    db.exec("BEGIN IMMEDIATE");
    try {
      const now = Date.now();
      const id = Number(nextId.get()?.["id"]);
      message.run(id, sender, recipient, content, now, id, session);
      delivery.run(recipient, id);
      event.run(
        now,
        recipient,
        "message",
        JSON.stringify({
          message: {
            id,
            sender,
            recipient,
            broadcast: false,
            content,
            task_id: null,
            thread_id: id,
            reply_to: null,
            subject: null,
            ack_required: false,
            created_at: new Date(now).toISOString(),
          },
        }),
      );
      audit.run(
        now,
        sender,
        "message.sent",
        String(id),
        JSON.stringify({ recipient, task_id: null, length: content.length }),
      );
      db.exec("COMMIT");
      return id;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  };
}
