import assert from "node:assert/strict";
import { evaluateCondition, parseCondition, parseDuration } from "../src/core/rules/condition.ts";

const fields = {
  "task.status": "blocked",
  "task.priority": "high",
  "task.assignee": "Bob",
  "task.reviewer": null,
  "task.id": 7,
  "agent.idle": 6 * 60_000,
};

function holds(source: string): boolean {
  return evaluateCondition(parseCondition(source), fields);
}

Deno.test("every operator", () => {
  assert.equal(holds("task.status = blocked"), true);
  assert.equal(holds("task.status == 'blocked'"), true);
  assert.equal(holds("task.assignee = bob"), true, "text compares without regard to case");
  assert.equal(holds("task.status != blocked"), false);
  assert.equal(holds("task.priority in [high, medium]"), true);
  assert.equal(holds("task.priority not in [low]"), true);
  assert.equal(holds("task.priority in []"), false);
  assert.equal(holds("task.id > 5"), true);
  assert.equal(holds("task.id >= 7"), true);
  assert.equal(holds("task.id < 7"), false);
  assert.equal(holds("task.id <= 7"), true);
  assert.equal(holds("agent.idle > 5m"), true);
  assert.equal(holds("agent.idle > 1h"), false);
  assert.equal(holds("task.reviewer = null"), true, "a missing value equals null");
  assert.equal(holds("task.reviewer != null"), false);
  assert.equal(holds("task.nothing = x"), false);
  assert.equal(holds("task.status > 3"), false, "a text is never greater than a number");
});

Deno.test("and, or, not and parentheses", () => {
  assert.equal(holds("task.status = blocked and task.priority = high"), true);
  assert.equal(holds("task.status = blocked and task.priority = low"), false);
  assert.equal(holds("task.status = done or task.priority = high"), true);
  assert.equal(holds("not task.status = done"), true);
  assert.equal(holds("task.status = done or task.priority = low and task.id = 7"), false);
  assert.equal(holds("(task.status = done or task.priority = high) and task.id = 7"), true);
});

Deno.test("durations", () => {
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("5m"), 300_000);
  assert.equal(parseDuration("5min"), 300_000);
  assert.equal(parseDuration("2h"), 7_200_000);
  assert.equal(parseDuration("1d"), 86_400_000);
  assert.equal(parseDuration("1.5s"), 1_500);
  assert.equal(parseDuration("soon"), undefined);
});

Deno.test("mistakes are reported with what was expected and where", () => {
  const cases: [string, RegExp][] = [
    ["", /the condition is empty/],
    ["task.status", /expected an operator .* after task.status but found the end/],
    ["task.status = ", /expected a value but found the end/],
    ["task.status in blocked", /'in' needs a list such as \[high, medium\]/],
    ["task.status = [a]", /a list can only follow 'in' or 'not in'/],
    ["agent.idle > soon", /'>' compares numbers or durations \(5m\), not 'soon'/],
    ["(task.status = a", /expected '\)' but found the end/],
    ["task.status = a b", /unexpected 'b' at character 17/],
    ["Task.Status = a", /expected a field such as task.status but found 'Task.Status'/],
    ["task.status = 'open", /unterminated quote at character 15/],
    ["task.status ~ a", /unexpected '~' at character 13/],
  ];
  for (const [source, expected] of cases) {
    assert.throws(() => parseCondition(source), expected, source);
  }
});
