/**
 * next_task as an agent calls it: free work is found however many busy tasks come first, and
 * finding nothing says why in one line.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { LIMITS } from "../src/core/limits.ts";
import { TestAgent } from "./support/test_agent.ts";
import { tempTeam } from "./support/temp_table.ts";

Deno.test("next_task finds free work behind more busy tasks than one page of candidates", async () => {
  using t = tempTeam(["lead", "holder"]);
  const lead = agentActor("lead");
  t.table.leases.reserve({ by: agentActor("holder"), paths: ["src/busy/**"], ttl: 3_600 });
  const busy = LIMITS.pages.tasks.max + 20;
  for (let i = 0; i < busy; i++) {
    t.table.taskLeases.create({ title: `busy ${i}`, by: lead, paths: [`src/busy/f${i}.ts`] });
  }
  const free = t.table.taskLeases.create({ title: "free", by: lead, paths: ["src/free.ts"] }).task;
  const bob = await TestAgent.inProcess(t.table);
  try {
    await bob.ok("register", { name: "bob" });
    const offered = await bob.ok("next_task", { claim: true });
    assert.equal((offered["task"] as { id: number }).id, free.id);
    assert.equal(offered["claimed"], true);
  } finally {
    await bob.close();
  }
});

Deno.test("next_task that finds nothing says why, with counts, in one line", async () => {
  using t = tempTeam(["lead", "holder", "carol"]);
  const lead = agentActor("lead");
  const until = t.table.leases.reserve({
    by: agentActor("holder"),
    paths: ["src/a.ts"],
    ttl: 3_600,
  }).leases[0]!.until.slice(11, 16);
  const first = t.table.tasks.create({ title: "first", by: lead, assignee: "carol" });
  t.table.tasks.create({ title: "after", by: lead, blockedBy: [first.id] });
  t.table.taskLeases.create({ title: "leased", by: lead, paths: ["src/a.ts"] });
  const parent = t.table.tasks.create({ title: "parent", by: lead });
  t.table.tasks.create({ title: "child", by: lead, parentId: parent.id, blockedBy: [first.id] });
  const bob = await TestAgent.inProcess(t.table);
  try {
    await bob.ok("register", { name: "bob" });
    const none = await bob.call("next_task");
    assert.equal(none.isError, false);
    const result = JSON.parse(none.text) as { task?: unknown; why: string };
    assert.equal(result.task, undefined);
    assert.equal(
      result.why,
      `Nothing for you; pending: 2 waiting on #${first.id}; 1 with paths leased by holder until ` +
        `${until} UTC; 1 assigned to others; 1 with open subtasks. When one frees up, idle members ` +
        "are told (task_available).",
    );
    assert.ok(!result.why.includes("\n"));
  } finally {
    await bob.close();
  }
});

Deno.test("next_task on an empty board says there is nothing pending", async () => {
  using t = tempTeam(["lead"]);
  const bob = await TestAgent.inProcess(t.table);
  try {
    await bob.ok("register", { name: "bob" });
    assert.equal((await bob.ok("next_task"))["why"], "No pending tasks.");
  } finally {
    await bob.close();
  }
});

Deno.test("a hand-over's result says what is next for the agent, or why nothing is", async () => {
  using t = tempTeam(["lead"]);
  const lead = agentActor("lead");
  const bob = await TestAgent.inProcess(t.table);
  try {
    await bob.ok("register", { name: "bob" });
    const first = t.table.tasks.create({ title: "first", by: lead });
    const second = t.table.tasks.create({ title: "second", by: lead });
    t.table.tasks.create({ title: "third", by: lead, blockedBy: [second.id] });
    await bob.ok("claim_task", { task_id: first.id });
    const handed = await bob.ok("update_task", { task_id: first.id, status: "awaiting_review" });
    assert.equal(handed["next"], `#${second.id} "second" is next for you: next_task claims it.`);

    await bob.ok("claim_task", { task_id: second.id });
    const last = await bob.ok("update_task", { task_id: second.id, status: "awaiting_review" });
    assert.equal(
      last["next"],
      `Nothing for you; pending: 1 waiting on #${second.id}. When one frees up, idle members ` +
        "are told (task_available).",
    );

    // Still at work on another task, or a change that puts nothing down: no `next`.
    const other = t.table.tasks.create({ title: "other", by: lead });
    await bob.ok("claim_task", { task_id: other.id });
    const comment = await bob.ok("update_task", { task_id: other.id, result: "halfway" });
    assert.equal("next" in comment, false);
  } finally {
    await bob.close();
  }
});

Deno.test("a hand-over with take_next claims the agent's next task, its paths leased", async () => {
  using t = tempTeam(["lead", "holder"]);
  const lead = agentActor("lead");
  const bob = await TestAgent.inProcess(t.table);
  try {
    await bob.ok("register", { name: "bob" });
    const first = t.table.taskLeases.create({ title: "first", by: lead, paths: ["src/a.ts"] }).task;
    const second = t.table.taskLeases.create({ title: "second", by: lead, paths: ["src/b.ts"] })
      .task;
    await bob.ok("next_task", { claim: true });
    const handed = await bob.ok("update_task", {
      task_id: first.id,
      status: "awaiting_review",
      take_next: true,
    });
    assert.deepEqual(handed["task"], { id: first.id, status: "awaiting_review" });
    const taken = handed["taken"] as { task: { id: number; status: string }; leases: unknown[] };
    assert.equal(taken.task.id, second.id);
    assert.equal(taken.task.status, "in_progress");
    assert.equal(t.table.tasks.get(second.id).assignee, "bob");
    assert.deepEqual(
      t.table.leases.list({ agent: "bob" }).map((l) => [l.path, l.task_id]),
      [["src/b.ts", second.id]],
    );
    assert.equal("next" in handed, false);

    // Nothing free (the last task's paths are leased by another): the hand-over stands, and
    // `next` says why; nothing is claimed.
    t.table.leases.reserve({ by: agentActor("holder"), paths: ["src/c.ts"], ttl: 3_600 });
    const third = t.table.taskLeases.create({ title: "third", by: lead, paths: ["src/c.ts"] }).task;
    const last = await bob.ok("update_task", {
      task_id: second.id,
      status: "awaiting_review",
      take_next: true,
    });
    assert.equal(t.table.tasks.get(second.id).status, "awaiting_review");
    assert.equal("taken" in last, false);
    assert.match(String(last["next"]), /^Nothing for you; pending: 1 with paths leased by holder/);
    assert.equal(t.table.tasks.get(third.id).status, "pending");

    // One task at a time: with another still in progress, nothing is taken.
    const fourth = t.table.tasks.create({ title: "fourth", by: lead });
    const fifth = t.table.tasks.create({ title: "fifth", by: lead });
    t.table.tasks.create({ title: "free", by: lead });
    await bob.ok("claim_task", { task_id: fourth.id });
    await bob.ok("claim_task", { task_id: fifth.id });
    const busy = await bob.ok("update_task", {
      task_id: fifth.id,
      status: "awaiting_review",
      take_next: true,
    });
    assert.equal(
      busy["next"],
      `#${fourth.id} "fourth" is still in progress for you: nothing taken.`,
    );
    assert.equal("taken" in busy, false);
  } finally {
    await bob.close();
  }
});

Deno.test("an assignee cannot approve its own work awaiting review; it may take it back", async () => {
  using t = tempTeam(["lead"]);
  const bob = await TestAgent.inProcess(t.table);
  try {
    await bob.ok("register", { name: "bob" });
    const task = t.table.tasks.create({ title: "mine", by: agentActor("lead"), reviewer: "lead" });
    await bob.ok("claim_task", { task_id: task.id });
    await bob.ok("update_task", { task_id: task.id, status: "awaiting_review" });
    const refused = await bob.call("update_task", { task_id: task.id, status: "done" });
    assert.equal(refused.isError, true);
    assert.equal(
      refused.text,
      `status: task ${task.id} awaits review of your own work; its reviewer lead gives the ` +
        "verdict (done, or in_progress to send it back). Nothing changed; update_task status " +
        "in_progress takes it back.",
    );
    assert.equal(t.table.tasks.get(task.id).status, "awaiting_review");
    await bob.ok("update_task", { task_id: task.id, status: "in_progress" });
    assert.equal(t.table.tasks.get(task.id).status, "in_progress");
  } finally {
    await bob.close();
  }
});
