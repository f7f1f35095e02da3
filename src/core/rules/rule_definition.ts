/**
 * What a rule is: `name`, `on` (a trigger), optional `if` (a condition), `then` (actions),
 * `enabled`. The same zod schema validates rule files and the create_rule tool, and
 * `compileRule` checks what a schema cannot: the condition parses, reads only fields the
 * trigger provides, and an agent.idle rule says how long idle is.
 */
import { SLUG_PATTERN } from "../input_rules/slugs.ts";
import { LIMITS } from "../limits.ts";
import { z } from "zod";
import { TASK_PRIORITIES, TASK_STATUSES } from "../tasks/task_model.ts";
import { type Condition, ConditionError, conditionFields, parseCondition } from "./condition.ts";

const _TASK_FIELDS = [
  "task.id",
  "task.title",
  "task.status",
  "task.priority",
  "task.type",
  "task.creator",
  "task.assignee",
  "task.reviewer",
  "task.parent_id",
  "event.by",
];

export const TRIGGERS = [
  "task.created",
  "task.status_changed",
  "task.all_subtasks_complete",
  "task.unblocked",
  "task.comment",
  "message.sent",
  "agent.registered",
  "agent.idle",
  "context.changed",
  "message.ack_overdue",
] as const;
export type Trigger = typeof TRIGGERS[number];

/** Each trigger and the fields its conditions may read. */
export const TRIGGER_FIELDS: Record<Trigger, readonly string[]> = {
  "task.created": _TASK_FIELDS,
  "task.status_changed": [..._TASK_FIELDS, "event.from", "event.to"],
  "task.all_subtasks_complete": [..._TASK_FIELDS, "event.subtasks"],
  "task.unblocked": _TASK_FIELDS,
  "task.comment": [..._TASK_FIELDS, "comment.type", "comment.agent", "comment.content"],
  "message.sent": [
    "message.id",
    "message.sender",
    "message.recipient",
    "message.broadcast",
    "message.task_id",
    "message.content",
    "message.subject",
    "message.thread_id",
    "message.reply_to",
    "message.ack_required",
  ],
  "agent.registered": ["agent.name", "agent.role", "event.returning"],
  "agent.idle": ["agent.name", "agent.role", "agent.idle"],
  "context.changed": [
    "context.ns",
    "context.key",
    "context.version",
    "context.set_by",
    "context.deleted",
  ],
  "message.ack_overdue": [
    "message.id",
    "message.sender",
    "message.recipient",
    "message.task_id",
    "message.content",
    "message.subject",
    "message.thread_id",
    "ack.age",
  ],
};

/**
 * The schemas, built on first use, once: a starting process reads its rules already compiled
 * (shipped_definitions.ts), so only a rules file, a stored or new runtime rule, or the rule
 * tools build them.
 */
let _schemas: ReturnType<typeof _buildSchemas> | undefined;

function _buildSchemas() {
  const slug = z.string().regex(
    SLUG_PATTERN,
    "must be lowercase letters, digits, '_' or '-'",
  )
    .max(LIMITS.ruleNameMax);
  const text = z.string().min(1).max(LIMITS.ruleTextMax);
  /** Who: task.assignee | task.creator | task.reviewer | event.by | agent.name | role:NAME | an agent. */
  const target = z.string().min(1).max(LIMITS.actorNameMax);
  const action = z.union([
    z.strictObject({ set_status: z.enum(TASK_STATUSES) }),
    z.strictObject({
      notify: z.union([target, z.strictObject({ to: target, message: text.optional() })]),
    }),
    z.strictObject({ send_message: z.strictObject({ to: target, content: text }) }),
    z.strictObject({ comment: text }),
    z.strictObject({ assign: target }),
    z.strictObject({
      create_task: z.strictObject({
        title: z.string().min(1).max(LIMITS.titleMax),
        description: z.string().max(LIMITS.descriptionMax).optional(),
        priority: z.enum(TASK_PRIORITIES).optional(),
        type: slug.optional(),
        assignee: target.optional(),
        subtask: z.boolean().optional(),
      }),
    }),
  ], {
    error: () =>
      "is not a valid action: use one of {set_status: STATUS}, {notify: TARGET}, " +
      "{send_message: {to, content}}, {comment: TEXT}, {assign: TARGET | next_pending_task}, " +
      "{create_task: {title, ...}}",
  });
  const definition = z.strictObject({
    name: slug,
    description: z.string().max(LIMITS.ruleDescriptionMax).optional(),
    on: z.enum(TRIGGERS),
    if: z.string().min(1).max(LIMITS.ruleConditionMax).optional(),
    then: z.array(action).min(1).max(LIMITS.ruleActionsMax),
    enabled: z.boolean().default(true),
  });
  return { action, definition };
}

