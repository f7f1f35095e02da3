/**
 * `deno task bench --only=growth`: whether everyday calls stay flat as a team's table grows.
 * A table is seeded through the core's own stores at two sizes ten times apart (members, tasks
 * with a few hundred pending and a parent with many subtasks, live and ended leases, messages,
 * context keys), then a real stdio client times each everyday call on each; the ratio of the
 * two says how much a call grows with ten times the data (issue 31: ≤ 1.5×, p95 ≤ 20 ms).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { agentActor } from "../src/core/actor.ts";
import { createTable, type Table } from "../src/core/table.ts";
import { awaySummary } from "../src/core/table_summary.ts";
import { shippedRoleCatalog } from "../src/definitions/load_roles.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { percentile } from "./stats.ts";

/** What the growth group needs of the bench's harness (bench/run.ts). */
export interface GrowthHarness {
  quick: boolean;
  log: (line: string) => void;
  tempDir: () => string;
  teamTableArgs: (args?: string[]) => string[];
  stdioClient: (args: string[], env: Record<string, string>) => Promise<{ client: Client }>;
  call: (client: Client, name: string, args: Record<string, unknown>) => Promise<unknown>;
  structured: (result: unknown) => Record<string, unknown>;
}

/** One row of the bench's table. */
export interface GrowthRow {
  figure: string;
  team_table: string;
  limit: string;
  target: string;
  met: boolean | null;
  data: Record<string, unknown>;
}

/** What one size holds. */
interface Size {
  members: number;
  tasks: number;
  pending: number;
  subtasks: number;
  liveLeases: number;
  endedLeases: number;
  messages: number;
  contextKeys: number;
}

/** The sizes; the small table is a tenth of each. */
export const LARGE: Size = {
  members: 1_000,
  tasks: 10_000,
  pending: 300,
  subtasks: 1_000,
  liveLeases: 1_000,
  endedLeases: 10_000,
  messages: 100_000,
  contextKeys: 10_000,
};

const tenth = (size: Size): Size =>
  Object.fromEntries(
    Object.entries(size).map(([k, v]) => [k, Math.max(1, Math.round(v / 10))]),
  ) as unknown as Size;

/** A seeded word stream: ten common words (one is "build") and many rare ones. */
function words(seed = 17) {
  let state = seed;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const common = [
    "build",
    "test",
    "review",
    "merge",
    "parser",
    "deploy",
    "fix",
    "docs",
    "api",
    "ui",
  ];
  const syllables = ["ka", "lo", "mi", "ter", "van", "dos", "pri", "sen", "gul", "ox", "re", "ni"];
  const rare = Array.from({ length: 4_000 }, (_, i) => {
    let word = "";
    for (let n = i; word.length < 5 || n > 0; n = Math.floor(n / 12)) word += syllables[n % 12];
    return word;
  });
  const word = () =>
    random() < 0.3 ? common[Math.floor(random() * 10)]! : rare[
      Math.floor(rare.length * random() ** 2)
    ]!;
  return { sentence: (n: number) => Array.from({ length: n }, word).join(" ") };
}

const BENCHER = "bencher";

/** Runs `count` operations in transactions of `batch` (nested store transactions join them). */
function batched(table: Table, count: number, fn: (i: number) => void, batch = 500): void {
  for (let start = 0; start < count; start += batch) {
    table.tx.run(() => {
      for (let i = start; i < Math.min(count, start + batch); i++) fn(i);
    });
  }
}

