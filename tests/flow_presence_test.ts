/**
 * Names, leases and claimed tasks follow how agents really work, shown with real processes: a
 * stdio agent killed with -9 comes back under its name at once and finds its work; an HTTP
 * client that reconnects with its agent token is bound at once; a quiet HTTP agent whose session
 * is open keeps its lease; a crashed agent's task says so and goes back after the grace.
 * Timeouts are scaled down (TEAM_TABLE_TICK, _PRESENCE_TIMEOUT, _AWAY_RELEASE); what proves
 * enough time passed is a marker (another agent's lease or task going back), never a sleep.
 */
import assert from "node:assert/strict";
import { startServe, TEST_TOKEN } from "./support/serve_process.ts";
import { runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";
import { SseReader } from "./support/sse_reader.ts";
import { waitFor } from "./support/wait_for.ts";

/** Short timeouts: a tick of 0.1 s, presence 0.5 s, work kept 1.5 s while its agent is away. */
const FAST = {
  TEAM_TABLE_TICK: "0.1",
  TEAM_TABLE_PRESENCE_TIMEOUT: "0.5",
  TEAM_TABLE_AWAY_RELEASE: "1.5",
};

async function addMember(dbPath: string, name: string): Promise<string> {
  const out = await runTeamTable(["members", "add", name], { TEAM_TABLE_DB: dbPath });
  const credential = out.stdout.match(/credential: (ttk_\S+)/)?.[1];
  assert.ok(credential, `members add printed a credential: ${out.stdout}${out.stderr}`);
  return credential;
}

function leasePaths(result: Record<string, unknown>): string[] {
  return (result["leases"] as { path: string }[]).map((l) => l.path);
}

Deno.test("kill -9 of a stdio agent: the restart under its name is bound at once and finds its work", async () => {
  const db = await tempDb();
  const lead = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "lead" });
  const first = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "w1" });
  let restarted: TestAgent | undefined;
  try {
    const created = await lead.ok("create_task", { title: "parser" });
    const taskId = (created["task"] as { id: number }).id;
    await first.ok("claim_task", { task_id: taskId });
    await first.ok("reserve_paths", { paths: ["src/parser.ts"] });
    await lead.ok("send_message", { recipient: "w1", content: "ping" });
    const pid = first.pid();
    assert.ok(pid !== undefined);
    Deno.kill(pid, "SIGKILL");
    await first.close().catch(() => {});
    restarted = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "w1" });
    // Bound on the first or second call (the kill may still be landing), never refused longer.
    let back = await restarted.call("register", { name: "w1" });
    if (back.isError) back = await restarted.call("register", { name: "w1" });
    assert.equal(back.isError, false, `the restart is refused: ${back.text}`);
    const held = back.structured?.["holding"] as {
      tasks: { id: number; status: string }[];
      leases: { path: string }[];
      unread: number;
    };
    assert.deepEqual(held.tasks.map((t) => [t.id, t.status]), [[taskId, "in_progress"]]);
    assert.deepEqual(held.leases.map((l) => l.path), ["src/parser.ts"]);
    assert.equal(held.unread, 1, "its mail waited");
    const log = await lead.ok("get_audit_log", { action: "member.reclaimed" });
    const entry = (log["entries"] as { target: string; details: { where: string } }[])[0];
    assert.equal(entry?.target, "w1");
    assert.equal(entry?.details.where, `stdio, pid ${pid}`, "the dead process let it go");
  } finally {
    await restarted?.close();
    await lead.close();
    await db.cleanup();
  }
});

