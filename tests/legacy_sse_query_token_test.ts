/**
 * A legacy /sse client that can only put its token in the URL (`/sse?token=…`, no headers on any
 * request) works: the endpoint the stream announces carries a key of that session, which stands
 * for the token that opened it on that session's POSTs and nothing else.
 */
import assert from "node:assert/strict";
import { startServe } from "./support/serve_process.ts";
import { SseReader } from "./support/sse_reader.ts";
import { runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";
import { waitFor } from "./support/wait_for.ts";

/** `team-table members add NAME` (or `members token NAME`): the credential it printed. */
async function credential(dbPath: string, args: string[]): Promise<string> {
  const out = await runTeamTable(["members", ...args], { TEAM_TABLE_DB: dbPath });
  const printed = out.stdout.match(/credential: (ttk_\S+)/)?.[1];
  assert.ok(printed, `members ${args.join(" ")} printed a credential: ${out.stdout}${out.stderr}`);
  return printed;
}

const PING = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });

Deno.test("serve: a legacy /sse client with its token only in the URL posts to the endpoint it is given", async (t) => {
  const db = await tempDb();
  const danaKey = await credential(db.path, ["add", "dana"]);
  const server = await startServe(db.path);
  const q = (token: string) => `token=${encodeURIComponent(token)}`;
  const readers: SseReader[] = [];
  /** Opens a raw /sse stream and returns it with the endpoint its first event names. */
  const open = async (query: string, headers: Record<string, string> = {}) => {
    const reader = await SseReader.open(`${server.url}/sse${query}`, headers);
    readers.push(reader);
    assert.equal(reader.response.status, 200);
    const first = await reader.next();
    assert.equal(first.event, "endpoint");
    return { reader, endpoint: first.data };
  };
  const post = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: PING,
    });
  try {
    await t.step("the SDK's SSEClientTransport, operator token in the URL only", async () => {
      const carol = await TestAgent.sse(server.url, server.token, { tokenIn: "query" });
      try {
        await carol.ok("register", { name: "carol" });
        await carol.ok("send_message", { recipient: "carol", content: "note to self" });
        const inbox = await carol.ok("get_messages", { include_read: true });
        assert.deepEqual(
          (inbox["messages"] as { content: string }[]).map((m) => m.content),
          ["note to self"],
        );
      } finally {
        await carol.close();
      }
    });

    await t.step("an agent token in the URL only: the session is that agent's", async () => {
      const dana = await TestAgent.sse(server.url, danaKey, { tokenIn: "query" });
      try {
        const other = await dana.call("register", { name: "mallory" });
        assert.equal(other.isError, true);
        assert.match(other.text, /bound to 'dana'/);
        await dana.ok("send_message", { recipient: "dana", content: "from dana" });
        const inbox = await dana.ok("get_messages", { include_read: true });
        assert.deepEqual(
          (inbox["messages"] as { sender: string }[]).map((m) => m.sender),
          ["dana"],
        );
      } finally {
        await dana.close();
      }
    });

    await t.step("the endpoint holds a session key, never the token", async () => {
      const { endpoint } = await open(`?${q(server.token)}`);
      assert.match(endpoint, /^\/messages\?sessionId=[\w-]+&key=[\w-]{32}$/);
      assert.ok(!endpoint.includes(server.token));
      assert.equal((await post(endpoint)).status, 202, "the key alone is enough");
      const { endpoint: bearer } = await open("", { authorization: `Bearer ${server.token}` });
      assert.match(bearer, /^\/messages\?sessionId=[\w-]+$/, "a header client keeps the header");
      assert.equal((await post(bearer)).status, 401);
    });

    await t.step("a missing, wrong or other session's key is refused with 401", async () => {
      const { endpoint } = await open(`?${q(server.token)}`);
      const { endpoint: other } = await open(`?${q(server.token)}`);
      const id = endpoint.match(/sessionId=([\w-]+)/)?.[1];
      const otherKey = other.match(/key=([\w-]+)/)?.[1];
      for (const path of [`/messages?sessionId=${id}`, `/messages?sessionId=${id}&key=x`]) {
        const refused = await post(path);
        assert.equal(refused.status, 401, path);
        assert.match((await refused.json()).message, /session key/);
      }
      assert.equal((await post(`/messages?sessionId=${id}&key=${otherKey}`)).status, 401);
      assert.equal((await post(endpoint)).status, 202);
    });

    await t.step("once its stream closes, the key opens nothing", async () => {
      const { reader, endpoint } = await open(`?${q(server.token)}`);
      assert.equal((await post(endpoint)).status, 202);
      await reader.close();
      const refused = await waitFor(async () => {
        const response = await post(endpoint);
        return response.status === 202 ? undefined : response;
      }, { what: "the closed stream's session to end" });
      assert.equal(refused.status, 401);
      assert.match((await refused.json()).message, /its session ended \(open GET \/sse again\)/);
    });

    await t.step("the key is only as good as the token: a new credential stops it", async () => {
      const { endpoint } = await open(`?${q(danaKey)}`);
      assert.equal((await post(endpoint)).status, 202);
      await credential(db.path, ["token", "dana"]);
      assert.equal((await post(endpoint)).status, 401, "the old token no longer holds");
    });
  } finally {
    for (const reader of readers) await reader.close();
    await server.stop();
    await db.cleanup();
  }
});
