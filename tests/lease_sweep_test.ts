/**
 * The sweep of lapsed leases reads only its candidates by index (issue 31, schema 20): through
 * grants, task changes, departures, returns and time, it finds the leases that reading every
 * live lease found, with the same causes, and leaves no lease marked for a look behind it.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import {
  DEFAULT_AWAY_RELEASE_MS,
  DEFAULT_PRESENCE_MS,
} from "../src/core/members/member_directory.ts";
import { FakeClock } from "../src/core/clock.ts";
import { createTable } from "../src/core/table.ts";
import { openDatabase } from "../src/db/open_database.ts";
import { advanceLive, ROLES, tempTeam, testSession } from "./support/temp_table.ts";
import type { TempTable } from "./support/temp_table.ts";

/** The leases that have ended by themselves, read from every live lease (before schema 20). */
function everyLapsed(t: TempTable): number[] {
  const now = t.clock.now();
  return t.db.prepare(
    `SELECT l.id FROM leases l LEFT JOIN members m ON m.name = l.agent
       LEFT JOIN tasks t ON t.id = l.task_id
     WHERE m.name IS NULL OR m.status <> 'active' OR l.expires_at <= :now
       OR coalesce((m.session_id IS NULL OR m.seen_at < :stale) AND m.seen_at < :gone, 0)
       OR (l.task_id IS NOT NULL AND (t.id IS NULL OR t.status = 'done'
           OR coalesce(t.assignee <> l.agent, 1)))
     ORDER BY l.id`,
  ).all({ now, stale: now - DEFAULT_PRESENCE_MS, gone: now - DEFAULT_AWAY_RELEASE_MS })
    .map((row) => Number(row["id"]));
}

Deno.test("lease sweep: the lapsed leases found by index are those every live lease shows", () => {
  const names = ["alice", "bob", "carol"];
  using t = tempTeam(names);
  let state = 11;
  const random = (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor((state / 2_147_483_648) * n);
  };
  const causes = new Set<string>();
  for (let step = 0; step < 400; step++) {
    const name = names[random(3)]!;
    const by = agentActor(name);
    const roll = random(12);
    try {
      if (roll < 3) {
        t.table.leases.reserve({ by, paths: [`f${random(20)}.ts`], ttl: 60 + random(1_200) });
      } else if (roll < 5) {
        const task = t.table.tasks.create({ by, title: `task ${step}` });
        t.table.taskLeases.claim({ taskId: task.id, by, paths: [`t${random(20)}.ts`] });
      } else if (roll < 7) {
        const held = t.table.leases.list().filter((l) => l.task_id !== null);
        const lease = held[random(held.length)];
        if (lease?.task_id) {
          const choice = random(3);
          if (choice === 0) {
            t.table.tasks.update({
              taskId: lease.task_id,
              by: agentActor(lease.agent),
              status: "done",
            });
          } else if (choice === 1) {
            t.table.tasks.reassign({
              taskId: lease.task_id,
              by: agentActor(lease.agent),
              newAssignee: names[random(3)]!,
            });
          } else {
            t.table.tasks.release({
              taskId: lease.task_id,
              by: agentActor(lease.agent),
              reason: "later",
            });
          }
        }
      } else if (roll < 8) {
        t.table.departures.deregister(by);
      } else if (roll < 9) {
        t.table.members.register({ name, session: testSession(name) });
      } else if (roll < 10) {
        t.clock.advance(random(8) * 60_000);
      } else if (roll < 11) {
        advanceLive(t, random(3) * 60_000);
      } else {
        t.table.leases.endLapsed();
        const marked = t.db.prepare("SELECT count(*) AS n FROM leases WHERE recheck = 1").get();
        assert.equal(marked?.["n"], 0, "the sweep clears every mark");
      }
    } catch (error) {
      // A refused step (a conflict, a member not present, a task not theirs) changes nothing.
      if (!(error instanceof Error) || /SQLITE|no such/i.test(error.message)) throw error;
    }
    const lapsed = t.table.leases.lapsed();
    lapsed.forEach((l) => causes.add(l.cause));
    assert.deepEqual(lapsed.map((l) => l.lease.id), everyLapsed(t), `step ${step}`);
  }
  assert.deepEqual([...causes].sort(), ["away", "expired", "left", "task"], "every cause seen");
});

Deno.test("schema 20: a lease stored before the upgrade whose task is done is found by the sweep", () => {
  const dir = Deno.makeTempDirSync({ prefix: "team-table-schema20-" });
  const path = `${dir}/leases.db`;
  const now = Date.parse("2026-01-01T00:00:00Z");
  const old = openDatabase(path, { migrateTo: 19 });
  old.exec(`
    INSERT INTO members (name, role, status, registered_at, last_seen, session_id, seen_at)
      VALUES ('alice', 'agent', 'active', ${now}, ${now}, 's1', ${now});
    INSERT INTO tasks (id, title, status, priority, creator, assignee, created_at, updated_at)
      VALUES (1, 'shipped', 'done', 'medium', 'alice', 'alice', 1, 1),
             (2, 'open', 'in_progress', 'medium', 'alice', 'alice', 1, 1);
    INSERT INTO leases (agent, path, exclusive, task_id, created_at, expires_at)
      VALUES ('alice', 'a.ts', 1, 1, ${now}, ${now + 3_600_000}),
             ('alice', 'b.ts', 1, 2, ${now}, ${now + 3_600_000});
  `);
  old.close();
  const db = openDatabase(path);
  try {
    const table = createTable({ db, clock: new FakeClock(now), roles: ROLES });
    assert.deepEqual(
      table.leases.lapsed().map((l) => [l.lease.path, l.reason]),
      [["a.ts", "task #1 is done"]],
    );
    assert.equal(table.leases.endLapsed(), 1);
    assert.deepEqual(table.leases.list().map((l) => l.path), ["b.ts"]);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
