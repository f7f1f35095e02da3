import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { createLogger } from "../src/log.ts";
import type { NotificationBackend, PushEvent } from "../src/notify/notification_backend.ts";
import { OutboxRelay, toPushEvent } from "../src/notify/outbox_relay.ts";
import { ROLES, type TempTable, tempTeam } from "./support/temp_table.ts";
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

/** A started relay over `t`'s table into `backend` (pollMs: how often it looks for others' writes). */
function startRelay(t: TempTable, backend: NotificationBackend, pollMs?: number): OutboxRelay {
  const relay = new OutboxRelay({
    table: t.table,
    backend: () => backend,
    logger: createLogger("error"),
    ...(pollMs === undefined ? {} : { pollMs }),
  });
  relay.start();
  return relay;
}

Deno.test("the relay delivers this process's writes at once and fans broadcasts out", async () => {
  using t = tempTeam(["alice", "bob", "carol"]);
  t.table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "before start" });
  const backend = new RecordingBackend(["alice", "bob"]);
  const relay = startRelay(t, backend);
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
  using t = tempTeam(["alice", "bob"]);
  const backend = new RecordingBackend([]);
  const relay = startRelay(t, backend, 10);
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
  using t = tempTeam(["alice", "bob"]);
  const pushed: PushEvent[] = [];
  const backend: NotificationBackend = {
    notify: (_agent, event) => void pushed.push(event),
    connectedAgents: () => [],
  };
  const relay = startRelay(t, backend);
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
  using t = tempTeam(["alice", "bob"]);
  const backend = new RecordingBackend([]);
  const relay = startRelay(t, backend, 60_000);
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
  using t = tempTeam(["alice", "bob"]);
  const contents: unknown[] = [];
  const backend: NotificationBackend = {
    notify: (_agent, event) =>
      void contents.push(Reflect.get(Object(event.data["message"]), "content")),
    connectedAgents: () => [],
  };
  const relay = startRelay(t, backend);
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
