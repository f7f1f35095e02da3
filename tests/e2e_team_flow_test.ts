/**
 * A team works a feature through stdio agents (one process each, one database): a parent with
 * open subtasks is never offered, claimed or finished; a claim leases the task's declared paths
 * (a conflicting lease refuses it, changing nothing); a review sent back reaches the
 * implementer's inbox (its unread badge) and shows on the task.
 */
import assert from "node:assert/strict";
import { runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";

interface TaskView {
  id: number;
  title: string;
  status: string;
  assignee: string | null;
  paths?: string[];
  subtasks?: { done: number; total: number };
  review_note: { verdict: string | null; note: string | null; by: string } | null;
}

Deno.test("team flow over stdio: containers, task paths leased by the claim, a review sent back", async () => {
  const db = await tempDb();
  const alice = await TestAgent.stdio(db.path);
  const cody = await TestAgent.stdio(db.path);
  const rita = await TestAgent.stdio(db.path);
  try {
    await alice.ok("register", { name: "alice" });
    await cody.ok("register", { name: "cody", role: "coder" });
    await rita.ok("register", { name: "rita", role: "reviewer" });
    const task = async (args: Record<string, unknown>) =>
      (await alice.ok("create_task", args))["task"] as TaskView;
    const feature = await task({ title: "Feature: CSV export", priority: "high" });
    const write = await task({
      title: "CSV writer",
      parent_id: feature.id,
      type: "implement",
      paths: ["src/csv/write.ts"],
    });
    const docs = await task({ title: "CSV docs", parent_id: feature.id, paths: ["docs/csv.md"] });
    assert.deepEqual(
      write.paths,
      ["src/csv/write.ts"],
      "create_task returns the paths on the task",
    );

    // The container is never offered, claimed or finished while its subtasks are open.
    const offered = (await cody.ok("next_task"))["task"] as TaskView;
    assert.equal(offered.id, write.id, "a subtask, not the (older, high priority) parent");
    assert.deepEqual(offered.paths, ["src/csv/write.ts"]);
    const claim = await cody.call("claim_task", { task_id: feature.id });
    assert.equal(claim.isError, true);
    assert.match(
      claim.text,
      /Task 1 cannot be claimed: it has 2 open subtask\(s\): #2 "CSV writer" \(pending\), #3 "CSV docs" \(pending\)/,
    );
    const finish = await alice.call("update_task", { task_id: feature.id, status: "done" });
    assert.equal(finish.isError, true);
    assert.match(finish.text, /Task 1 cannot be done: it has 2 open subtask\(s\)/);
    const board = (await rita.ok("list_tasks"))["tasks"] as TaskView[];
    assert.deepEqual(
      board.map((t) => [t.id, t.status, t.subtasks ?? null, t.paths ?? null]),
      [
        [feature.id, "pending", { done: 0, total: 2 }, null],
        [write.id, "pending", null, ["src/csv/write.ts"]],
        [docs.id, "pending", null, ["docs/csv.md"]],
      ],
    );
    const status = await runTeamTable(["status"], { TEAM_TABLE_DB: db.path });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /#1 "Feature: CSV export" — 0 of 2 subtasks done/);

    // A claim leases the task's declared paths; a conflicting lease refuses it whole.
    const held = await alice.ok("reserve_paths", { paths: ["docs/**"], reason: "rewrite" });
    const until = (held["leases"] as { until: string }[])[0]?.until ?? "";
    const refused = await cody.call("claim_task", { task_id: docs.id });
    assert.equal(refused.isError, true);
    assert.ok(
      refused.text.startsWith(
        "paths: task 3 was not claimed: 1 of its paths are leased by others: docs/csv.md: " +
          "held exclusively by alice (docs/**) since ",
      ) && refused.text.includes(`until ${until}: rewrite. Nothing changed.`),
      refused.text,
    );
    const unchanged = (await cody.ok("get_task_detail", { task_id: docs.id }))["task"] as TaskView;
    assert.deepEqual([unchanged.status, unchanged.assignee], ["pending", null]);
    assert.deepEqual(
      ((await cody.ok("list_leases"))["leases"] as { agent: string }[]).map((l) => l.agent),
      ["alice"],
    );
    const taken = await cody.ok("next_task", { claim: true });
    assert.equal((taken["task"] as TaskView).id, write.id, "docs is skipped: alice leases it");
    assert.deepEqual((taken["leases"] as { path: string }[]).map((l) => l.path), [
      "src/csv/write.ts",
    ]);
    assert.deepEqual(
      ((await cody.ok("list_leases", { agent: "cody" }))["leases"] as { task_id: number }[])
        .map((l) => l.task_id),
      [write.id],
      "leased for the task",
    );

    // A review sent back in one call reaches the implementer's inbox and shows on the task.
    await cody.ok("update_task", {
      task_id: write.id,
      status: "awaiting_review",
      result: "Implemented; tests passing",
    });
    // The hand-over ends the task's leases: its files are free while it is reviewed.
    assert.deepEqual((await cody.ok("list_leases", { agent: "cody" }))["leases"], []);
    const verdict = await rita.ok("update_task", {
      task_id: write.id,
      status: "in_progress",
      result: "Quote fields that contain commas",
    });
    // The result says what changed: the assignee stays cody, so it is not repeated.
    assert.equal((verdict["task"] as TaskView).status, "in_progress");
    assert.equal((verdict["task"] as TaskView).assignee, undefined);
    const next = await cody.call("heartbeat");
    assert.match(
      next.texts[1] ?? "",
      /^📬 New, now read: #\d+ from rita \[Changes requested on task #2\]: "Changes requested by rita on task #2 "CSV writer": Quote fields that contain commas\. It is in_progress/,
    );
    const shown = (await cody.ok("get_task_detail", { task_id: write.id }))["task"] as TaskView;
    assert.deepEqual(shown.review_note && [shown.review_note.verdict, shown.review_note.by], [
      "changes",
      "rita",
    ]);
    assert.equal(shown.review_note?.note, "Quote fields that contain commas");
    assert.equal(shown.assignee, "cody");
    await cody.ok("update_task", { task_id: write.id, status: "awaiting_review" });
    const cleared = (await cody.ok("get_task_detail", { task_id: write.id }))["task"] as TaskView;
    assert.equal(cleared.review_note, null, "the next hand-over clears the note");
  } finally {
    await Promise.all([alice.close(), cody.close(), rita.close()]);
    await db.cleanup();
  }
});
