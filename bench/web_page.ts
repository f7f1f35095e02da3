/**
 * What the web view costs at size: seeds a table through the core's stores (1,000 members,
 * 1,000 tasks: 600 done, 200 pending, 100 in progress, 50 awaiting review, 50 blocked; 1,000
 * messages; 100 leases) and measures, through serve's handler in-process, the first load (`/api/overview`)
 * and what the page fetches after one task changes. Bytes are the JSON bodies; times are the
 * median and p95 of 20 requests.
 *
 *   deno run --allow-read --allow-write --allow-env bench/web_page.ts [--members=N] [--tasks=N]
 */
import { agentActor } from "../src/core/actor.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { shippedRoleCatalog } from "../src/definitions/load_roles.ts";
import { createHandler } from "../src/http/create_handler.ts";
import { createLogger } from "../src/log.ts";
import { SSENotificationBackend } from "../src/notify/sse_notification_backend.ts";

const flag = (name: string, fallback: number) =>
  Number(Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const MEMBERS = flag("members", 1_000);
const TASKS = flag("tasks", 1_000);
const TOKEN = "bench-web-page-token-0123456789";

const dir = await Deno.makeTempDir({ prefix: "team-table-web-bench-" });
const db = openDatabase(`${dir}/team_table.db`);
const table = createTable({ db, roles: shippedRoleCatalog(), messageRateLimit: 0 });
const names = Array.from({ length: MEMBERS }, (_, i) => `agent-${String(i).padStart(4, "0")}`);
const seedStarted = performance.now();
table.tx.run(() => {
  for (const name of names) {
    table.members.register({ name, session: { id: `bench-${name}`, where: "bench" } });
  }
});
const shares = { done: 0.6, pending: 0.2, in_progress: 0.1, awaiting_review: 0.05, blocked: 0.05 };
const cut = (share: number) => Math.round(TASKS * share);
table.tx.run(() => {
  for (let i = 0; i < TASKS; i++) {
    const agent = names[i % names.length]!;
    const by = agentActor(agent);
    const task = table.tasks.create({
      title: `Task ${i}: a title of ordinary length for the board`,
      description: "What to do, in a sentence or two, as agents write them. ".repeat(3),
      by,
      priority: (["low", "medium", "high"] as const)[i % 3],
    });
    if (i < cut(shares.pending)) continue;
    table.tasks.claim({ taskId: task.id, by });
    const rest = i - cut(shares.pending);
    if (rest < cut(shares.in_progress)) continue;
    if (rest < cut(shares.in_progress + shares.awaiting_review)) {
      table.tasks.update({ taskId: task.id, by, status: "awaiting_review", result: "Done." });
    } else if (rest < cut(shares.in_progress + shares.awaiting_review + shares.blocked)) {
      table.tasks.update({ taskId: task.id, by, status: "blocked", result: "Waiting." });
    } else {
      table.tasks.update({ taskId: task.id, by, status: "done", result: "Done, tested." });
    }
  }
  for (let i = 0; i < 1_000; i++) {
    const by = agentActor(names[i % names.length]!);
    table.messages.send({
      by,
      recipient: names[(i + 1) % names.length]!,
      content: `Note ${i}: ${"words ".repeat(20)}`,
    });
  }
  for (let i = 0; i < 100; i++) {
    table.leases.reserve({ by: agentActor(names[i]!), paths: [`src/area${i}/**`], reason: "work" });
  }
});
const seededMs = performance.now() - seedStarted;

const handler = createHandler({
  table,
  logger: createLogger("error"),
  backend: new SSENotificationBackend(),
  token: TOKEN,
  bindHost: "127.0.0.1",
  allowOrigins: [],
  sessionIdleMs: 60_000,
  dbPath: `${dir}/team_table.db`,
});

async function measure(path: string): Promise<{ bytes: number; p50: number; p95: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const response = await handler.fetch(
      new Request(`http://127.0.0.1:8741${path}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      }),
    );
    const body = await response.arrayBuffer();
    times.push(performance.now() - started);
    if (!response.ok) {
      throw new Error(`${path}: ${response.status} ${new TextDecoder().decode(body)}`);
    }
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  return { bytes, p50: times[9]!, p95: times[18]! };
}

const row = (what: string, m: { bytes: number; p50: number; p95: number }) =>
  console.log(
    `| ${what} | ${(m.bytes / 1024).toFixed(1)} KB | ${m.p50.toFixed(1)} / ${
      m.p95.toFixed(1)
    } ms |`,
  );
console.log(`seeded ${MEMBERS} members, ${TASKS} tasks in ${(seededMs / 1000).toFixed(1)} s`);
console.log("| request | body | p50 / p95 |");
console.log("|---|---|---|");
row("first load: GET /api/overview", await measure("/api/overview"));
const changed = table.tasks.list({ status: "pending", limit: 1 })[0]!;
const known = (await handler.fetch(
  new Request("http://127.0.0.1:8741/api/board/1", {
    headers: { authorization: `Bearer ${TOKEN}` },
  }),
)).status;
if (known === 200) {
  row("first load: GET /api/messages?limit=50", await measure("/api/messages?limit=50"));
  row("first load: GET /api/audit", await measure("/api/audit"));
  row(
    `after a task event: GET /api/board/${changed.id}`,
    await measure(`/api/board/${changed.id}`),
  );
  row("after task events, at most every 2 s: GET /api/members", await measure("/api/members"));
  row(
    "a column's next page: GET /api/board?status=pending",
    await measure("/api/board?status=pending"),
  );
} else {
  row("first load: GET /api/messages (100)", await measure("/api/messages"));
  row("first load: GET /api/audit (200)", await measure("/api/audit"));
  row("after any event (the whole board again): GET /api/overview", await measure("/api/overview"));
}
await handler.close();
db.close();
await Deno.remove(dir, { recursive: true });
