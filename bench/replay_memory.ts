/**
 * What resumed `/events` streams over large events cost a real `serve` (docs/security.md):
 * AGENTS agents with a credential each, 600 broadcasts of 10,000 characters, then PER streams
 * per agent resumed from `last_event_id=0` and left unread; prints serve's RSS, how long the
 * opens took, and the worst `/health` while opening and under 200 opens cancelled at once.
 *
 *   deno run -A bench/replay_memory.ts [AGENTS] [PER]      (default 100 × 5)
 */
import { humanActor } from "../src/core/actor.ts";
import { systemClock } from "../src/core/clock.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { shippedRoleCatalog } from "../src/definitions/load_roles.ts";
import { startServe } from "../tests/support/serve_process.ts";

const AGENTS = Number(Deno.args[0] ?? 100);
const PER = Number(Deno.args[1] ?? 5);
const dir = await Deno.makeTempDir();
const path = `${dir}/t.db`;
const db = openDatabase(path);
const table = createTable({
  db,
  clock: systemClock,
  roles: shippedRoleCatalog(),
  rules: [],
  messageRateLimit: 1_000_000,
});
const keys: [string, string][] = [];
for (let i = 0; i < AGENTS; i++) {
  const issued = table.members.issueCredential({ name: `ag${i}`, by: humanActor("op") });
  keys.push([issued.member.name, issued.credential]);
}
for (let i = 0; i < 600; i++) {
  table.messages.broadcast({ by: humanActor("op"), content: `${i} ${"x".repeat(9_990)}` });
}
db.close();

const server = await startServe(path);
const rssMb = async () => {
  const status = await Deno.readTextFile(`/proc/${server.child.pid}/status`);
  return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)?.[1]) / 1024);
};
const health = async () => {
  const start = performance.now();
  await (await fetch(`${server.url}/health`)).body?.cancel();
  return performance.now() - start;
};
/** Opens one stream resumed from the start and reads its first chunk only. */
const resume = async (name: string, key: string, abort: AbortController) => {
  const url = `${server.url}/events/${name}?token=${key}&last_event_id=0`;
  const response = await fetch(url, { signal: abort.signal });
  await response.body?.getReader().read();
};
try {
  console.log(`serve RSS before the streams: ${await rssMb()} MB`);
  const aborts: AbortController[] = [];
  let worst = 0;
  const start = performance.now();
  for (const [name, key] of keys) {
    for (let j = 0; j < PER; j++) {
      const abort = new AbortController();
      aborts.push(abort);
      await resume(name, key, abort);
    }
    worst = Math.max(worst, await health());
  }
  const took = Math.round(performance.now() - start);
  console.log(
    `${aborts.length} streams opened in ${took} ms: RSS ${await rssMb()} MB, worst /health ` +
      `${worst.toFixed(1)} ms`,
  );
  let churnWorst = 0;
  let churning = true;
  const probe = (async () => {
    while (churning) {
      churnWorst = Math.max(churnWorst, await health());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  for (let k = 0; k < 200; k++) {
    const [name, key] = keys[k % keys.length]!;
    const abort = new AbortController();
    await resume(name, key, abort);
    abort.abort();
  }
  churning = false;
  await probe;
  console.log(
    `200 more opened and cancelled: worst /health ${churnWorst.toFixed(1)} ms, RSS ` +
      `${await rssMb()} MB`,
  );
  for (const abort of aborts) abort.abort();
} finally {
  await server.stop();
  await Deno.remove(dir, { recursive: true });
}