/** One action of a rule's `then`. */
export function actionSchema(): ReturnType<typeof _buildSchemas>["action"] {
  _schemas ??= _buildSchemas();
  return _schemas.action;
}

/** A rule as a rules file or create_rule gives it. */
export function ruleDefinitionSchema(): ReturnType<typeof _buildSchemas>["definition"] {
  _schemas ??= _buildSchemas();
  return _schemas.definition;
}

export type RuleAction = z.infer<ReturnType<typeof actionSchema>>;
export type RuleDefinition = z.infer<ReturnType<typeof ruleDefinitionSchema>>;

export interface CompiledRule extends RuleDefinition {
  condition: Condition | undefined;
  /** For agent.idle rules: how long without a call counts as idle. */
  idleMs: number | undefined;
  /** For message.ack_overdue rules: how long an acknowledgement may be owed (default 15 min). */
  overdueMs: number | undefined;
  /** "shipped", a file path, or "runtime" (created with create_rule). */
  source: string;
  /**
   * A runtime rule's creator (a member's name or `human:NAME`): its actions have that one's
   * powers. Absent for shipped and file rules (the operator's powers).
   */
  owner?: string | undefined;
}

export class RuleDefinitionError extends Error {
  override name = "RuleDefinitionError";
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** Checks the parts a schema cannot and prepares the rule for the engine. */
export function compileRule(definition: RuleDefinition, source: string): CompiledRule {
  let condition: Condition | undefined;
  if (definition.if !== undefined) {
    try {
      condition = parseCondition(definition.if);
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      throw new RuleDefinitionError("if", `condition '${definition.if}': ${error.message}`);
    }
    const allowed = TRIGGER_FIELDS[definition.on];
    for (const field of conditionFields(condition)) {
      if (!allowed.includes(field)) {
        throw new RuleDefinitionError(
          "if",
          `the field ${field} is not available on ${definition.on} (fields: ${allowed.join(", ")})`,
        );
      }
    }
  }
  let idleMs: number | undefined;
  if (definition.on === "agent.idle") {
    idleMs = condition ? _lowerBound(condition, "agent.idle") : undefined;
    if (idleMs === undefined) {
      throw new RuleDefinitionError(
        "if",
        "an agent.idle rule needs a condition such as 'agent.idle > 5m' (how long is idle)",
      );
    }
  }
  const overdueMs = definition.on === "message.ack_overdue"
    ? (condition ? _lowerBound(condition, "ack.age") : undefined) ?? LIMITS.ackOverdueDefaultMs
    : undefined;
  for (const action of definition.then) {
    const needsTask = "set_status" in action || "comment" in action;
    if (needsTask && !definition.on.startsWith("task.")) {
      throw new RuleDefinitionError(
        "then",
        `${Object.keys(action)[0]} acts on the event's task, and ${definition.on} has none`,
      );
    }
  }
  return { ...definition, condition, idleMs, overdueMs, source };
}

/** The smallest `FIELD > D` (or >=) bound in a condition (agent.idle, ack.age). */
function _lowerBound(condition: Condition, field: string): number | undefined {
  switch (condition.kind) {
    case "compare":
      return condition.field === field && (condition.op === ">" || condition.op === ">=") &&
          typeof condition.value === "number"
        ? condition.value
        : undefined;
    case "not":
      return undefined;
    default: {
      const found = [_lowerBound(condition.left, field), _lowerBound(condition.right, field)]
        .filter((v): v is number => v !== undefined);
      return found.length ? Math.min(...found) : undefined;
    }
  }
}
