import assert from "node:assert/strict";
import { tempDb, TestAgent } from "./support/test_agent.ts";

const PROCESSES = 8;
const ROUNDS = 5;

Deno.test(`${PROCESSES} processes race to claim one task: exactly one wins, every round`, async () => {
  const db = await tempDb();
  const agents = await Promise.all(
    Array.from({ length: PROCESSES }, () => TestAgent.stdio(db.path)),
  );
  try {
    await Promise.all(agents.map((a, i) => a.ok("register", { name: `racer-${i}` })));
    for (let round = 0; round < ROUNDS; round++) {
      const created = await agents[0]!.ok("create_task", { title: `prize ${round}` });
      const taskId = (created["task"] as { id: number }).id;
      const outcomes = await Promise.all(
        agents.map((a) => a.call("claim_task", { task_id: taskId })),
      );
      const winners = outcomes.filter((o) => !o.isError);
      assert.equal(winners.length, 1, `round ${round}: one winner`);
      const winner = (winners[0]!.structured!["task"] as { assignee: string }).assignee;
      for (const loser of outcomes.filter((o) => o.isError)) {
        assert.equal(
          loser.text,
          `Task ${taskId} is already claimed by '${winner}' (status in_progress).`,
        );
      }
      const log = await agents[0]!.ok("get_audit_log", { action: "task.claimed" });
      const claims = (log["entries"] as { target: string }[]).filter((e) =>
        e.target === String(taskId)
      );
      assert.equal(claims.length, 1, "one audit row for the one claim");
    }
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await db.cleanup();
  }
});

Deno.test("the rate limit lives in the database: a new process for one sender inherits it", async () => {
  const db = await tempDb();
  const bob = await TestAgent.stdio(db.path);
  try {
    await bob.ok("register", { name: "bob" });
    let accepted = 0;
    const refused: string[] = [];
    for (const round of [0, 1]) {
      // Each round is a new process acting as alice (a name is held by one live session).
      const alice = await TestAgent.stdio(db.path, { TEAM_TABLE_AGENT: "alice" });
      const outcomes = await Promise.all(
        Array.from(
          { length: 20 },
          (_, i) => alice.call("send_message", { recipient: "bob", content: `${round}.${i}` }),
        ),
      );
      accepted += outcomes.filter((o) => !o.isError).length;
      refused.push(...outcomes.filter((o) => o.isError).map((o) => o.text));
      await alice.close();
    }
    assert.equal(accepted, 30);
    assert.equal(refused.length, 10);
    for (const text of refused) assert.match(text, /^Rate limit: 'alice' has sent 30 messages/);
  } finally {
    await bob.close();
    await db.cleanup();
  }
});