/** Seeds `size` through the stores; returns the parent task's id and a word found once. */
export function seed(path: string, size: Size): { parent: number; rare: string; seconds: number } {
  const started = performance.now();
  const db = openDatabase(path);
  const table = createTable({ db, roles: shippedRoleCatalog(), messageRateLimit: 0 });
  const name = (i: number) => `agent-${i}`;
  const actor = (i: number) => agentActor(name(i % size.members));
  batched(table, size.members, (i) => {
    table.members.register({
      name: name(i),
      session: { id: `seed-${i}`, where: "bench", source: `bench ${i}` },
    });
  });
  table.members.register({ name: BENCHER, session: { id: "seed-bencher", where: "bench" } });

  // Tasks: most done, `pending` open, and one parent with `subtasks` subtasks (a tenth open).
  const parent = table.tasks.create({ by: actor(0), title: "Release 2.0" }).id;
  const text = words();
  batched(table, size.tasks, (i) => {
    const subtask = i < size.subtasks;
    const open = subtask ? i % 10 === 0 : i >= size.tasks - size.pending;
    const task = table.tasks.create({
      by: actor(subtask ? 0 : i),
      title: `Task ${i}: ${text.sentence(5)}`,
      description: text.sentence(20),
      ...(subtask ? { parentId: parent } : {}),
    });
    if (open) return;
    table.tasks.claim({ taskId: task.id, by: actor(i + 1) });
    table.tasks.update({ taskId: task.id, by: actor(i + 1), status: "done", result: "done" });
  });

  // Leases: ended ones first (reserved and released), then the live ones.
  batched(table, size.endedLeases, (i) => {
    const granted = table.leases.reserve({ by: actor(i), paths: [`old/area${i}/file.ts`] });
    table.leases.release({ by: actor(i), ids: granted.leases.map((l) => l.id) });
  });
  batched(table, size.liveLeases, (i) => {
    const path = i % 10 === 0 ? `pkg/team${i}/**` : `src/area${i % 97}/file${i}.ts`;
    table.leases.reserve({ by: actor(i), paths: [path], ttl: 3_600 });
  });

  // Messages: direct ones between members, one in twenty to the bencher; then read.
  batched(table, size.messages, (i) => {
    const to = i % 20 === 0 ? BENCHER : name((i * 7 + 1) % size.members);
    const from = name(i % size.members) === to
      ? name((i + 1) % size.members)
      : name(i % size.members);
    table.messages.send({
      by: agentActor(from),
      recipient: to,
      // One message to the bencher holds a word found nowhere else (a rare word's search).
      content: text.sentence(25) + (i === 20 * Math.floor(size.messages / 40) ? " zanzibar" : ""),
      ...(i % 10 === 0 ? { subject: text.sentence(3) } : {}),
    });
  });
  batched(table, size.members + 1, (i) => {
    const who = agentActor(i === size.members ? BENCHER : name(i));
    for (let read = 100; read === 100;) {
      read = table.messages.inbox({ by: who, limit: 100 }).messages.length;
    }
  }, 50);

  batched(table, size.contextKeys, (i) => {
    table.context.share({
      by: actor(i),
      ns: `ns${i % 20}`,
      key: `notes/key-${i}`,
      value: text.sentence(15),
    });
  });
  table.members.release("seed-bencher");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  db.close();
  return { parent, rare: "zanzibar", seconds: (performance.now() - started) / 1000 };
}

interface Measured {
  p50: number;
  p95: number;
}

async function timeCalls(count: number, fn: (i: number) => Promise<unknown>): Promise<Measured> {
  await fn(-1); // a warm-up call: the statement caches, the first page of each index
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

/** Each everyday call over stdio, as the agent "bencher", on a table seeded to `size`. */
async function measure(h: GrowthHarness, size: Size, label: string) {
  const dir = h.tempDir();
  const path = `${dir}/growth.db`;
  h.log(`growth: seeding the ${label} table (${size.messages} messages)`);
  const seeded = seed(path, size);
  h.log(`growth: seeded in ${seeded.seconds.toFixed(1)} s; timing calls`);
  const visited = Date.now(); // the web page's last visit: what follows is "while you were away"
  const env = { TEAM_TABLE_DB: path, TEAM_TABLE_RATE_LIMIT: "0" };
  const { client } = await h.stdioClient(h.teamTableArgs(), env);
  const c = (name: string, args: Record<string, unknown>) => h.call(client, name, args);
  await c("register", { name: BENCHER });
  const n = h.quick ? 10 : 50;
  const results: Record<string, Measured> = {};
  const time = async (name: string, fn: (i: number) => Promise<unknown>, count = n) => {
    results[name] = await timeCalls(count, fn);
  };
  await time("get_messages", () => c("get_messages", {}));
  await time("get_messages include_read", () => c("get_messages", { include_read: true }));
  await time(
    "send_message",
    (i) =>
      c("send_message", { recipient: `agent-${(i + 2) % size.members}`, content: `note ${i}` }),
  );
  await time("list_members", () => c("list_members", {}));
  await time("list_tasks", () => c("list_tasks", {}));
  await time("list_tasks pending", () => c("list_tasks", { status: "pending" }));
  await time("get_task_detail (parent)", () => c("get_task_detail", { task_id: seeded.parent }));
  await time("next_task", () => c("next_task", {}));
  await time("create_task", (i) => c("create_task", { title: `bench task ${i}` }));
  const held: number[] = [];
  await time("reserve_paths", async (i) => {
    const r = h.structured(await c("reserve_paths", { paths: [`bench/file${i + 1}.ts`] }));
    held.push(...(r["leases"] as { id: number }[]).map((l) => l.id));
  });
  await time("release_paths", (i) => c("release_paths", { ids: [held[i + 1]!] }));
  await time("list_leases", () => c("list_leases", {}));
  await time("search common word", () => c("search", { query: "build" }));
  await time("search rare word", () => c("search", { query: seeded.rare }));
  await time("search two common words", () => c("search", { query: "build test" }));
  await time("share_context", (i) => c("share_context", { key: `bench/k${i + 1}`, value: "v" }));
  await time(
    "get_shared_context",
    () => c("get_shared_context", { key: "notes/key-1", ns: "ns1" }),
  );
  await time("list_context", () => c("list_context", {}));
  await time("list_namespaces", () => c("list_namespaces", {}));
  await time("broadcast", (i) => c("broadcast", { content: `all hands ${i}` }), h.quick ? 5 : 20);
  const bytes = (result: unknown) => new TextEncoder().encode(JSON.stringify(result)).length;
  const detailBytes = bytes(await c("get_task_detail", { task_id: seeded.parent }));
  await client.close();

  // In the core: the lease check (`team-table lease check`, the edit hook) and a broadcast's WAL.
  const db = openDatabase(path);
  const table = createTable({ db, roles: shippedRoleCatalog(), messageRateLimit: 0 });
  const files = Array.from({ length: 10 }, (_, i) => `src/area${i}/file${i}.ts`);
  const check = await timeCalls(
    n,
    () => Promise.resolve(table.leases.check({ agent: BENCHER, files })),
  );
  results["lease check (core, 10 files)"] = check;
  // The sweep of lapsed leases every lease command starts with (none lapsed here), and the web
  // page's "While you were away" since a visit after the seeding.
  results["lease sweep (core)"] = await timeCalls(
    n,
    () => Promise.resolve(table.leases.endLapsed()),
  );
  results["away summary (core)"] = await timeCalls(
    n,
    () => Promise.resolve(awaySummary(table, visited)),
  );
  const pageSize = Number(db.prepare("PRAGMA page_size").get()?.["page_size"]);
  const walBytes: number[] = [];
  for (let i = 0; i < 3; i++) {
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    table.messages.broadcast({ by: agentActor("agent-0"), content: `wal ${i}` });
    const frames = Number(db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get()?.["log"]);
    walBytes.push(frames * pageSize);
  }
  db.close();
  return { results, seeded, detailBytes, walBytes: percentile(walBytes, 50) };
}

const f1 = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 1 });

