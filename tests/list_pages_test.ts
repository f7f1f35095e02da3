/**
 * Every list a tool returns comes in pages sized for a model: a default limit and a maximum
 * (LIMITS.pages), a next_cursor while there is more, no item lost or repeated across pages even
 * when rows are added between two pages, long texts cut with a pointer, and limit errors that
 * name the field, the problem and the limit. Through a real MCP client over stdio.
 */
import assert from "node:assert/strict";
import { LIMITS } from "../src/core/limits.ts";
import { agentEnv, grantRole, tempDb, TestAgent } from "./support/test_agent.ts";

type Row = Record<string, unknown>;

/**
 * Reads every page of `tool` with `limit` items each, calling `between` after each page; returns
 * the keys seen, in order.
 */
async function readPages(
  agent: TestAgent,
  tool: string,
  args: Row,
  items: (result: Row) => Row[],
  key: (item: Row) => string,
  between: () => Promise<unknown> = () => Promise.resolve(),
): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let cursor: unknown;
  let pages = 0;
  do {
    const result = await agent.ok(tool, { ...args, ...(cursor === undefined ? {} : { cursor }) });
    pages++;
    const page = items(result);
    assert.ok(page.length <= Number(args["limit"]), `${tool}: a page holds at most limit`);
    keys.push(...page.map(key));
    cursor = result["next_cursor"];
    if (cursor !== undefined) await between();
  } while (cursor !== undefined && pages < 100);
  return { keys, pages };
}

/** No key twice, and every key of `before` among them. */
function assertWhole(tool: string, seen: string[], before: string[]): void {
  assert.equal(new Set(seen).size, seen.length, `${tool}: an item repeated: ${seen.join(" ")}`);
  const missing = before.filter((key) => !seen.includes(key));
  assert.deepEqual(missing, [], `${tool}: items lost`);
}

const _list = (name: string) => (result: Row) => result[name] as Row[];
const _id = (item: Row) => String(item["id"]);