Deno.test("an HTTP client that reconnects with its agent token is bound at once; its old session ends", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { env: { TEAM_TABLE_TICK: "0.1" } });
  const credential = await addMember(db.path, "w2");
  const old = await TestAgent.http(server.url, credential);
  let fresh: TestAgent | undefined;
  let newer: TestAgent | undefined;
  try {
    await old.ok("reserve_paths", { paths: ["docs/a.md"] });
    // A client that closes without DELETE (the SDK's close(), the Inspector CLI).
    await old.close();
    fresh = await TestAgent.http(server.url, credential);
    const back = await fresh.call("list_leases", { agent: "w2" });
    assert.equal(back.isError, false, `refused: ${back.text}`);
    assert.deepEqual(leasePaths(back.structured!), ["docs/a.md"], "bound at once, lease kept");
    assert.match(back.texts[1] ?? "", /^🧳 You are w2 and hold: lease docs\/a\.md until/);
    // A session still open and in use is taken over too: it is told, then it ends.
    newer = await TestAgent.http(server.url, credential);
    await newer.ok("heartbeat");
    const told = await fresh.call("heartbeat").catch(() => undefined);
    if (told !== undefined) {
      assert.match(
        told.text,
        /was taken over at .* by a newer session of w2 .* this older session has ended/,
      );
    }
    await waitFor(async () => {
      try {
        await fresh!.call("heartbeat");
        return false;
      } catch {
        return true; // its session ended (404)
      }
    }, { what: "the replaced session to end" });
    const log = await newer.ok("get_audit_log", { action: "member.replaced" });
    assert.equal((log["entries"] as unknown[]).length, 2, "each reconnect took it over");
  } finally {
    await fresh?.close().catch(() => {});
    await newer?.close();
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("an HTTP agent quiet far past the presence timeout, its session open, keeps its lease", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { env: FAST });
  const quiet = await TestAgent.http(server.url, TEST_TOKEN);
  const gone = await TestAgent.http(server.url, TEST_TOKEN);
  const watcher = await TestAgent.stdio(db.path, { ...FAST, TEAM_TABLE_AGENT: "watcher" });
  try {
    await quiet.ok("register", { name: "quiet" });
    await quiet.ok("reserve_paths", { paths: ["src/long_edit.ts"], ttl: 3_600 });
    await gone.ok("register", { name: "gone" });
    await gone.ok("reserve_paths", { paths: ["src/other.ts"], ttl: 3_600 });
    await gone.close(); // its client went away without DELETE: its stream closed
    // The marker: the departed agent's lease ends once it has been away for the grace, which
    // is longer than the presence timeout; the quiet agent made no call all that time.
    await waitFor(async () => {
      const all = leasePaths(await watcher.ok("list_leases"));
      return !all.includes("src/other.ts") && all;
    }, { what: "the departed agent's lease to end" });
    const all = leasePaths(await watcher.ok("list_leases"));
    assert.deepEqual(all, ["src/long_edit.ts"], "the quiet agent's lease stays");
    const members = await watcher.ok("list_members");
    const presence = (members["members"] as { name: string; presence: string }[])
      .map((m) => [m.name, m.presence]);
    assert.deepEqual(presence, [["gone", "away"], ["quiet", "online"], ["watcher", "online"]]);
    const log = await watcher.ok("get_audit_log", { action: "lease.ended" });
    const reasons = (log["entries"] as { details: { reason: string } }[]).map((e) =>
      e.details.reason
    );
    assert.ok(reasons.every((r) => /^gone has been away since/.test(r)), reasons.join("; "));
    assert.deepEqual(leasePaths(await quiet.ok("list_leases", { agent: "quiet" })), [
      "src/long_edit.ts",
    ]);
  } finally {
    await Promise.all([quiet.close(), watcher.close()]);
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("an agent whose MCP session ended but whose /events stream is open keeps its lease", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { env: FAST });
  const listener = await TestAgent.http(server.url, TEST_TOKEN);
  const gone = await TestAgent.http(server.url, TEST_TOKEN);
  const watcher = await TestAgent.stdio(db.path, { ...FAST, TEAM_TABLE_AGENT: "watcher" });
  let events: SseReader | undefined;
  try {
    await listener.ok("register", { name: "listener" });
    await listener.ok("reserve_paths", { paths: ["src/kept.ts"], ttl: 3_600 });
    events = await SseReader.open(`${server.url}/events/listener`, {
      authorization: `Bearer ${TEST_TOKEN}`,
    });
    assert.equal((await events.next()).event, "connected");
    await listener.terminate(); // its MCP session ends (DELETE); the stream stays open
    await gone.ok("register", { name: "gone" });
    await gone.ok("reserve_paths", { paths: ["src/other.ts"], ttl: 3_600 });
    await gone.terminate();
    await waitFor(async () => {
      const all = leasePaths(await watcher.ok("list_leases"));
      return !all.includes("src/other.ts");
    }, { what: "the departed agent's lease to end (the marker)" });
    assert.deepEqual(leasePaths(await watcher.ok("list_leases")), ["src/kept.ts"]);
  } finally {
    await events?.close();
    await watcher.close();
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("a crashed agent's task says it is away and goes back to the board after the grace", async () => {
  const db = await tempDb();
  const lead = await TestAgent.stdio(db.path, { ...FAST, TEAM_TABLE_AGENT: "lead" });
  const crashed = await TestAgent.stdio(db.path, { ...FAST, TEAM_TABLE_AGENT: "w3" });
  try {
    const created = await lead.ok("create_task", { title: "lexer" });
    const taskId = (created["task"] as { id: number }).id;
    await crashed.ok("claim_task", { task_id: taskId });
    Deno.kill(crashed.pid()!, "SIGKILL");
    await crashed.close().catch(() => {});
    const refusal = await waitFor(async () => {
      const outcome = await lead.call("claim_task", { task_id: taskId });
      return outcome.isError && /is away since/.test(outcome.text) && outcome.text;
    }, { what: "the claim to be refused naming w3 as away" });
    assert.match(
      refusal,
      /already claimed by 'w3' \(status in_progress; w3 is away since \d\d:\d\d UTC \(no session, stream or process\): its work goes back to the board at \d\d:\d\d UTC unless it comes back\)/,
    );
    const claimed = await waitFor(async () => {
      const outcome = await lead.call("claim_task", { task_id: taskId });
      return !outcome.isError && outcome.structured;
    }, { what: "the task to go back to the board and be claimed" });
    assert.equal((claimed["task"] as { assignee: string }).assignee, "lead");
    const inbox = await lead.ok("get_messages", { include_read: true });
    assert.match(
      JSON.stringify(inbox["messages"]),
      /is pending again: w3 has been away since/,
      "its creator was told",
    );
  } finally {
    await lead.close();
    await db.cleanup();
  }
});