export async function growthFigures(h: GrowthHarness): Promise<GrowthRow[]> {
  const large = h.quick ? tenth(LARGE) : LARGE;
  const small = tenth(large);
  const a = await measure(h, small, "small");
  const b = await measure(h, large, "large");
  const sizes = (s: Size) =>
    `${s.members} members, ${s.tasks} tasks (${s.pending} pending, a parent of ${s.subtasks}), ` +
    `${s.liveLeases} live + ${s.endedLeases} ended leases, ${s.messages} messages, ` +
    `${s.contextKeys} context keys`;
  const rows: GrowthRow[] = [];
  for (const [call, before] of Object.entries(a.results)) {
    const after = b.results[call]!;
    const ratio = after.p95 / before.p95;
    const p50Ratio = after.p50 / before.p50;
    const goal = call.startsWith("search common") || call.startsWith("search two") ? 50 : 20;
    rows.push({
      figure: `growth: ${call}`,
      team_table: `p50 ${f1(before.p50)} → ${f1(after.p50)} ms (×${f1(p50Ratio)}), p95 ` +
        `${f1(before.p95)} → ${f1(after.p95)} ms (×${f1(ratio)})`,
      limit: "ten times the data",
      target: `p95 ≤ ${goal} ms, ≤ 1.5×`,
      met: after.p95 <= goal && (ratio <= 1.5 || after.p95 - before.p95 < 1),
      data: { call, small: before, large: after, ratio_p95: ratio, ratio_p50: p50Ratio },
    });
  }
  rows.push({
    figure: "growth: get_task_detail of the parent, bytes",
    team_table: `${a.detailBytes} → ${b.detailBytes} bytes`,
    limit: `${small.subtasks} → ${large.subtasks} subtasks`,
    target: "a page: ≤ 1.5×",
    met: b.detailBytes / a.detailBytes <= 1.5,
    data: { small: a.detailBytes, large: b.detailBytes },
  });
  rows.push({
    figure: "growth: WAL written by one broadcast (core)",
    team_table: `${f1(a.walBytes / 1024)} → ${f1(b.walBytes / 1024)} KB`,
    limit: `${small.members} → ${large.members} members`,
    target: "—",
    met: null,
    data: { small: a.walBytes, large: b.walBytes },
  });
  rows.push({
    figure: "growth: the two tables",
    team_table: `small: ${sizes(small)}; large: ${sizes(large)}`,
    limit: `seeded through the stores in ${f1(a.seeded.seconds)} s and ${f1(b.seeded.seconds)} s`,
    target: "—",
    met: null,
    data: { small, large },
  });
  return rows;
}
