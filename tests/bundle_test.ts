/**
 * The bundle the binary is compiled from (scripts/bundle.ts) works as the source does: two
 * stdio servers on one database through real SDK clients, and the parts it loads on demand (a
 * user's YAML roles, `serve`). The whole suite runs against it with
 * `TEAM_TABLE_BIN=<a script running the bundle> deno task test`; the release runs it against
 * the binary.
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { bundle, CONFIG } from "../scripts/bundle.ts";
import { PERMISSION_FLAGS } from "../scripts/permissions.ts";
import { tempDb } from "./support/test_agent.ts";

const testdata = new URL("./testdata/", import.meta.url).pathname;

Deno.test("the bundle runs stdio servers, a user's YAML roles and serve", async () => {
  const db = await tempDb();
  const entry = await bundle(`${db.dir}/bundle`);
  const run = ["run", "--quiet", "--config", CONFIG, ...PERMISSION_FLAGS, entry];
  const clients: Client[] = [];
  const agent = async (name: string) => {
    const client = new Client({ name: "bundle-test", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: Deno.execPath(),
        args: run,
        // The SDK's transport passes on only a few variables (HOME, PATH...) unless told:
        // DENO_DIR and the cache settings must reach the child, or it cannot find its modules.
        env: {
          ...Deno.env.toObject(),
          TEAM_TABLE_DB: db.path,
          TEAM_TABLE_ROLES_DIR: `${testdata}roles-override`,
        },
        stderr: "pipe",
      }),
    );
    clients.push(client);
    const registered = await client.callTool({
      name: "register",
      arguments: { name, role: "coder" },
    });
    // The user's YAML file redefines the shipped coder role.
    assert.match(JSON.stringify(registered.structuredContent), /Our coders write Rust/);
    return client;
  };
  try {
    const alice = await agent("alice");
    const bob = await agent("bob");
    const sent = await alice.callTool({
      name: "send_message",
      arguments: { recipient: "bob", content: "from the bundle" },
    });
    assert.equal(sent.isError, undefined, JSON.stringify(sent.content));
    const inbox = await bob.callTool({ name: "get_messages", arguments: {} });
    const messages = (inbox.structuredContent?.["messages"] ?? []) as { content: string }[];
    assert.deepEqual(messages.map((m) => m.content), ["from the bundle"]);

    const serve = new Deno.Command(Deno.execPath(), {
      args: [...run, "serve", "--port", "0", "--no-auth"],
      env: { TEAM_TABLE_DB: db.path },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const reader = serve.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let said = "";
    let url: string | undefined;
    while (url === undefined) {
      const { done, value } = await reader.read();
      if (done) break;
      said += value;
      url = said.match(/listening on (http:\/\/\S+)/)?.[1];
    }
    try {
      assert.ok(url, said);
      const health = await fetch(`${url}/health`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
    } finally {
      serve.kill("SIGTERM");
      await serve.status;
      await reader.cancel();
    }
  } finally {
    for (const client of clients) await client.close();
    await db.cleanup();
  }
});
