/**
 * An `/events` stream lasts as long as the credential that opened it, on a real serve: a new
 * credential (`members token`) or the member removed and its name taken by a new holder ends
 * the old stream with a `closed` frame, before the next event for that agent is written to it;
 * streams whose credential still holds keep receiving.
 */
import assert from "node:assert/strict";
import { startServe } from "./support/serve_process.ts";
import { type SseFrame, SseReader } from "./support/sse_reader.ts";
import { runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";

/** The credential a `members add`/`members token` printed. */
function credentialOf(output: { stdout: string; stderr: string }): string {
  const key = output.stdout.match(/credential: (ttk_\S+)/)?.[1];
  assert.ok(key, output.stdout + output.stderr);
  return key;
}

/** Every frame up to the end of the stream (bounded: fails if it does not end). */
async function framesToEnd(reader: SseReader): Promise<SseFrame[]> {
  const frames: SseFrame[] = [];
  for (;;) {
    try {
      frames.push(await reader.next());
    } catch (error) {
      if (error instanceof Error && error.message === "the SSE stream ended") return frames;
      throw error;
    }
  }
}

/** The frames a stream closed for its credential ends with: the last says why; no message. */
function assertClosedForCredential(frames: SseFrame[], agent: string, content: string): void {
  const last = frames.at(-1);
  assert.equal(last?.event, "closed", JSON.stringify(frames));
  assert.equal(last.id, undefined, "the closed frame leaves Last-Event-ID alone");
  const data = JSON.parse(last.data);
  assert.equal(data.reason, "credential_changed");
  assert.match(data.note, new RegExp(`stream of '${agent}' no longer holds`));
  assert.ok(
    frames.every((frame) => !frame.data.includes(content)),
    `the message sent after the change never reached the old stream: ${JSON.stringify(frames)}`,
  );
}

Deno.test("serve: an /events stream ends when its credential is replaced or its member removed; others keep receiving", async () => {
  const db = await tempDb();
  const env = { TEAM_TABLE_DB: db.path };
  const daveKey = credentialOf(await runTeamTable(["members", "add", "dave"], env));
  const erinKey = credentialOf(await runTeamTable(["members", "add", "erin"], env));
  const oldAg98Key = credentialOf(await runTeamTable(["members", "add", "ag98"], env));
  const server = await startServe(db.path);
  const agents: TestAgent[] = [];
  const readers: SseReader[] = [];
  const agent = async (key: string) => {
    const made = await TestAgent.http(server.url, key);
    agents.push(made);
    return made;
  };
  /** Opens `name`'s stream with `token` in the URL, as an EventSource client would. */
  const open = async (name: string, token: string) => {
    const reader = await SseReader.open(
      `${server.url}/events/${name}?token=${encodeURIComponent(token)}`,
    );
    readers.push(reader);
    assert.equal(reader.response.status, 200);
    assert.equal((await reader.next()).event, "connected");
    return reader;
  };
  const received = async (reader: SseReader, content: string) => {
    const frame = await reader.nextOf(["message", "closed"]);
    assert.equal(frame.event, "message", frame.data);
    assert.equal(JSON.parse(frame.data).message.content, content);
  };
  try {
    const carol = await agent(server.token);
    await carol.ok("register", { name: "carol" });
    for (const key of [daveKey, erinKey, oldAg98Key]) await (await agent(key)).ok("heartbeat");

    // (a) dave's credential is replaced while his stream is open.
    const daveStream = await open("dave", daveKey);
    const operatorsDave = await open("dave", server.token);
    const erinStream = await open("erin", erinKey);
    await carol.ok("send_message", { recipient: "dave", content: "before the new credential" });
    await received(daveStream, "before the new credential");
    await received(operatorsDave, "before the new credential");
    const rotated = await runTeamTable(["members", "token", "dave"], env);
    assert.match(rotated.stdout, /New credential for dave \(the old one no longer works\)/);
    await carol.ok("send_message", { recipient: "dave", content: "after the new credential" });
    assertClosedForCredential(await framesToEnd(daveStream), "dave", "after the new credential");
    await received(operatorsDave, "after the new credential");
    await carol.ok("send_message", { recipient: "erin", content: "erin's token is unchanged" });
    await received(erinStream, "erin's token is unchanged");
    const refused = await fetch(`${server.url}/events/dave?token=${daveKey}`);
    assert.equal(refused.status, 401, "the old credential opens no new stream either");
    await refused.body?.cancel();
    const newDave = await open("dave", credentialOf(rotated));
    await carol.ok("send_message", { recipient: "dave", content: "to the new credential" });
    await received(newDave, "to the new credential");
    await received(operatorsDave, "to the new credential");

    // (b) ag98 is removed and a new holder is added under the same name.
    const oldAg98 = await open("ag98", oldAg98Key);
    const removed = await runTeamTable(["members", "remove", "ag98"], env);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    const newAg98Key = credentialOf(await runTeamTable(["members", "add", "ag98"], env));
    await (await agent(newAg98Key)).ok("heartbeat");
    const newAg98 = await open("ag98", newAg98Key);
    await carol.ok("send_message", { recipient: "ag98", content: "for the new ag98" });
    await received(newAg98, "for the new ag98");
    assertClosedForCredential(await framesToEnd(oldAg98), "ag98", "for the new ag98");
    assert.match(
      server.stderr(),
      /closed an \/events stream of 'ag98': the credential that opened it no longer holds/,
    );

    // The streams whose credential holds were never touched.
    await carol.ok("send_message", { recipient: "erin", content: "still open" });
    await received(erinStream, "still open");
    await carol.ok("send_message", { recipient: "dave", content: "the operator's too" });
    await received(operatorsDave, "the operator's too");
  } finally {
    for (const reader of readers) await reader.close();
    await Promise.all(agents.map((a) => a.close()));
    await server.stop();
    await db.cleanup();
  }
});
