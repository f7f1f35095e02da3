import assert from "node:assert/strict";
import {
  escalationAudience,
  partiesToTell,
  reviewAudience,
  unblockedAudience,
} from "../src/core/tasks/task_audience.ts";
import type { Task } from "../src/core/tasks/task_model.ts";

function task(parties: Partial<Pick<Task, "creator" | "assignee" | "reviewer">>): Task {
  return {
    id: 1,
    title: "T",
    description: "",
    type: null,
    status: "in_progress",
    priority: "medium",
    creator: "alice",
    assignee: null,
    reviewer: null,
    parent_id: null,
    blocked_by: [],
    result: null,
    review_note: null,
    created_at: "",
    updated_at: "",
    claimed_at: null,
    review_claimed_at: null,
    completed_at: null,
    ...parties,
  };
}

Deno.test("parties: creator, assignee, reviewer, others; each once, never the actor", () => {
  const t = task({ assignee: "bob", reviewer: "carol" });
  assert.deepEqual(partiesToTell(t, "dave"), ["alice", "bob", "carol"]);
  assert.deepEqual(partiesToTell(t, "BOB"), ["alice", "carol"], "the actor, in any case");
  assert.deepEqual(partiesToTell(t, "bob", ["erin", "Alice", null]), ["alice", "carol", "erin"]);
  assert.deepEqual(partiesToTell(task({ creator: "rule:x" }), "rule:x"), []);
});

Deno.test("review requests: the reviewer; else reviewers by role but the actor; else everyone", () => {
  assert.deepEqual(reviewAudience(task({ reviewer: "carol" }), "bob", ["rex"]), ["carol"]);
  assert.deepEqual(reviewAudience(task({}), "bob", ["rex", "bob", "Rex"]), ["rex"]);
  assert.deepEqual(reviewAudience(task({}), "bob", ["bob"]), ["*"]);
});

Deno.test("escalation skips who heard already; unblocking tells the assignee (else takers are offered it)", () => {
  const t = task({ assignee: "bob" });
  assert.deepEqual(escalationAudience(t, "bob", ["lead1", "alice", "lead1"]), ["lead1"]);
  assert.deepEqual(unblockedAudience(t), ["bob"]);
  assert.deepEqual(unblockedAudience(task({})), []);
});
