import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { createLogger } from "../src/log.ts";
import type { NotificationBackend, PushEvent } from "../src/notify/notification_backend.ts";
import { OutboxRelay, toPushEvent } from "../src/notify/outbox_relay.ts";
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

Deno.test("the relay takes this process's events as committed, without reading them back", async () => {
  using t = tempTable();
  for (const name of ["alice", "bob"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  const pushed: PushEvent[] = [];
  const backend: NotificationBackend = {
    notify: (_agent, event) => void pushed.push(event),
    connectedAgents: () => [],
  };
  const relay = new OutboxRelay({
    table: t.table,
    backend: () => backend,
    logger: createLogger("error"),
  });
  relay.start();
  const reads: number[] = [];
  const after = t.table.events.after.bind(t.table.events);
  t.table.events.after = (id, limit) => {
    reads.push(id);
    return after(id, limit);
  };
  try {
    t.table.messages.send({
      by: agentActor("alice"),
      recipient: "bob",
      content: "hi",
      subject: "s",
    });
    await Promise.resolve();
    assert.deepEqual(reads, []);
    // What was handed over is what a reader of the outbox gets.
    assert.deepEqual(pushed, after(0, 10).map(toPushEvent));
  } finally {
    relay.stop();
  }
});

Deno.test("the relay keeps id order when another connection writes between this one's writes", async () => {
  using t = tempTable();
  for (const name of ["alice", "bob"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  const backend = new RecordingBackend([]);
  const relay = new OutboxRelay({
    table: t.table,
    backend: () => backend,
    pollMs: 60_000,
    logger: createLogger("error"),
  });
  relay.start();
  const otherDb = openDatabase(t.path);
  try {
    const other = createTable({ db: otherDb, roles: ROLES });
    t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "1" });
    await Promise.resolve();
    other.messages.send({ by: agentActor("alice"), recipient: "bob", content: "2" });
    t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "3" });
    await Promise.resolve();
    assert.deepEqual(backend.seen, ["bob:message:1", "bob:message:2", "bob:message:3"]);
  } finally {
    relay.stop();
    otherDb.close();
  }
});

Deno.test("the relay never pushes an event whose transaction rolled back", async () => {
  using t = tempTable();
  for (const name of ["alice", "bob"]) {
    t.table.members.register({ name, session: testSession(name) });
  }
  const contents: unknown[] = [];
  const backend: NotificationBackend = {
    notify: (_agent, event) =>
      void contents.push(Reflect.get(Object(event.data["message"]), "content")),
    connectedAgents: () => [],
  };
  const relay = new OutboxRelay({
    table: t.table,
    backend: () => backend,
    logger: createLogger("error"),
  });
  relay.start();
  try {
    assert.throws(() =>
      t.table.tx.run(() => {
        t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "undone" });
        throw new Error("changed my mind");
      })
    );
    // A commit without events must not release what the rolled-back one queued.
    t.table.tx.run(() => t.table.members.touch("alice"));
    await Promise.resolve();
    t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "kept" });
    await Promise.resolve();
    assert.deepEqual(contents, ["kept"]);
  } finally {
    relay.stop();
  }
});
