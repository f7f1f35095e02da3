import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { createLogger } from "../src/log.ts";
import type { NotificationBackend, PushEvent } from "../src/notify/notification_backend.ts";
import { OutboxRelay } from "../src/notify/outbox_relay.ts";
import { ROLES, tempTable, testSession } from "./support/temp_table.ts";
import { waitFor } from "./support/wait_for.ts";

class RecordingBackend implements NotificationBackend {
  readonly seen: string[] = [];
  constructor(readonly agents: string[]) {}
  notify(agent: string, event: PushEvent): void {
    this.seen.push(`${agent}:${event.type}:${event.id}`);
  }
  connectedAgents(): string[] {
    return this.agents;
  }
}

Deno.test("the relay delivers this process's writes at once and fans broadcasts out", async () => {
  using t = tempTable();
  for (const name of ["alice", "bob", "carol"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "before start" });
  const backend = new RecordingBackend(["alice", "bob"]);
  const relay = new OutboxRelay({
    table: t.table,
    backend: () => backend,
    logger: createLogger("error"),
  });
  relay.start();
  try {
    t.table.messages.send({ by: agentActor("alice"), recipient: "carol", content: "x" });
    t.table.messages.broadcast({ by: agentActor("alice"), content: "y" });
    await Promise.resolve();
    assert.deepEqual(backend.seen, ["carol:message:2", "bob:broadcast:3"]);
  } finally {
    relay.stop();
  }
});

Deno.test("the relay notices writes by another connection through data_version", async () => {
  using t = tempTable();
  for (const name of ["alice", "bob"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  const backend = new RecordingBackend([]);
  const relay = new OutboxRelay({
    table: t.table,
    backend: () => backend,
    pollMs: 10,
    logger: createLogger("error"),
  });
  relay.start();
  const otherDb = openDatabase(t.path);
  try {
    const other = createTable({ db: otherDb, roles: ROLES });
    other.messages.send({ by: agentActor("alice"), recipient: "bob", content: "from elsewhere" });
    await waitFor(() => backend.seen.length > 0, { what: "the relay to see the other write" });
    assert.deepEqual(backend.seen, ["bob:message:1"]);
  } finally {
    relay.stop();
    otherDb.close();
  }
});
