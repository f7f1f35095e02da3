import { actorLabel, humanActor, ruleActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { ValidationError } from "../src/core/errors.ts";
import {
  AGENT_NAME_PATTERN,
  checkAgentName,
  checkRecipient,
  EVERYONE,
  isReservedName,
} from "../src/core/input_rules/agent_names.ts";
import { checkContextKey, checkNamespace } from "../src/core/input_rules/context_names.ts";
import { isoDateToMs, parseIsoDate } from "../src/core/input_rules/iso_dates.ts";
import { checkId, checkPageSize } from "../src/core/input_rules/numbers.ts";
import {
  checkRoleName,
  checkRuleName,
  checkSlug,
  checkTaskType,
  SLUG_KINDS,
} from "../src/core/input_rules/slugs.ts";
import {
  checkCapabilities,
  checkContent,
  checkContextValue,
  checkDescription,
  checkResult,
  checkText,
  checkTitle,
  TEXT_RULES,
} from "../src/core/input_rules/text_rules.ts";
import { LIMITS } from "../src/core/limits.ts";
import { agentNameField, slugField, textFieldOf } from "../src/mcp/fields.ts";

const x = (n: number) => "x".repeat(n);

/** Asserts `run` throws a ValidationError whose message matches `expected`. */
function refuses(run: () => unknown, expected: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ValidationError, String(error));
    assert.match(error.message, expected);
    return true;
  });
}

Deno.test("text limits: max passes, max+1 and empty are refused with field and limit", () => {
  const cases: [string, (value: string) => string, number, number][] = [
    ["content", checkContent, 1, LIMITS.contentMax],
    ["title", checkTitle, 1, LIMITS.titleMax],
    ["description", checkDescription, 0, LIMITS.descriptionMax],
    ["result", checkResult, 0, LIMITS.resultMax],
    ["key", checkContextKey, 1, LIMITS.contextKeyMax],
    ["value", checkContextValue, 0, LIMITS.contextValueMax],
  ];
  for (const [field, check, min, max] of cases) {
    assert.equal(check(x(max)), x(max), `${field} at the limit`);
    const limit = max.toLocaleString("en-US");
    const over = (max + 1).toLocaleString("en-US");
    refuses(
      () => check(x(max + 1)),
      new RegExp(`^${field} is too long: ${over} characters; the limit is ${limit}$`),
    );
    if (min === 0) assert.equal(check(""), "", `${field} may be empty`);
    else {
      refuses(
        () => check(""),
        new RegExp(`^${field} must not be empty \\(a string of 1–${limit} characters\\)$`),
      );
    }
  }
  refuses(() => checkTitle(x(5_001)), /^title is too long: 5,001 characters; the limit is 200$/);
  refuses(() => checkTitle(x(201), "create_task.title"), /^create_task\.title is too long/);
});

Deno.test("checkText: a minimum above one says too short", () => {
  assert.equal(checkText("code", "abc", { min: 3, max: 5 }), "abc");
  refuses(
    () => checkText("code", "ab", { min: 3, max: 5 }),
    /^code is too short: 2 characters \(a string of 3–5 characters\)$/,
  );
});

Deno.test("capabilities: at most 20 entries of 1–64 characters", () => {
  const twenty = Array.from({ length: 20 }, (_, i) => `c${i}`);
  assert.deepEqual(checkCapabilities(twenty), twenty);
  refuses(
    () => checkCapabilities([...twenty, "one more"]),
    /^capabilities has 21 entries; the limit is 20$/,
  );
  refuses(
    () => checkCapabilities([x(65)]),
    /^each entry of capabilities is too long: 65 characters; the limit is 64$/,
  );
  refuses(() => checkCapabilities([""]), /^each entry of capabilities must not be empty/);
});

Deno.test("agent names: 1–64 characters, letters or digits at both ends", () => {
  for (const ok of ["a", "alice", "Agent 7", "x.y_z-1", x(LIMITS.agentNameMax)]) {
    assert.equal(checkAgentName(ok), ok);
  }
  refuses(() => checkAgentName(""), /^name must not be empty \(a string of 1–64 characters\)$/);
  refuses(() => checkAgentName(x(65)), /^name is too long: 65 characters; the limit is 64$/);
  for (const bad of ["bad name!", "-dash", "trailing ", " lead", "a/b", "ünï"]) {
    refuses(
      () => checkAgentName(bad, "recipient"),
      new RegExp(`^recipient '${bad}' is not a valid agent name \\(an agent name of 1–64`),
    );
  }
});

