import { testSession } from "./support/temp_table.ts";
import { API_ENDPOINTS } from "../src/http/web_api.ts";
import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { createLogger } from "../src/log.ts";
import { OutboxRelay } from "../src/notify/outbox_relay.ts";
import { SseReader } from "./support/sse_reader.ts";
import { tempHandler } from "./support/temp_handler.ts";
import { cookieOf, postSignIn, signIn } from "./support/web_session.ts";

const TOKEN = "web-api-test-token-0123456789";
const BASE = "http://127.0.0.1:8741";

async function setup() {
  const base = tempHandler({ token: TOKEN, operator: "ops" });
  const { handler } = base;
  const web = await signIn(handler, BASE, TOKEN);
  const get = (path: string, headers: Record<string, string> = web.read) =>
    handler.fetch(new Request(`${BASE}${path}`, { headers }));
  const send = (
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = web.write,
  ) =>
    handler.fetch(
      new Request(`${BASE}${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    );
  const post = (path: string, body: unknown, headers?: Record<string, string>) =>
    send("POST", path, body, headers);
  return { ...base, web, get, post, send };
}

Deno.test("web: no session, no data; the form signs in; the token still works as a bearer", async () => {
  await using s = await setup();
  const page = await s.get("/", {});
  assert.equal(page.status, 401);
  assert.match(await page.text(), /Access token/);
  const api = await s.get("/api/overview", {});
  assert.equal(api.status, 401);
  await api.body?.cancel();
  const wrong = await postSignIn(s.handler, BASE, { token: "nope" });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /That token is not right/);
  assert.equal(cookieOf(wrong), undefined, "no session for a wrong token");
  const ok = await s.get("/");
  assert.equal(ok.status, 200);
  const html = await ok.text();
  assert.match(html, /human:ops/);
  assert.match(
    html,
    /for \(const type of \["message","broadcast",.*"task_unblocked","task_available","message_acknowledged",.*"lease_freed"\]\)/,
    "listens to every event type",
  );
  assert.doesNotMatch(html, /<script src=|<link[^>]+href="http/, "no external assets");
  const csp = ok.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  const bearer = await s.get("/api/overview", { authorization: `Bearer ${TOKEN}` });
  assert.equal(bearer.status, 200);
  await bearer.body?.cancel();
  const scripted = await s.post("/api/messages", { to: "*", content: "from a script" }, {
    authorization: `Bearer ${TOKEN}`,
  });
  assert.equal(scripted.status, 201, "a bearer change needs no page token");
  await scripted.body?.cancel();
  const queryToken = await s.get(`/api/overview?token=${TOKEN}`, {});
  assert.equal(queryToken.status, 401, "never the token as a query string on /api");
  await queryToken.body?.cancel();
});

Deno.test("web: overview, task detail, messages with filters, context, audit", async () => {
  await using s = await setup();
  const { table } = s.t;
  table.members.register({ session: testSession("alice"), name: "alice" });
  table.members.register({ session: testSession("bob"), name: "bob" });
  const task = table.tasks.create({ title: "T", by: agentActor("alice"), assignee: "bob" });
  table.messages.send({
    by: agentActor("alice"),
    recipient: "bob",
    content: "about T",
    taskId: task.id,
  });
  table.messages.send({ by: agentActor("bob"), recipient: "alice", content: "other" });
  table.messages.broadcast({ by: agentActor("alice"), content: "all" });
  table.context.share({ key: "k", value: "v", by: agentActor("alice"), ns: "p" });
  table.leases.reserve({ by: agentActor("alice"), paths: ["src/**"], reason: "refactor" });
  table.leases.reserve({ by: agentActor("bob"), paths: ["src/a.ts"], notifyWhenFree: true });
  const overview = await (await s.get("/api/overview")).json();
  assert.deepEqual(
    overview.leases.items.map((l: { agent: string; path: string; exclusive: boolean }) => [
      l.agent,
      l.path,
      l.exclusive,
    ]),
    [["alice", "src/**", true]],
    "who holds what",
  );
  assert.deepEqual(overview.lease_waiters.map((w: { agent: string }) => w.agent), ["bob"]);
  assert.deepEqual(overview.members.items.map((m: { name: string }) => m.name), ["alice", "bob"]);
  assert.deepEqual(overview.member_names, ["alice", "bob"]);
  assert.equal(overview.board.pending.items[0].title, "T");
  assert.equal(overview.board.pending.total, 1);
  assert.equal(overview.counts.pending, 1);
  assert.equal(overview.away.messages, 3);
  const detail = await (await s.get(`/api/tasks/${task.id}`)).json();
  assert.match(detail.feed, /created task for bob/);
  const missing = await s.get("/api/tasks/99");
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).message, /no task with id 99/);
  const byTask = await (await s.get(`/api/messages?task=${task.id}`)).json();
  assert.deepEqual(byTask.messages.map((m: { content: string }) => m.content), ["about T"]);
  const byAgent = await (await s.get("/api/messages?agent=alice&limit=2")).json();
  assert.deepEqual(byAgent.messages.map((m: { content: string }) => m.content), ["all", "other"]);
  const badLimit = await s.get("/api/messages?limit=0");
  assert.equal(badLimit.status, 400);
  assert.match((await badLimit.json()).message, /limit/);
  const badTask = await s.get("/api/messages?task=x");
  assert.equal(badTask.status, 400);
  await badTask.body?.cancel();
  const context = await (await s.get("/api/context")).json();
  assert.deepEqual(context.keys.map((k: { ns: string; key: string }) => `${k.ns}/${k.key}`), [
    "p/k",
  ]);
  const history = await (await s.get("/api/context/history?ns=p&key=k")).json();
  assert.equal(history.versions[0].version, 1);
  const audit = await (await s.get("/api/audit?agent=bob&action=member.*")).json();
  assert.deepEqual(audit.entries.map((e: { action: string }) => e.action), ["member.registered"]);
  const badSince = await s.get("/api/audit?since=yesterday");
  assert.equal(badSince.status, 400);
  assert.match(
    (await badSince.json()).message,
    /since 'yesterday' is not a duration back from now \(30m, 2h, 1d\) or an ISO 8601 date/,
  );
});

Deno.test("web: a human posts messages and comments, clearly marked and audited", async () => {
  await using s = await setup();
  const { table } = s.t;
  table.members.register({ session: testSession("alice"), name: "alice" });
  const task = table.tasks.create({ title: "T", by: agentActor("alice") });
  const sent = await s.post("/api/messages", {
    to: "alice",
    content: "hi from ops",
    task_id: task.id,
  });
  assert.equal(sent.status, 201);
  assert.equal((await sent.json()).message.sender, "human:ops");
  const everyone = await s.post("/api/messages", { to: "*", content: "all hands" });
  assert.equal(everyone.status, 201);
  await everyone.body?.cancel();
  const inbox = table.messages.inbox({ by: agentActor("alice") }).messages.map((
    m,
  ) => [m.sender, m.content]);
  assert.deepEqual(inbox, [["human:ops", "hi from ops"], ["human:ops", "all hands"]]);
  const comment = await s.post(`/api/tasks/${task.id}/comments`, { content: "looks good" });
  assert.equal(comment.status, 201);
  await comment.body?.cancel();
  assert.match(table.tasks.detail(task.id).feed, /\[comment\] human:ops: looks good/);
  assert.deepEqual(
    table.audit.query({ agent: "human:ops" }).map((e) => e.action),
    ["task.commented", "message.broadcast", "message.sent", "web.signed_in"],
  );
  for (
    const [body, expected] of [
      [{ to: "nobody", content: "x" }, /recipient: no agent named 'nobody'/],
      [{ to: "alice", content: "" }, /^content must not be empty \(a string of 1–10,000/],
      [
        { to: "alice", content: "x".repeat(10_001) },
        /^content is too long: 10,001 characters; the limit is 10,000$/,
      ],
      [{ to: "bad name!", content: "x" }, /^to 'bad name!' is not a valid agent name/],
      [{ to: "rule:x", content: "x" }, /^to 'rule:x' is not a valid agent name .* reserved/],
      [{ to: "alice" }, /content: Invalid input/],
      [{ to: "alice", content: "x", extra: 1 }, /Unrecognized key/],
    ] as const
  ) {
    const response = await s.post("/api/messages", body);
    assert.ok(response.status === 400 || response.status === 404, String(response.status));
    assert.match((await response.json()).message, expected);
  }
  const longComment = await s.post(`/api/tasks/${task.id}/comments`, {
    content: "x".repeat(10_001),
  });
  assert.equal(longComment.status, 400);
  assert.match((await longComment.json()).message, /content is too long: 10,001 characters/);
  for (
    const [path, expected] of [
      ["/api/messages?limit=501", /^limit must be an integer from 1 to 500 \(got the number 501\)/],
      ["/api/messages?limit=x", /^limit must be an integer from 1 to 500/],
      ["/api/context?ns=Team%20A", /^ns 'Team A' is not a valid namespace/],
      [`/api/context/history?key=${"k".repeat(129)}`, /^key is too long: 129 characters/],
    ] as const
  ) {
    const response = await s.get(path);
    assert.equal(response.status, 400, path);
    assert.match((await response.json()).message, expected);
  }
  const unauthorized = await s.post("/api/messages", { to: "alice", content: "x" }, {});
  assert.equal(unauthorized.status, 401);
  await unauthorized.body?.cancel();
});

Deno.test("web: /observe streams every event, whoever it is for", async () => {
  await using s = await setup();
  const { table } = s.t;
  table.members.register({ session: testSession("alice"), name: "alice" });
  table.members.register({ session: testSession("bob"), name: "bob" });
  const observer = SseReader.of(await s.get("/observe"));
  assert.equal(observer.response.headers.get("content-type"), "text/event-stream");
  const relay = new OutboxRelay({ table, backend: () => s.backend, logger: createLogger("error") });
  relay.start();
  try {
    assert.equal((await observer.next()).event, "connected");
    table.messages.send({ by: agentActor("alice"), recipient: "bob", content: "to bob" });
    table.messages.send({ by: agentActor("bob"), recipient: "alice", content: "to alice" });
    const frames = [await observer.nextOf(["message"]), await observer.nextOf(["message"])];
    assert.deepEqual(
      frames.map((f) => JSON.parse(f.data).message.content),
      ["to bob", "to alice"],
      "the observer hears messages for either agent",
    );
    // A task for anyone, created while nobody is online to be offered it: the page still hears.
    table.tasks.create({ by: agentActor("alice"), title: "for anyone" });
    const created = await observer.nextOf(["task_created"]);
    assert.equal(JSON.parse(created.data).task.title, "for anyone");
    for (const agent of ["alice", "bob"]) {
      const told = table.events.forAgent(agent, 0).filter((e) => e.type === "task_created");
      assert.deepEqual(told, [], `no agent is told (${agent})`);
    }
  } finally {
    relay.stop();
    await observer.close();
  }
});

Deno.test("web: a human creates, assigns, updates and closes tasks; audited; bad input changes nothing", async () => {
  await using s = await setup();
  const { table } = s.t;
  table.members.register({ session: testSession("alice"), name: "alice" });
  table.members.register({ session: testSession("bob"), name: "bob" });
  const patch = (path: string, body: unknown) => s.send("PATCH", path, body);
  const created = await s.post("/api/tasks", { title: "Ship it", priority: "high" });
  assert.equal(created.status, 201);
  const { task } = await created.json();
  assert.equal(task.creator, "human:ops");
  const assigned = await patch(`/api/tasks/${task.id}`, { assignee: "alice" });
  assert.equal((await assigned.json()).task.assignee, "alice");
  const moved = await patch(`/api/tasks/${task.id}`, { assignee: "bob", status: "in_progress" });
  const movedTask = (await moved.json()).task;
  assert.deepEqual([movedTask.assignee, movedTask.status], ["bob", "in_progress"]);
  const closed = await patch(`/api/tasks/${task.id}`, { status: "done", result: "shipped" });
  const closedTask = (await closed.json()).task;
  assert.deepEqual([closedTask.status, closedTask.result], ["done", "shipped"]);
  assert.deepEqual(
    table.audit.query({ agent: "human:ops", action: "task" }).map((e) => e.action),
    ["task.updated", "task.updated", "task.reassigned", "task.reassigned", "task.created"],
  );
  const before = table.audit.query({}).length;
  for (
    const [method, path, body, status, expected] of [
      ["POST", "/api/tasks", { title: "" }, 400, /^title must not be empty/],
      ["POST", "/api/tasks", { title: "x", priority: "urgent" }, 400, /priority/],
      ["POST", "/api/tasks", { title: "x", assignee: "nobody" }, 404, /no agent named 'nobody'/],
      ["PATCH", `/api/tasks/${task.id}`, {}, 400, /give status, result or assignee/],
      ["PATCH", `/api/tasks/${task.id}`, { status: "finished" }, 400, /status/],
      ["PATCH", "/api/tasks/99", { status: "done" }, 404, /no task with id 99/],
      [
        "PATCH",
        `/api/tasks/${task.id}`,
        { assignee: "alice", result: "x".repeat(5_001) },
        400,
        /result is too long/,
      ],
    ] as const
  ) {
    const response = method === "POST" ? await s.post(path, body) : await patch(path, body);
    assert.equal(response.status, status, `${method} ${path} ${JSON.stringify(body)}`);
    assert.match((await response.json()).message, expected);
  }
  assert.equal(table.audit.query({}).length, before, "nothing changed");
  assert.equal(table.tasks.get(task.id).assignee, "bob");
});

Deno.test("web: a parent shows n of m subtasks done and cannot be closed early; a PATCH is a verdict", async () => {
  await using s = await setup();
  const { table } = s.t;
  table.members.register({ session: testSession("alice"), name: "alice" });
  const alice = agentActor("alice");
  const parent = table.tasks.create({ title: "Feature", by: alice });
  const child = table.taskLeases.create({
    title: "Part",
    by: alice,
    parentId: parent.id,
    paths: ["src/part.ts"],
  }).task;
  const overview = await (await s.get("/api/overview")).json();
  const pending = overview.board.pending.items as {
    id: number;
    subtasks?: unknown;
    paths?: unknown;
  }[];
  assert.deepEqual(pending.map((t) => [t.id, t.subtasks ?? null, t.paths ?? null]), [
    [parent.id, { done: 0, total: 1 }, null],
    [child.id, null, ["src/part.ts"]],
  ]);
  assert.equal(overview.subtasks, undefined, "no separate map: the tasks carry it");
  const early = await s.send("PATCH", `/api/tasks/${parent.id}`, { status: "done" });
  assert.equal(early.status, 400);
  const refusal = await early.json();
  assert.equal(refusal.error, "conflict");
  assert.match(
    refusal.message,
    /Task 1 cannot be done: it has 1 open subtask\(s\): #2 "Part" \(pending\)/,
  );
  // The operator sends alice's work back from the page: alice is told, the task shows the note.
  table.taskLeases.claim({ taskId: child.id, by: alice });
  table.tasks.update({ taskId: child.id, by: alice, status: "awaiting_review" });
  const sent = await s.send("PATCH", `/api/tasks/${child.id}`, {
    status: "in_progress",
    result: "Add a test",
  });
  const task = (await sent.json()).task;
  assert.deepEqual([task.status, task.assignee, task.review_note.verdict, task.review_note.by], [
    "in_progress",
    "alice",
    "changes",
    "human:ops",
  ]);
  assert.match(
    table.messages.peek("alice")[0]?.content ?? "",
    /by human:ops on task #2 "Part": Add a test\./,
  );
});

Deno.test("web: every /api endpoint answers; a wrong method is 405, a bad id 400, the rest 404", async () => {
  await using s = await setup();
  const { table } = s.t;
  table.members.register({ session: testSession("alice"), name: "alice" });
  const sent = table.messages.send({ by: agentActor("alice"), recipient: "alice", content: "x" });
  const task = table.tasks.create({ title: "T", by: agentActor("alice") });
  table.context.share({ key: "k", value: "v", by: agentActor("alice") });
  assert.ok(API_ENDPOINTS.includes("GET /api/search"), "search is listed");
  assert.ok(API_ENDPOINTS.includes("GET /api/threads/{message_id}"), "threads are listed");
  for (const endpoint of API_ENDPOINTS) {
    const [method = "", path = ""] = endpoint.split(" ");
    const concrete = path.replace("{id}", String(task.id)).replace("{message_id}", String(sent.id));
    const query = path === "/api/search" ? "?q=T" : path === "/api/context/history" ? "?key=k" : "";
    const response = method === "GET"
      ? await s.get(`${concrete}${query}`)
      : await s.send(method, concrete, {});
    assert.notEqual(response.status, 404, `${endpoint} answers (${response.status})`);
    assert.notEqual(response.status, 405, `${endpoint} answers (${response.status})`);
    await response.body?.cancel();
  }
  const wrong = await s.send("DELETE", `/api/tasks/${task.id}`, {});
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get("allow"), "GET, PATCH");
  await wrong.body?.cancel();
  const badId = await s.get("/api/tasks/abc");
  assert.equal(badId.status, 400);
  assert.match((await badId.json()).message, /id: 'abc' is not an id/);
  const nothing = await s.get("/api/nothing");
  assert.equal(nothing.status, 404);
  await nothing.body?.cancel();
  const unsigned = await s.get("/api/nothing", {});
  assert.equal(unsigned.status, 401, "nothing under /api answers without the credential");
  await unsigned.body?.cancel();
  assert.equal("db" in table, false, "the table exposes no database handle");
});

Deno.test("web: the first load is pages (done counted only); a changed task is one card; lists page", async () => {
  await using s = await setup();
  const { table } = s.t;
  table.members.register({ session: testSession("alice"), name: "alice" });
  const alice = agentActor("alice");
  const tasks = Array.from(
    { length: 25 },
    (_, i) => table.tasks.create({ title: `T${i}`, by: alice }),
  );
  const first = tasks[0]!;
  table.tasks.claim({ taskId: first.id, by: alice });
  table.tasks.update({ taskId: first.id, by: alice, status: "done" });
  const waiting = table.tasks.create({ title: "Waits", by: alice, blockedBy: [tasks[1]!.id] });
  const overview = await (await s.get("/api/overview")).json();
  assert.deepEqual(overview.board.done, { items: [], total: 1 }, "done: counted, not listed");
  assert.equal(overview.board.pending.total, 25);
  assert.equal(overview.board.pending.items.length, 20, "a page of cards");
  assert.equal(overview.board.pending.items[0].description, undefined, "a card, not the task");
  assert.equal(overview.members.items[0].current_task, null);
  const rest = await (await s.get(
    `/api/board?status=pending&cursor=${overview.board.pending.next_cursor}`,
  )).json();
  assert.deepEqual(
    [...overview.board.pending.items, ...rest.items].map((t: { id: number }) => t.id).sort(
      (a: number, b: number) => a - b,
    ),
    [...tasks.slice(1), waiting].map((t) => t.id),
    "the next page has the rest, none twice",
  );
  const done = await (await s.get("/api/board?status=done")).json();
  assert.deepEqual(done.items.map((t: { id: number }) => t.id), [first.id]);
  table.tasks.claim({ taskId: tasks[2]!.id, by: alice });
  const changed = await (await s.get(`/api/board/${tasks[2]!.id}`)).json();
  assert.equal(changed.card.status, "in_progress");
  assert.equal(changed.counts.in_progress, 1);
  const card = await (await s.get(`/api/board/${waiting.id}`)).json();
  assert.deepEqual(card.card.waits_for, [tasks[1]!.id], "the blockers it still waits for");
  const members = await (await s.get("/api/members?limit=1")).json();
  assert.deepEqual(members.items.map((m: { current_task: unknown }) => m.current_task), [
    { id: tasks[2]!.id, title: "T2" },
  ]);
  const badStatus = await s.get("/api/board?status=later");
  assert.equal(badStatus.status, 400);
  assert.match((await badStatus.json()).message, /status: required, one of pending/);
  const audit = await (await s.get("/api/audit?limit=5")).json();
  assert.equal(audit.entries.length, 5);
  const older = await (await s.get(`/api/audit?limit=5&cursor=${audit.next_cursor}`)).json();
  assert.ok(older.entries[0].id < audit.entries[4].id, "the next page is older");
  const badCursor = await s.get("/api/audit?cursor=nope");
  assert.equal(badCursor.status, 400);
  await badCursor.body?.cancel();
});
