import assert from "node:assert/strict";
import { agentEnv, runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";

Deno.test("a full review cycle through MCP clients, feed checked line by line", async () => {
  const db = await tempDb();
  const newcomer = await TestAgent.stdio(db.path);
  const selfLead = await newcomer.call("register", { name: "claude-opus", role: "lead" });
  await newcomer.close();
  assert.equal(selfLead.isError, true, "lead is privileged");
  const granted = await runTeamTable(["members", "grant", "claude-opus", "lead"], {
    TEAM_TABLE_DB: db.path,
  });
  assert.equal(granted.code, 0, granted.stderr);
  assert.match(granted.stdout, /claude-opus now has role 'lead'/);
  const credential = granted.stdout.match(/credential: (ttk_\S+)/)?.[1] ?? "";
  const lead = await TestAgent.stdio(db.path, agentEnv("claude-opus", credential));
  const coder = await TestAgent.stdio(db.path);
  const reviewer = await TestAgent.stdio(db.path);
  try {
    await lead.ok("register", { name: "claude-opus", role: "lead" });
    await coder.ok("register", { name: "claude-code", role: "coder" });
    await reviewer.ok("register", { name: "codex", role: "reviewer" });

    const created = await lead.ok("create_task", {
      title: "SSE endpoint",
      description: "GET /events/{agent}",
      priority: "high",
    });
    const taskId = (created["task"] as { id: number }).id;
    await coder.ok("claim_task", { task_id: taskId });
    await coder.ok("task_comment", { task_id: taskId, content: "Starting on the SSE endpoint" });
    const blocked = await lead.ok("task_comment", {
      task_id: taskId,
      content: "Need to decide on auth approach",
      type: "blocker",
    });
    assert.equal((blocked["task"] as { status: string }).status, "blocked");
    await coder.ok("task_comment", {
      task_id: taskId,
      content: "Going with registered-agent check",
      type: "resolution",
    });
    await coder.ok("send_message", {
      recipient: "claude-opus",
      content: "PR is up",
      task_id: taskId,
    });
    const review = await coder.ok("update_task", { task_id: taskId, status: "awaiting_review" });
    assert.equal((review["task"] as { status: string }).status, "awaiting_review");

    const badge = await reviewer.call("list_tasks", { status: "awaiting_review" });
    assert.equal((badge.structured?.["tasks"] as unknown[]).length, 1);
    const ownReview = await coder.call("claim_task", { task_id: taskId });
    assert.equal(ownReview.isError, true);
    assert.match(ownReview.text, /own work; another agent must review it/);
    const claimed = await reviewer.ok("claim_task", { task_id: taskId });
    assert.equal((claimed["task"] as { reviewer: string }).reviewer, "codex");
    await reviewer.ok("task_comment", { task_id: taskId, content: "LGTM" });
    await reviewer.ok("update_task", { task_id: taskId, status: "done", result: "merged" });

    const detail = await lead.ok("get_task_detail", { task_id: taskId });
    const lines = String(detail["feed"]).split("\n").map((line) =>
      line.replace(/ — \d\d:\d\d$/, "")
    );
    assert.deepEqual(lines, [
      "[status_change] claude-opus created task",
      "[status_change] claude-code claimed task",
      "[comment] claude-code: Starting on the SSE endpoint",
      "[blocker] claude-opus: Need to decide on auth approach",
      "[status_change] claude-opus moved task from in_progress to blocked (blocker)",
      "[status_change] rule:notify-blocked fired on task.status_changed: notify: told claude-code",
      "[resolution] claude-code: Going with registered-agent check",
      "[status_change] claude-code moved task from blocked to in_progress (resolution)",
      "[message] claude-code → claude-opus: PR is up",
      "[status_change] claude-code moved task from in_progress to awaiting_review",
      "[status_change] codex claimed review",
      "[comment] codex: LGTM",
      "[status_change] codex approved: moved task from awaiting_review to done",
    ]);
    for (const line of String(detail["feed"]).split("\n")) assert.match(line, / — \d\d:\d\d$/);
    assert.deepEqual([detail["comment_count"], detail["message_count"]], [4, 1]);
    // The rule's message went to claude-code alone: its feed shows it, the lead's does not.
    const coderView = await coder.ok("get_task_detail", { task_id: taskId });
    assert.match(
      String(coderView["feed"]),
      /\[message\] rule:notify-blocked → claude-code: Rule notify-blocked: task #1 "SSE endpoint" is now blocked \(by claude-opus\)\./,
    );
    assert.equal(coderView["message_count"], 3);
    const task = detail["task"] as { status: string; assignee: string; reviewer: string };
    assert.deepEqual([task.status, task.assignee, task.reviewer], ["done", "claude-code", "codex"]);

    // What the model reads: the feed once, each entry whole (a long comment is not cut), and
    // not the entries again (structuredContent keeps them).
    const long = `Long notes: ${"step done; ".repeat(40)}end of notes`;
    await lead.ok("task_comment", { task_id: taskId, content: long });
    const read = await lead.call("get_task_detail", { task_id: taskId });
    const shown = JSON.parse(read.text) as Record<string, unknown>;
    assert.equal(shown["entries"], undefined);
    assert.ok(String(shown["feed"]).includes(`[comment] claude-opus: ${long.trim()}`));
    const entries = read.structured?.["entries"] as { line: string; content: string }[];
    assert.equal(entries.at(-1)?.content, long);
    assert.match(entries.at(-1)?.line ?? "", /… — \d\d:\d\d$/, "an entry's own line stays cut");
    assert.ok(read.text.length < 2 * String(shown["feed"]).length + 2_000);

    const handed = await lead.ok("create_task", { title: "Docs", assignee: "claude-code" });
    const docsId = (handed["task"] as { id: number }).id;
    const refused = await reviewer.call("reassign_task", {
      task_id: docsId,
      new_assignee: "codex",
    });
    assert.equal(refused.isError, true);
    const moved = await coder.ok("reassign_task", { task_id: docsId, new_assignee: "codex" });
    assert.equal((moved["task"] as { assignee: string }).assignee, "codex");
  } finally {
    await Promise.all([lead.close(), coder.close(), reviewer.close()]);
    await db.cleanup();
  }
});
