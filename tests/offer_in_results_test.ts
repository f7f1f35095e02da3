/**
 * Work offers for an agent whose pushes do not reach the model: the next result says, once, that
 * a task offered to it is free to take; a session with the stdio channel is not told twice.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { TestAgent } from "./support/test_agent.ts";
import { tempTeam } from "./support/temp_table.ts";

Deno.test("a task offered to an agent without push shows once in its next result while free", async () => {
  using t = tempTeam(["lead"]);
  const bob = await TestAgent.inProcess(t.table);
  const carol = await TestAgent.inProcess(t.table, { channel: true });
  try {
    await bob.ok("register", { name: "bob" });
    await carol.ok("register", { name: "carol" });
    const task = t.table.tasks.create({ title: "write the parser", by: agentActor("lead") });
    const told = t.table.events.after(0).filter((e) => e.type === "task_available")
      .map((e) => e.recipient).sort();
    assert.deepEqual(told, ["bob", "carol"], "both idle members are offered it");

    const beat = await bob.call("heartbeat");
    assert.equal(
      beat.texts.at(-1),
      `🛠 #${task.id} "write the parser" is free to take: next_task claims it.`,
    );
    assert.deepEqual(beat.structured?.["offered"], { task_id: task.id });
    const again = await bob.call("heartbeat");
    assert.ok(!again.texts.join("\n").includes("🛠"), "said once");

    const pushed = await carol.call("heartbeat");
    assert.ok(!pushed.texts.join("\n").includes("🛠"), "the channel already told carol");

    // Taken before bob looks: not shown.
    const second = t.table.tasks.create({ title: "second", by: agentActor("lead") });
    await carol.ok("claim_task", { task_id: second.id });
    const late = await bob.call("heartbeat");
    assert.ok(!late.texts.join("\n").includes("🛠"), "no longer free");
  } finally {
    await bob.close();
    await carol.close();
  }
});