Deno.test("lists in pages: nothing lost or repeated while rows are added", async (t) => {
  const db = await tempDb();
  const credential = await grantRole(db.path, "boss", "lead");
  const lead = await TestAgent.stdio(db.path, agentEnv("boss", credential));
  const alice = await TestAgent.stdio(db.path);
  const bob = await TestAgent.stdio(db.path, { TEAM_TABLE_RATE_LIMIT: "0" });
  let added = 0;
  try {
    await alice.ok("register", { name: "alice" });
    await bob.ok("register", { name: "bob" });

    await t.step("list_tasks (a high-priority task added between pages sorts first)", async () => {
      for (let i = 0; i < 7; i++) await alice.ok("create_task", { title: `t${i}` });
      const before = (await alice.ok("list_tasks", { limit: 200 }))["tasks"] as Row[];
      const { keys, pages } = await readPages(
        alice,
        "list_tasks",
        { limit: 3 },
        _list("tasks"),
        _id,
        () => alice.ok("create_task", { title: `new ${added++}`, priority: "high" }),
      );
      assert.ok(pages >= 3);
      assertWhole("list_tasks", keys, before.map(_id));
    });

    await t.step("get_task_detail feed (newest first pages, comments added between)", async () => {
      const created = await alice.ok("create_task", { title: "long story" });
      const taskId = (created["task"] as Row)["id"];
      for (let i = 0; i < 8; i++) {
        await alice.ok("task_comment", { task_id: taskId, content: `note ${i}` });
      }
      const whole = await alice.ok("get_task_detail", { task_id: taskId, limit: 200 });
      const before = whole["entries"] as Row[];
      const first = await alice.ok("get_task_detail", { task_id: taskId, limit: 3 });
      assert.deepEqual(
        (first["entries"] as Row[]).map((e) => e["content"]),
        ["note 5", "note 6", "note 7"],
        "the newest entries, oldest first",
      );
      assert.equal(first["comment_count"], 8, "counts are of the whole task");
      const { keys, pages } = await readPages(
        alice,
        "get_task_detail",
        { task_id: taskId, limit: 3 },
        _list("entries"),
        (e) => String(e["content"]),
        () => alice.ok("task_comment", { task_id: taskId, content: `later ${added++}` }),
      );
      assert.ok(pages >= 3);
      assertWhole("get_task_detail", keys, before.map((e) => String(e["content"])));
    });

    await t.step("get_messages include_read (newest first, new mail between pages)", async () => {
      for (let i = 0; i < 7; i++) {
        await bob.ok("send_message", { recipient: "alice", content: `m${i}` });
      }
      await alice.ok("get_messages", { limit: 100 });
      const before = (await alice.ok("get_messages", { include_read: true, limit: 100 }))[
        "messages"
      ] as Row[];
      const { keys } = await readPages(
        alice,
        "get_messages",
        { include_read: true, limit: 3 },
        _list("messages"),
        _id,
        () => bob.ok("send_message", { recipient: "alice", content: `more ${added++}` }),
      );
      assertWhole("get_messages", keys, before.map(_id));
    });

    await t.step("get_messages unread: the rest on the next call, unread_remaining", async () => {
      await alice.ok("get_messages", { limit: 100 });
      for (let i = 0; i < 5; i++) {
        // Longer than the badge shows whole, so they stay unread until read.
        const content = `u${i} ${"x".repeat(LIMITS.badgeWholeChars)}`;
        await bob.ok("send_message", { recipient: "alice", content });
      }
      const first = await alice.ok("get_messages", { limit: 3 });
      assert.equal(first["count"], 3);
      assert.equal(first["unread_remaining"], 2);
      assert.equal(first["next_cursor"], undefined, "unread mode pages by reading");
      const rest = await alice.ok("get_messages", { limit: 3 });
      assert.equal(rest["count"], 2);
      assert.equal(rest["unread_remaining"], 0);
    });

    await t.step("get_thread (replies added between pages)", async () => {
      const start = await bob.ok("send_message", { recipient: "alice", content: "thread" });
      const id = (start["message"] as Row)["id"];
      for (let i = 0; i < 6; i++) {
        await alice.ok("send_message", { recipient: "bob", content: `r${i}`, reply_to: id });
      }
      const before = (await alice.ok("get_thread", { message_id: id, limit: 100 }))[
        "messages"
      ] as Row[];
      const first = await alice.ok("get_thread", { message_id: id, limit: 3 });
      assert.equal(first["more"], 4);
      const { keys } = await readPages(
        alice,
        "get_thread",
        { message_id: id, limit: 3 },
        _list("messages"),
        _id,
        () => bob.ok("send_message", { recipient: "alice", content: "late", reply_to: id }),
      );
      assertWhole("get_thread", keys, before.map(_id));
    });

    await t.step("list_pending_acks (both lists, more asked between pages)", async () => {
      for (let i = 0; i < 5; i++) {
        await bob.ok("send_message", {
          recipient: "alice",
          content: `ack ${i}`,
          ack_required: true,
        });
        await alice.ok("send_message", {
          recipient: "bob",
          content: `ack ${i}`,
          ack_required: true,
        });
      }
      const all = await alice.ok("list_pending_acks", { limit: 100 });
      const key = (item: Row) => `${item["message_id"]}/${item["recipient"]}`;
      const seen = { by: [] as string[], to: [] as string[] };
      let cursor: unknown;
      do {
        const page = await alice.ok("list_pending_acks", {
          limit: 2,
          ...(cursor === undefined ? {} : { cursor }),
        });
        seen.by.push(...(page["owed_by_me"] as Row[]).map(key));
        seen.to.push(...(page["owed_to_me"] as Row[]).map(key));
        cursor = page["next_cursor"];
        await bob.ok("send_message", { recipient: "alice", content: "x", ack_required: true });
      } while (cursor !== undefined);
      assertWhole("owed_by_me", seen.by, (all["owed_by_me"] as Row[]).map(key));
      assertWhole("owed_to_me", seen.to, (all["owed_to_me"] as Row[]).map(key));
    });

    await t.step(
      "list_members (names before and after the cursor join between pages)",
      async () => {
        const others: TestAgent[] = [];
        try {
          for (const name of ["carol", "dave"]) {
            const other = await TestAgent.stdio(db.path);
            others.push(other);
            await other.ok("register", { name });
          }
          const before = (await alice.ok("list_members", { limit: 500 }))["members"] as Row[];
          assert.equal(before[0]?.["has_credential"], undefined, "summaries");
          const joiners = ["aaron", "zoe"];
          const { keys } = await readPages(
            alice,
            "list_members",
            { limit: 2 },
            _list("members"),
            (m) => String(m["name"]),
            async () => {
              const name = joiners.shift();
              if (name === undefined) return;
              const other = await TestAgent.stdio(db.path);
              others.push(other);
              await other.ok("register", { name });
            },
          );
          assertWhole("list_members", keys, before.map((m) => String(m["name"])));
        } finally {
          for (const other of others) await other.close();
        }
      },
    );

    await t.step("get_audit_log (newest first, changes between pages)", async () => {
      const before = (await alice.ok("get_audit_log", { limit: 30 }))["entries"] as Row[];
      const { keys } = await readPages(
        alice,
        "get_audit_log",
        { limit: 10 },
        _list("entries"),
        _id,
        () => alice.ok("create_task", { title: `audited ${added++}` }),
      );
      assertWhole("get_audit_log", keys, before.map(_id));
    });

    await t.step("shared context: entries, keys, namespaces and history", async () => {
      for (const key of ["b", "d", "f", "h", "j"]) {
        await alice.ok("share_context", { key, value: `v ${key}`, ns: "n1" });
        await alice.ok("share_context", { key, value: `v ${key}`, ns: "n3" });
      }
      const between = async () => {
        const key = ["a", "z", "c", "y", "e"][added++ % 5]!;
        await alice.ok("share_context", { key: `${key}${added}`, value: "late", ns: "n2" });
        await alice.ok("share_context", { key: `${key}${added}`, value: "late", ns: "n1" });
      };
      const nsKey = (e: Row) => `${e["ns"]}/${e["key"]}`;
      const entries = (await alice.ok("get_shared_context", { limit: 100 }))["entries"] as Row[];
      const read = await readPages(
        alice,
        "get_shared_context",
        { limit: 3 },
        _list("entries"),
        nsKey,
        between,
      );
      assertWhole("get_shared_context", read.keys, entries.map(nsKey));
      const keys = (await alice.ok("list_context", { limit: 500 }))["keys"] as Row[];
      const listed = await readPages(
        alice,
        "list_context",
        { limit: 4 },
        _list("keys"),
        nsKey,
        between,
      );
      assertWhole("list_context", listed.keys, keys.map(nsKey));
      const spaces = (await alice.ok("list_namespaces", { limit: 500 }))["namespaces"] as Row[];
      const named = await readPages(
        alice,
        "list_namespaces",
        { limit: 1 },
        _list("namespaces"),
        (n) => String(n["ns"]),
        () => alice.ok("share_context", { key: "k", value: "v", ns: `m${added++}` }),
      );
      assertWhole("list_namespaces", named.keys, spaces.map((n) => String(n["ns"])));
      for (let i = 0; i < 6; i++) await alice.ok("share_context", { key: "spec", value: `v${i}` });
      const versions = (await alice.ok("context_history", { key: "spec", limit: 100 }))[
        "versions"
      ] as Row[];
      const history = await readPages(
        alice,
        "context_history",
        { key: "spec", limit: 2 },
        _list("versions"),
        (v) => String(v["version"]),
        () => alice.ok("share_context", { key: "spec", value: "newer" }),
      );
      assertWhole("context_history", history.keys, versions.map((v) => String(v["version"])));
    });

    await t.step("list_leases (leases taken between pages)", async () => {
      await alice.ok("reserve_paths", { paths: ["a.ts", "b.ts", "c.ts", "d.ts", "e.ts"] });
      const before = (await alice.ok("list_leases", { limit: 500 }))["leases"] as Row[];
      const { keys } = await readPages(
        alice,
        "list_leases",
        { limit: 2 },
        _list("leases"),
        _id,
        () => bob.ok("reserve_paths", { paths: [`late${added++}.ts`] }),
      );
      assertWhole("list_leases", keys, before.map(_id));
    });

    await t.step("list_rules (rules made between pages)", async () => {
      for (const name of ["r-b", "r-d", "r-f"]) {
        await lead.ok("create_rule", { name, on: "task.created", then: [{ comment: "x" }] });
      }
      const before = (await alice.ok("list_rules", { limit: 200 }))["rules"] as Row[];
      const { keys } = await readPages(
        alice,
        "list_rules",
        { limit: 2 },
        _list("rules"),
        (r) => String(r["name"]),
        () =>
          lead.ok("create_rule", {
            name: `r-${["a", "z", "c"][added++ % 3]}${added}`,
            on: "task.created",
            then: [{ comment: "x" }],
          }),
      );
      assertWhole("list_rules", keys, before.map((r) => String(r["name"])));
    });
  } finally {
    await lead.close();
    await alice.close();
    await bob.close();
    await db.cleanup();
  }
});

