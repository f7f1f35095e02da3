/**
 * New names are bounded (per session, per source and window, and in total), and a session
 * that switches names shares one message budget. Counted in the database.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { ConflictError, RateLimitError } from "../src/core/errors.ts";
import { LIMITS } from "../src/core/limits.ts";
import type { SessionRef } from "../src/core/members/session_ref.ts";
import { snapshot, tempTable } from "./support/temp_table.ts";
import { tempDb, TestAgent } from "./support/test_agent.ts";

const session = (id: string, source = "stdio, pid 1"): SessionRef => ({
  id,
  where: source,
  source,
});

Deno.test("one session makes at most newNamesPerSession new names; returning ones are free", () => {
  using t = tempTable();
  const s = session("s1");
  const names = Array.from({ length: LIMITS.newNamesPerSession }, (_, i) => `bot${i}`);
  for (const name of names) t.table.members.register({ name, session: s });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.members.register({ name: "one-more", session: s }),
    (e: unknown) =>
      e instanceof ConflictError &&
      e.message ===
        `name: this session has made ${LIMITS.newNamesPerSession} new names ` +
          `(${names.join(", ")}), the most one session may (${LIMITS.newNamesPerSession}). ` +
          `Register with one of them again.`,
  );
  assert.equal(snapshot(t.db), before, "nothing written");
  t.table.members.register({ name: "bot0", session: s });
  assert.equal(t.table.members.list().length, LIMITS.newNamesPerSession);
});

Deno.test("a source makes at most newNamesPerSource new names per window, across sessions", () => {
  using t = tempTable();
  for (let i = 0; i < LIMITS.newNamesPerSource; i++) {
    t.table.members.register({ name: `n${i}`, session: session(`s${i}`, "join token") });
  }
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.members.register({ name: "late", session: session("sx", "join token") }),
    (e: unknown) =>
      e instanceof RateLimitError &&
      e.message.startsWith(
        `name: join token has made ${LIMITS.newNamesPerSource} new names in the last 10 ` +
          `minutes, the most allowed. Try again in 600 s`,
      ),
  );
  assert.equal(snapshot(t.db), before);
  t.table.members.register({ name: "other", session: session("sy", "http 10.0.0.9") });
  t.clock.advance(LIMITS.registrationWindowMs);
  t.table.members.register({ name: "late", session: session("sx", "join token") });
});

Deno.test("the table holds at most membersMax members", () => {
  using t = tempTable();
  const insert = t.db.prepare(
    `INSERT INTO members (name, role, status, registered_at, last_seen)
     VALUES (?, 'agent', 'inactive', 0, 0)`,
  );
  t.db.exec("BEGIN");
  for (let i = 0; i < LIMITS.membersMax; i++) insert.run(`old${i}`);
  t.db.exec("COMMIT");
  assert.throws(
    () => t.table.members.register({ name: "newcomer", session: session("s") }),
    new RegExp(
      `name: the table has ${LIMITS.membersMax} members, the most it holds ` +
        `\\(${LIMITS.membersMax}\\); no new name can be registered`,
    ),
  );
  t.table.members.register({ name: "old7", session: session("s") });
});

Deno.test("switching names in one session does not multiply the message rate", () => {
  using t = tempTable({ rateLimit: 3 });
  const s = session("rotator");
  t.table.members.register({ name: "target", session: session("other", "elsewhere") });
  t.table.members.register({ name: "a", session: s });
  for (let i = 0; i < 3; i++) {
    t.table.messages.send({
      by: agentActor("a"),
      recipient: "target",
      content: `${i}`,
      session: s.id,
    });
  }
  t.table.members.register({ name: "b", session: s });
  const before = snapshot(t.db);
  assert.throws(
    () => t.table.messages.broadcast({ by: agentActor("b"), content: "flood", session: s.id }),
    /Rate limit: this session has \(under any name\) sent 3 messages \(direct and broadcast\) in the last 60 s/,
  );
  assert.equal(snapshot(t.db), before);
  t.table.messages.send({
    by: agentActor("target"),
    recipient: "b",
    content: "another session has its own budget",
    session: "other",
  });
});

Deno.test("through a real client: a session's name flood and name rotation are bounded", async () => {
  const db = await tempDb();
  const agent = await TestAgent.stdio(db.path, { TEAM_TABLE_RATE_LIMIT: "2" });
  try {
    for (let i = 0; i < LIMITS.newNamesPerSession; i++) {
      await agent.ok("register", { name: `flood${i}` });
    }
    const refused = await agent.call("register", { name: "flood-extra" });
    assert.equal(refused.isError, true);
    assert.match(refused.text, /this session has made 5 new names/);
    await agent.ok("register", { name: "flood0" });
    await agent.ok("send_message", { recipient: "flood1", content: "one" });
    await agent.ok("send_message", { recipient: "flood1", content: "two" });
    await agent.ok("register", { name: "flood2" });
    const limited = await agent.call("broadcast", { content: "three" });
    assert.equal(limited.isError, true);
    assert.match(limited.text, /this session has \(under any name\) sent 2 messages/);
  } finally {
    await agent.close();
    await db.cleanup();
  }
});
