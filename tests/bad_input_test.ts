import assert from "node:assert/strict";
import { TestAgent } from "./support/test_agent.ts";
import { snapshot, tempTable } from "./support/temp_table.ts";

const long = (n: number) => "x".repeat(n);

/** [tool, arguments, what the error must say]. Run as 'alice' (role agent). */
const CASES: [string, Record<string, unknown>, RegExp][] = [
  ["no_such_tool", {}, /Tool no_such_tool not found/],
  ["get_thread", {}, /message_id is required/],
  [
    "get_thread",
    { message_id: 1 },
    /message_id: 'alice' may not read the thread of message 1: message 1 is not one it sent or received/,
  ],
  ["get_thread", { message_id: 999 }, /message_id: no message with id 999/],
  ["acknowledge_message", { message_id: 1 }, /message_id: message 1 was not sent to alice/],
  [
    "acknowledge_message",
    { message_id: 1, note: long(501) },
    /note is too long: 501 characters; the limit is 500/,
  ],
  ["list_pending_acks", { limit: 0 }, /limit must be an integer from 1 to 100/],
  ["search", {}, /query is required/],
  ["search", { query: long(501) }, /query is too long: 501 characters; the limit is 500/],
  ["search", { query: '"open' }, /query: the double quote at character 1 is never closed/],
  ["search", { query: "* - (" }, /query: '\* - \(' has no words to search for/],
  ["search", { query: "x", kinds: ["mail"] }, /each entry of kinds must be one of 'message'/],
  ["search", { query: "x", since: "yesterday" }, /since 'yesterday' is not/],
  ["search", { query: "x", limit: 101 }, /limit must be an integer from 1 to 100/],
  [
    "send_message",
    { recipient: "bob", content: "hi", reply_to: 1 },
    /reply_to: 'alice' may not reply to message 1: message 1 is not one it sent or received/,
  ],
  [
    "send_message",
    { recipient: "bob", content: "hi", subject: long(121) },
    /subject is too long: 121 characters; the limit is 120/,
  ],
  [
    "send_message",
    { recipient: "bob", content: "hi", ack_required: "yes" },
    /ack_required must be true or false/,
  ],
  ["broadcast", { content: "hi", reply_to: 999 }, /reply_to: no message with id 999/],
  ["register", {}, /name is required: a string of 1–64 characters at name/],
  ["register", { name: 5 }, /name must be a string of 1–64 characters \(got the number 5\)/],
  ["register", { name: long(65) }, /name is too long: 65 characters; the limit is 64/],
  ["register", { name: "-dash" }, /name '-dash' is not a valid agent name/],
  ["register", { name: "trailing " }, /name 'trailing ' is not a valid agent name/],
  ["register", { name: "ok", role: "Big Boss" }, /role 'Big Boss' is not a valid role/],
  [
    "register",
    { name: "ok", capabilities: Array.from({ length: 21 }, (_, i) => `c${i}`) },
    /capabilities has 21 entries; the limit is 20/,
  ],
  [
    "register",
    { name: "ok", capabilities: [long(65)] },
    /each entry of capabilities is too long: 65 characters; the limit is 64/,
  ],
  [
    "register",
    { name: "ok", capabilities: "ts" },
    /capabilities must be a list of strings \(got a string/,
  ],
  [
    "register",
    { name: "ok", nmae: "x" },
    /unknown parameter 'nmae'; register takes 'name', 'role', 'capabilities'/,
  ],
  [
    "deregister",
    { name: "bob" },
    /name 'bob' does not match the agent registered in this session \('alice'\)/,
  ],
  [
    "list_members",
    { include_inactive: "yes" },
    /include_inactive must be true or false \(got a string/,
  ],
  ["heartbeat", { name: 1 }, /name must be a string/],
  ["send_message", { content: "hi" }, /recipient is required/],
  ["send_message", { recipient: "bob" }, /content is required: a string of 1–10,000 characters/],
  [
    "send_message",
    { recipient: "bob", content: "" },
    /content must not be empty \(a string of 1–10,000 characters\)/,
  ],
  [
    "send_message",
    { recipient: "bob", content: long(10_001) },
    /content is too long: 10,001 characters; the limit is 10,000/,
  ],
  [
    "send_message",
    { recipient: "nobody", content: "hi" },
    /recipient: no agent named 'nobody' has ever registered/,
  ],
  ["send_message", { recipient: "bbo", content: "hi" }, /Did you mean 'bob'\?/],
  [
    "send_message",
    { recipient: "bob", content: "hi", task_id: 999 },
    /task_id: no task with id 999/,
  ],
  [
    "send_message",
    { recipient: "bob", content: "hi", task_id: -1 },
    /task_id must be a positive integer id \(got the number -1\)/,
  ],
  [
    "send_message",
    { recipient: "bob", content: "hi", task_id: "1" },
    /task_id must be a positive integer id \(got a string/,
  ],
  [
    "send_message",
    { sender: "bob", recipient: "bob", content: "hi" },
    /sender 'bob' does not match/,
  ],
  ["broadcast", {}, /content is required/],
  ["broadcast", { content: long(10_001) }, /content is too long/],
  ["get_messages", { limit: 0 }, /limit must be an integer from 1 to 100 \(got the number 0\)/],
  ["get_messages", { limit: 101 }, /limit must be an integer from 1 to 100/],
  ["get_messages", { include_read: "true" }, /include_read must be true or false/],
  ["delete_message", { message_id: 999 }, /message_id: no message with id 999/],
  [
    "delete_message",
    { message_id: 1.5 },
    /message_id must be a positive integer id \(got the number 1.5\)/,
  ],
  [
    "delete_message",
    { message_id: 1 },
    /message_id: 'alice' may not delete message 1: only its sender \('bob'\) or its recipients may, and role 'agent' lacks the privilege delete_any_message \(roles with it: admin, lead\)/,
  ],
  ["archive_message", {}, /message_id is required: a positive integer id/],
  [
    "clear_inbox",
    { before_date: "yesterday" },
    /before_date 'yesterday' is not a duration back from now \(30m, 2h, 1d\) or an ISO 8601 date/,
  ],
  [
    "clear_inbox",
    { before_date: "2026-13-45" },
    /before_date '2026-13-45' is not a duration back from now \(30m, 2h, 1d\) or an ISO 8601 date/,
  ],
  ["clear_inbox", { sender: "nobody" }, /sender: no agent named 'nobody'/],
  ["purge_messages", {}, /before_date is required/],
  [
    "purge_messages",
    { before_date: "2030-01-01" },
    /Role 'agent' may not call purge_messages: it lacks the privilege purge_messages \(roles with it: admin, lead\)\. An operator can change the role \(team-table members grant alice ROLE\)/,
  ],
  ["create_task", {}, /title is required: a string of 1–200 characters/],
  ["create_task", { title: long(201) }, /title is too long: 201 characters; the limit is 200/],
  [
    "create_task",
    { title: "t", description: long(5_001) },
    /description is too long: 5,001 characters; the limit is 5,000/,
  ],
  [
    "create_task",
    { title: "t", priority: "urgent" },
    /priority must be one of 'low', 'medium', 'high' \(got "urgent"\)/,
  ],
  ["create_task", { title: "t", assignee: "nobody" }, /assignee: no agent named 'nobody'/],
  [
    "list_tasks",
    { status: "open" },
    /status must be one of 'pending', 'in_progress', 'awaiting_review', 'done', 'blocked'/,
  ],
  ["claim_task", { task_id: 999 }, /task_id: no task with id 999/],
  [
    "claim_task",
    { task_id: 1 },
    /task_id: 'alice' may not claim task 1: only its assignee \('bob'\) may, and role 'agent' lacks the privilege claim_assigned \(roles with it: admin, lead\)/,
  ],
  ["update_task", { task_id: 1, status: "finished" }, /status must be one of/],
  [
    "update_task",
    { task_id: 1, status: "done", result: long(5_001) },
    /result is too long: 5,001 characters; the limit is 5,000/,
  ],
  ["update_task", { task_id: 999, status: "done" }, /task_id: no task with id 999/],
  [
    "update_task",
    { task_id: 1 },
    /task_id: nothing to change on task 1: give status, result, reviewer, parent_id, add_blocked_by or remove_blocked_by\. Nothing changed\./,
  ],
  [
    "update_task",
    { task_id: 1, take_next: true, add_blocked_by: [] },
    /nothing to change on task 1/,
  ],
  [
    "update_task",
    { task_id: 1, status: "done" },
    /'alice' may not update task 1: only its creator \('bob'\)/,
  ],
  ["create_task", { title: "t", reviewer: "nobody" }, /reviewer: no agent named 'nobody'/],
  ["update_task", { task_id: 1, status: "done", reviewer: 7 }, /reviewer must be a string/],
  ["task_comment", { content: "x" }, /task_id is required/],
  ["task_comment", { task_id: 1 }, /content is required: a string of 1–10,000 characters/],
  ["task_comment", { task_id: 1, content: long(10_001) }, /content is too long: 10,001 characters/],
  ["task_comment", { task_id: 999, content: "x" }, /task_id: no task with id 999/],
  [
    "task_comment",
    { task_id: 1, content: "x", type: "rant" },
    /type must be one of 'comment', 'blocker', 'resolution'/,
  ],
  [
    "task_comment",
    { task_id: 1, content: "x", type: "status_change" },
    /type must be one of 'comment', 'blocker', 'resolution'/,
  ],
  [
    "task_comment",
    { task_id: 1, content: "stop", type: "blocker" },
    /'alice' may not post a blocker on task 1: only its creator \('bob'\)/,
  ],
  ["get_task_detail", {}, /task_id is required/],
  ["get_task_detail", { task_id: 999 }, /task_id: no task with id 999/],
  ["reassign_task", { task_id: 1 }, /new_assignee is required/],
  [
    "reassign_task",
    { task_id: 1, new_assignee: "nobody" },
    /new_assignee: no agent named 'nobody'/,
  ],
  ["reassign_task", { task_id: 999, new_assignee: "bob" }, /task_id: no task with id 999/],
  ["reassign_task", { task_id: 1, new_assignee: "alice" }, /'alice' may not reassign task 1/],
  ["list_roles", { verbose: true }, /unknown parameter 'verbose'; list_roles takes no parameters/],
  ["get_role", {}, /name is required/],
  [
    "get_role",
    { name: "wizard" },
    /name: there is no role 'wizard'. Roles: admin, agent, architect/,
  ],
  ["get_role", { name: "Coder" }, /name 'Coder' is not a valid role/],
  [
    "assign_role",
    { name: "bob", role: "lead" },
    /Role 'agent' may not call assign_role/,
  ],
  ["assign_role", { name: "bob", role: "Wizard" }, /role 'Wizard' is not a valid role/],
  [
    "register",
    { name: "alice", role: "admin" },
    /role: 'alice' may not take the role 'admin': 'admin' is a privileged role and cannot be self-assigned\. A human operator grants it with: team-table members grant alice admin/,
  ],
  [
    "register",
    { name: "alice", role: "wizard" },
    /role: there is no role 'wizard'\. Roles: admin, agent/,
  ],
  ["next_task", { claim: "yes" }, /claim must be true or false/],
  ["list_tasks", { mine_first: 1 }, /mine_first must be true or false/],
  ["list_tasks", { cursor: "x" }, /cursor 'x' is not a next_cursor from list_tasks/],
  ["list_tasks", { limit: 0 }, /limit must be an integer from 1 to 200/],
  [
    "list_tasks",
    { since: "x" },
    /since 'x' is not a changes_cursor from list_tasks; omit it to start/,
  ],
  ["create_task", { title: "t", type: "Big Thing" }, /type 'Big Thing' is not a valid task type/],
  ["list_rules", { all: true }, /unknown parameter 'all'; list_rules takes 'limit', 'cursor'/],
  [
    "create_rule",
    { name: "r", on: "task.created", then: [{ comment: "x" }] },
    /Role 'agent' may not call create_rule: it lacks the privilege manage_rules/,
  ],
  [
    "update_rule",
    { name: "r", enabled: false },
    /Role 'agent' may not call update_rule: it lacks the privilege manage_rules/,
  ],
  ["delete_rule", { name: "r" }, /Role 'agent' may not call delete_rule: it lacks/],
  ["create_rule", { name: "r", on: "task.nope", then: [] }, /on must be one of 'task.created'/],
  ["create_rule", { name: "r", on: "task.created", then: [] }, /then needs at least one action/],
  [
    "create_rule",
    { name: "R R", on: "task.created", then: [{ comment: "x" }] },
    /name 'R R' is not a valid rule name/,
  ],
  ["create_task", { title: "t", parent_id: 999 }, /parent_id: no task with id 999/],
  ["create_task", { title: "t", blocked_by: [999] }, /blocked_by: no task with id 999/],
  ["create_task", { title: "t", blocked_by: "1" }, /blocked_by must be a list of task ids/],
  [
    "create_task",
    { title: "t", blocked_by: [0] },
    /each entry of blocked_by must be a positive integer id/,
  ],
  [
    "update_task",
    { task_id: 1, status: "pending", add_blocked_by: [1] },
    /'alice' may not update task 1/,
  ],
  ["list_tasks", { parent_id: "x" }, /parent_id must be a positive integer id/],
  ["share_context", { value: "v" }, /key is required/],
  [
    "share_context",
    { key: long(129), value: "v" },
    /key is too long: 129 characters; the limit is 128/,
  ],
  [
    "share_context",
    { key: "k", value: long(50_001) },
    /value is too long: 50,001 characters; the limit is 50,000/,
  ],
  [
    "get_shared_context",
    { key: "nope" },
    /key: nothing is shared under 'nope' in namespace 'default'/,
  ],
  [
    "get_shared_context",
    { key: "spec", ns: "Team A" },
    /ns 'Team A' is not a valid namespace \(1–64 characters/,
  ],
  ["get_shared_context", { key: "spec", version: 0 }, /version must be a whole number from 1 to/],
  [
    "share_context",
    { key: "k", value: "v", ttl: -1 },
    /ttl must be a whole number from 0 to 31,536,000 \(got the number -1\)/,
  ],
  [
    "share_context",
    { key: "k", value: "v", ttl: 31_536_001 },
    /ttl must be a whole number from 0 to 31,536,000/,
  ],
  [
    "share_context",
    { key: "k", value: "v", ns: "x".repeat(65) },
    /ns is too long: 65 characters; the limit is 64/,
  ],
  [
    "share_context",
    { key: "spec", value: "v", expected_version: 0 },
    /expected_version: 'spec' in namespace 'default' is at version 1, written by 'bob' at .*, not 0/,
  ],
  ["context_history", {}, /key is required/],
  ["context_history", { key: "nope" }, /key: nothing is shared under 'nope'/],
  ["list_context", { prefix: "" }, /prefix must not be empty/],
  [
    "list_namespaces",
    { ns: "x" },
    /unknown parameter 'ns'; list_namespaces takes 'limit', 'cursor'/,
  ],
  ["delete_context", { key: "nope" }, /key: nothing is shared under 'nope'/],
  [
    "delete_context",
    { key: "spec" },
    /'alice' may not delete 'spec' \(its versions are by 'bob'\): role 'agent' lacks the privilege manage_context/,
  ],
  [
    "get_audit_log",
    { since: "last tuesday" },
    /since 'last tuesday' is not a duration back from now \(30m, 2h, 1d\) or an ISO 8601 date/,
  ],
  ["get_audit_log", { limit: 201 }, /limit must be an integer from 1 to 200/],
  ["get_audit_log", { action: "" }, /action must not be empty/],
  [
    "search",
    { query: "ka* lo* mi* ne* ru* sa* ti* vo* ze* pa* qu* xe* de* fo* gi* ha*" },
    /query: 'ka\*' is a prefix of 2 letters; a prefix needs at least 3/,
  ],
  ["reserve_paths", { paths: ["../x"] }, /paths\[0\] '\.\.\/x' contains '\.\.'; it must stay/],
  ["reserve_paths", { paths: ["/etc/passwd"] }, /paths\[0\] '\/etc\/passwd' is absolute/],
  ["reserve_paths", { paths: [""] }, /each entry of paths must not be empty/],
  ["reserve_paths", { paths: [] }, /paths must not be empty: give 1–100 paths/],
  [
    "reserve_paths",
    { paths: Array.from({ length: 10_000 }, (_, i) => `f${i}.ts`) },
    /paths has 10,000 entries; the limit is 100/,
  ],
  [
    "reserve_paths",
    { paths: ["**/+(+()*)("] },
    /paths\[0\] '\*\*\/\+\(\+\(\)\*\)\(' uses the extended glob '\+\(…'; a glob may use \* \(within a folder\), \*\* \(any folders\)/,
  ],
  ["reserve_paths", { paths: ["a.ts"], ttl: 0 }, /ttl must be a whole number from 1 to 86,400/],
  [
    "reserve_paths",
    { paths: ["a.ts"], task_id: 1 },
    /task_id: task 1 is not an open task assigned to alice/,
  ],
  ["release_paths", { ids: [99] }, /ids: no live lease with id 99/],
  ["release_paths", { paths: ["x.ts"] }, /paths: you hold no lease on 'x\.ts'/],
  ["renew_paths", { ttl: 86_401 }, /ttl must be a whole number from 1 to 86,400/],
  ["list_leases", { path: "../a" }, /path '\.\.\/a' contains '\.\.'/],
  ["create_task", { title: "t", paths: ["src\\a.ts"] }, /paths\[0\] .* contains a backslash/],
  ["claim_task", { task_id: 1, paths: ["/abs"] }, /paths\[0\] '\/abs' is absolute/],
];

/** Tools that act as an agent, and must be refused before register. */
const AGENT_SCOPED: [string, Record<string, unknown>][] = [
  ["deregister", {}],
  ["heartbeat", {}],
  ["send_message", { recipient: "bob", content: "hi" }],
  ["broadcast", { content: "hi" }],
  ["get_messages", {}],
  ["delete_message", { message_id: 1 }],
  ["archive_message", { message_id: 1 }],
  ["clear_inbox", {}],
  ["purge_messages", { before_date: "2030-01-01" }],
  ["create_task", { title: "t" }],
  ["claim_task", { task_id: 1 }],
  ["update_task", { task_id: 1, status: "done" }],
  ["share_context", { key: "k", value: "v" }],
  ["task_comment", { task_id: 1, content: "x" }],
  ["reassign_task", { task_id: 1, new_assignee: "bob" }],
  ["assign_role", { name: "bob", role: "coder" }],
  ["create_rule", { name: "r", on: "task.created", then: [{ comment: "x" }] }],
  ["delete_context", { key: "spec" }],
  ["next_task", {}],
  ["get_thread", { message_id: 1 }],
  ["acknowledge_message", { message_id: 1 }],
  ["list_pending_acks", {}],
  ["search", { query: "x" }],
  ["reserve_paths", { paths: ["a.ts"] }],
  ["release_paths", {}],
  ["renew_paths", {}],
];

Deno.test("bad input to every tool: a specific isError result, the server stays up, nothing changes", async (t) => {
  using db = tempTable();
  const bob = await TestAgent.inProcess(db.table);
  const alice = await TestAgent.inProcess(db.table);
  const stranger = await TestAgent.inProcess(db.table);
  try {
    await bob.ok("register", { name: "bob" });
    await bob.ok("create_task", { title: "bob's task", assignee: "bob" });
    await bob.ok("share_context", { key: "spec", value: "v1" });
    // Message 1, which alice is not party to:
    await bob.ok("send_message", { recipient: "bob", content: "note to self" });
    await alice.ok("register", { name: "alice" });

    const tools = (await alice.tools()).map((tool) => tool.name).sort();
    const covered = new Set(CASES.map(([name]) => name));
    assert.deepEqual(
      tools.filter((name) => !covered.has(name)),
      [],
      "every tool has bad-input cases",
    );

    const before = snapshot(db.db);

    for (const [tool, args, expected] of CASES) {
      await t.step(`${tool} ${JSON.stringify(args).slice(0, 60)}`, async () => {
        const outcome = await alice.call(tool, args);
        assert.equal(outcome.isError, true, `${tool} should fail`);
        assert.match(outcome.text, expected);
        assert.doesNotMatch(outcome.text, /\n\s+at |\.ts:\d+/, "no stack trace");
      });
    }

    for (const [tool, args] of AGENT_SCOPED) {
      await t.step(`${tool} before register`, async () => {
        const outcome = await stranger.call(tool, args);
        assert.equal(outcome.isError, true);
        assert.match(
          outcome.text,
          /^This session has no agent yet: call register with your agent name first/,
        );
      });
    }

    assert.equal(snapshot(db.db), before, "the database is unchanged");
    assert.equal((await alice.ok("list_members"))["count"], 2, "the server is still up");
  } finally {
    await Promise.all([bob.close(), alice.close(), stranger.close()]);
  }
});