Deno.test("reserved names: '*', rule:..., human:... are never agents", () => {
  for (const reserved of ["*", "rule:x", "human:ops", "Rule:X", "HUMAN:ops"]) {
    assert.ok(isReservedName(reserved), reserved);
    assert.ok(!AGENT_NAME_PATTERN.test(reserved), `the pattern alone already refuses ${reserved}`);
  }
  for (const fine of ["rules", "human", "ruler", "humane"]) assert.ok(!isReservedName(fine), fine);
  refuses(
    () => checkAgentName("*"),
    /^name '\*' is not a valid agent name .*; '\*' is reserved: it addresses everyone$/,
  );
  refuses(
    () => checkAgentName("rule:x"),
    /^name 'rule:x' is not a valid agent name .*; names starting with 'rule:' and 'human:' are reserved for rules and humans$/,
  );
  refuses(() => checkAgentName("human:ops"), /reserved for rules and humans/);
  const rule = actorLabel(ruleActor("nudge"));
  const human = actorLabel(humanActor("ops"));
  assert.deepEqual([rule, human], ["rule:nudge", "human:ops"]);
  assert.ok(isReservedName(rule ?? "") && isReservedName(human ?? ""));
  assert.equal(checkRecipient(EVERYONE), "*");
  assert.equal(checkRecipient("bob"), "bob");
  refuses(() => checkRecipient("rule:x", "to"), /^to 'rule:x' is not a valid agent name/);
});

Deno.test("slugs: role, task type and rule name share a pattern, each its own maximum", () => {
  assert.equal(checkRoleName("async-worker"), "async-worker");
  assert.equal(checkRoleName(x(LIMITS.roleMax)), x(LIMITS.roleMax));
  refuses(() => checkRoleName(x(33)), /^role is too long: 33 characters; the limit is 32$/);
  refuses(() => checkRoleName(""), /^role must not be empty/);
  refuses(
    () => checkRoleName("Big Boss"),
    /^role 'Big Boss' is not a valid role \(lowercase letters, digits, '_' and '-', starting with a letter, at most 32 characters\)$/,
  );
  refuses(() => checkTaskType("Big Thing"), /^type 'Big Thing' is not a valid task type/);
  refuses(() => checkTaskType("1st"), /^type '1st' is not a valid task type/);
  assert.equal(checkRuleName(x(LIMITS.ruleNameMax)), x(64));
  refuses(() => checkRuleName(x(65)), /^name is too long: 65 characters; the limit is 64$/);
  refuses(
    () => checkSlug("a b", "kind", SLUG_KINDS.ruleName),
    /^kind 'a b' is not a valid rule name/,
  );
});

Deno.test("namespaces: 1–64 characters of a-z 0-9 . _ -", () => {
  assert.equal(checkNamespace("project.api_v2-x"), "project.api_v2-x");
  assert.equal(checkNamespace(x(64)), x(64));
  refuses(() => checkNamespace(x(65)), /^ns is too long: 65 characters; the limit is 64$/);
  refuses(() => checkNamespace(""), /^ns must not be empty/);
  refuses(
    () => checkNamespace("Team A"),
    /^ns 'Team A' is not a valid namespace \(1–64 characters: lowercase letters, digits, '\.', '_' and '-'\)$/,
  );
});

Deno.test("numbers: page sizes and ids", () => {
  assert.equal(checkPageSize(500, LIMITS.listLimitMax), 500);
  assert.equal(checkPageSize(1, LIMITS.listLimitMax), 1);
  refuses(
    () => checkPageSize(501, LIMITS.listLimitMax),
    /^limit must be an integer from 1 to 500 \(got the number 501\)$/,
  );
  refuses(
    () => checkPageSize(0, 1_000),
    /^limit must be an integer from 1 to 1,000 \(got the number 0\)$/,
  );
  refuses(() => checkPageSize("ten", 5), /\(got a string of 3 characters\)$/);
  assert.equal(checkId(7, "task_id"), 7);
  refuses(
    () => checkId(-1, "task_id"),
    /^task_id must be a positive integer id \(got the number -1\)$/,
  );
  refuses(() => checkId(1.5, "task_id"), /\(got the number 1\.5\)$/);
});

Deno.test("dates: ISO 8601, a time without offset is UTC", () => {
  assert.equal(parseIsoDate("2026-11-26"), Date.UTC(2026, 10, 26));
  assert.equal(parseIsoDate("2026-11-26T14:30"), Date.UTC(2026, 10, 26, 14, 30));
  assert.equal(parseIsoDate("2026-13-45"), undefined);
  refuses(() => isoDateToMs("since", "yesterday"), /^since 'yesterday' is not an ISO 8601 date$/);
});

/** The message of the ValidationError `run` throws. */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.message;
    throw error;
  }
  assert.fail("expected a ValidationError");
}

Deno.test("the tools' zod fields speak the core's words", () => {
  for (const name of ["*", "rule:x", "bad name!", "", x(65)]) {
    const parsed = agentNameField("name").safeParse(name);
    assert.ok(!parsed.success, name);
    assert.deepEqual(parsed.error.issues.map((i) => i.message), [
      messageOf(() => checkAgentName(name)),
    ]);
  }
  const title = textFieldOf("title", TEXT_RULES.title).safeParse(x(201));
  assert.ok(!title.success);
  assert.equal(title.error.issues[0]?.message, messageOf(() => checkTitle(x(201))));
  const ruleName = slugField("name", "rule name");
  assert.ok(ruleName.safeParse(x(64)).success, "a rule name may be as long as a rules file allows");
  const type = slugField("type", SLUG_KINDS.taskType).safeParse("Big Thing");
  assert.ok(!type.success);
  assert.equal(type.error.issues[0]?.message, messageOf(() => checkTaskType("Big Thing")));
});
