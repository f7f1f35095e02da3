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

Deno.test("the rate limit holds across processes that act for one sender", async () => {
  const db = await tempDb();
  const one = await TestAgent.stdio(db.path);
  const two = await TestAgent.stdio(db.path);
  try {
    await one.ok("register", { name: "bob" });
    await one.ok("register", { name: "alice" });
    await two.ok("register", { name: "alice" });
    const sends = [];
    for (let i = 0; i < 20; i++) {
      sends.push(one.call("send_message", { recipient: "bob", content: `one ${i}` }));
      sends.push(two.call("send_message", { recipient: "bob", content: `two ${i}` }));
    }
    const outcomes = await Promise.all(sends);
    assert.equal(outcomes.filter((o) => !o.isError).length, 30);
    const refused = outcomes.filter((o) => o.isError);
    assert.equal(refused.length, 10);
    for (const r of refused) assert.match(r.text, /^Rate limit: 'alice' has sent 30 messages/);
  } finally {
    await one.close();
    await two.close();
    await db.cleanup();
  }
});