/** Each paged tool, its limits, and the arguments it needs besides limit. */
const PAGED: [string, { default: number; max: number }, Row][] = [
  ["list_tasks", LIMITS.pages.tasks, {}],
  ["get_messages", LIMITS.pages.inbox, {}],
  ["get_thread", LIMITS.pages.thread, { message_id: 1 }],
  ["list_pending_acks", LIMITS.pages.pendingAcks, {}],
  ["list_members", LIMITS.pages.members, {}],
  ["get_audit_log", LIMITS.pages.audit, {}],
  ["get_shared_context", LIMITS.pages.contextEntries, {}],
  ["list_context", LIMITS.pages.contextKeys, {}],
  ["list_namespaces", LIMITS.pages.namespaces, {}],
  ["context_history", LIMITS.pages.contextHistory, { key: "k" }],
  ["list_leases", LIMITS.pages.leases, {}],
  ["list_rules", LIMITS.pages.rules, {}],
  ["get_task_detail", LIMITS.pages.feed, { task_id: 1 }],
];

Deno.test("list limits: errors name the field, the problem and the limit; texts are cut", async (t) => {
  const db = await tempDb();
  const alice = await TestAgent.stdio(db.path);
  try {
    await alice.ok("register", { name: "alice" });
    await alice.ok("send_message", { recipient: "alice", content: "x".repeat(5_000) });
    await alice.ok("share_context", { key: "k", value: "y".repeat(3_000) });
    await alice.ok("create_task", { title: "task 1" });

    for (const [tool, limits, args] of PAGED) {
      await t.step(`${tool}: limit 0, limit max + 1, a made-up cursor`, async () => {
        const max = limits.max.toLocaleString("en-US");
        for (const limit of [0, limits.max + 1]) {
          const refused = await alice.call(tool, { ...args, limit });
          assert.equal(refused.isError, true);
          assert.match(refused.text, new RegExp(`limit must be an integer from 1 to ${max}`));
        }
        const bad = await alice.call(tool, { ...args, cursor: "bm9wZQ" });
        assert.equal(bad.isError, true);
        assert.match(bad.text, new RegExp(`^cursor 'bm9wZQ' is not a next_cursor from ${tool}`));
      });
    }

    await t.step("search: the limit is checked too", async () => {
      const refused = await alice.call("search", { query: "x", limit: LIMITS.searchLimitMax + 1 });
      assert.equal(refused.isError, true);
      assert.match(refused.text, /limit must be an integer from 1 to 100/);
    });

    await t.step(
      "get_messages cuts long content, pointing at the get_thread page with it",
      async () => {
        const inbox = await alice.call("get_messages");
        const message = (inbox.structured?.["messages"] as Row[])[0]!;
        const pointer = inbox.text.match(
          new RegExp(
            `x… \\[cut: 5,000 characters; get_thread\\(message_id=${message["id"]}, ` +
              `cursor=\\\\"([A-Za-z0-9_-]+)\\\\"\\)\\]`,
          ),
        );
        assert.ok(pointer, inbox.text.slice(0, 1_200));
        assert.ok(inbox.text.length < 3_000, `${inbox.text.length} characters`);
        for (let i = 0; i < 3; i++) {
          await alice.ok("send_message", {
            recipient: "alice",
            content: "later",
            reply_to: message["id"],
          });
        }
        const thread = await alice.ok("get_thread", {
          message_id: Number(message["id"]),
          limit: 1,
          cursor: pointer[1],
        });
        const shown = (thread["messages"] as Row[]).at(-1)!;
        assert.equal(shown["id"], message["id"], "the page ends with the message");
        assert.equal((shown["content"] as string).length, 5_000);
      },
    );

    await t.step("list_roles: summaries; get_role has guidelines and tools", async () => {
      const roles = await alice.call("list_roles");
      assert.doesNotMatch(roles.text, /"guidelines"|"tools"/);
      assert.ok(roles.text.length < 3_000, `${roles.text.length} characters`);
      const one = await alice.ok("get_role", { name: "agent" });
      assert.ok((one["role"] as { tools: string[] }).tools.includes("list_roles"));
    });

    await t.step("get_shared_context lists values cut; one key in full", async () => {
      const listed = await alice.call("get_shared_context");
      assert.match(
        listed.text,
        /y… \[cut: 3,000 characters; get_shared_context\(key=\\"k\\", ns=\\"default\\"\)\]/,
      );
      const one = await alice.ok("get_shared_context", { key: "k" });
      assert.equal(((one["entries"] as Row[])[0]!["value"] as string).length, 3_000);
    });
  } finally {
    await alice.close();
    await db.cleanup();
  }
});
