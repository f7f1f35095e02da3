/**
 * Task tools answer with what changed, not the whole task again: taking work shows the work,
 * a change shows its id, status and the fields it changed.
 */
import assert from "node:assert/strict";
import { TestAgent } from "./support/test_agent.ts";
import { tempTable } from "./support/temp_table.ts";

Deno.test("task results: the work when taken, only what changed otherwise", async () => {
  using t = tempTable();
  const lead = await TestAgent.inProcess(t.table);
  const coder = await TestAgent.inProcess(t.table);
  const reviewer = await TestAgent.inProcess(t.table);
  try {
    await lead.ok("register", { name: "lead" });
    await coder.ok("register", { name: "cody", role: "coder" });
    await reviewer.ok("register", { name: "rita", role: "reviewer" });
    const created = await lead.ok("create_task", {
      title: "Export",
      description: "Write the exporter.",
      type: "implement",
      paths: ["src/export.ts"],
    });
    const id = (created["task"] as { id: number }).id;
    assert.deepEqual(created["task"], {
      id,
      title: "Export",
      status: "pending",
      paths: ["src/export.ts"],
    });

    const taken = await coder.ok("next_task", { claim: true });
    const task = taken["task"] as Record<string, unknown>;
    assert.equal(task["description"], "Write the exporter.", "the work to do");
    assert.equal(task["created_at"] ?? task["updated_at"], undefined, "no times");
    const leases = taken["leases"] as Record<string, unknown>[];
    assert.deepEqual(Object.keys(leases[0]!).sort(), ["id", "path", "until"]);

    const commented = await coder.ok("task_comment", { task_id: id, content: "half way" });
    assert.deepEqual(Object.keys(commented).sort(), ["comment_id", "task"]);
    assert.deepEqual(commented["task"], { id, status: "in_progress" });

    const handed = await coder.ok("update_task", {
      task_id: id,
      status: "awaiting_review",
      result: "Exporter written.",
    });
    assert.deepEqual(handed["task"], {
      id,
      status: "awaiting_review",
      result: "Exporter written.",
    });

    const review = await reviewer.ok("claim_task", { task_id: id });
    const reviewed = review["task"] as Record<string, unknown>;
    assert.equal(reviewed["description"], "Write the exporter.");
    assert.equal(reviewed["result"], "Exporter written.", "what the reviewer reviews");
    assert.equal(reviewed["reviewer"], "rita");

    const verdict = await reviewer.ok("update_task", { task_id: id, status: "done" });
    const done = verdict["task"] as Record<string, unknown>;
    assert.equal(done["status"], "done");
    assert.equal(done["description"], undefined);
    assert.equal(done["title"], undefined);
  } finally {
    await Promise.all([lead.close(), coder.close(), reviewer.close()]);
  }
});
