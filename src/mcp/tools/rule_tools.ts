/** create_rule, list_rules, update_rule, delete_rule. */
import { z } from "zod";
import { actionSchema, TRIGGERS } from "../../core/rules/rule_definition.ts";
import { LIMITS } from "../../core/limits.ts";
import { SLUG_KINDS } from "../../core/input_rules/slugs.ts";
import { TEXT_RULES } from "../../core/input_rules/text_rules.ts";
import { actorField, boolField, enumField, slugField, textFieldOf } from "../fields.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { nextCursorOutput, pageInput, pageResult } from "./page_fields.ts";

const _ruleSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  on: z.string(),
  if: z.string().nullable(),
  then: z.array(z.unknown()),
  enabled: z.boolean(),
  source: z.string().describe("shipped, the rules file's path, or runtime"),
});

/** The actions; advertised `shallow` (items: object), their shapes in `description`. */
const _then = (description: string) =>
  z.array(actionSchema(), { error: () => "then must be a list of actions" }).min(1, {
    error: () => "then needs at least one action",
  }).max(LIMITS.ruleActionsMax, {
    error: () => `then has at most ${LIMITS.ruleActionsMax} actions`,
  }).meta({ description, shallow: true });

const _condition = () =>
  textFieldOf("if", TEXT_RULES.ruleCondition).describe(
    "Over the event's fields: = != < <= > >= in [..] not in [..] and or not (); durations " +
      "like 5m. E.g. task.priority in [high] and agent.idle > 5m",
  );

export function ruleTools(): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "list_rules",
    title: "List workflow rules",
    description: "The workflow rules by name, each with on, if, then, enabled and source.",
    get input() {
      return pageInput(LIMITS.pages.rules);
    },
    get output() {
      return { rules: z.array(_ruleSchema), count: z.number().int(), ...nextCursorOutput };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      return pageResult("rules", table.rules.page(args));
    },
  }));

  tools.push(tool({
    name: "create_rule",
    privilege: "manage_rules",
    title: "Create a workflow rule",
    description:
      "When the trigger (on) fires and the condition (if) holds, run the actions (then), on " +
      "the whole table. manage_rules privilege. Checked at once.",
    get input() {
      return {
        name: slugField("name", SLUG_KINDS.ruleName).describe(
          "A unique name, e.g. notify-on-blocker",
        ),
        on: enumField("on", TRIGGERS),
        if: _condition().optional(),
        then: _then(
          "Actions, each one object: {set_status: STATUS}, {notify: task.assignee | task.creator | " +
            "task.reviewer | role:NAME | AGENT}, {notify: {to, message}}, {send_message: {to, " +
            "content}}, {comment: TEXT}, {assign: AGENT | task.creator | next_pending_task}, " +
            "{create_task: {title, description?, priority?, type?, assignee?, subtask?}}. Texts " +
            "may use {task.title}-style placeholders.",
        ),
        description: textFieldOf("description", TEXT_RULES.ruleDescription).optional(),
        enabled: boolField("enabled").optional().describe("Default true"),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { rule: _ruleSchema };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const by = session.actor(args.agent_name, "agent_name");
      const rule = table.rules.create({
        name: args.name,
        on: args.on,
        then: args.then,
        enabled: args.enabled ?? true,
        ...(args.if === undefined ? {} : { if: args.if }),
        ...(args.description === undefined ? {} : { description: args.description }),
      }, by);
      return { rule };
    },
  }));

  tools.push(tool({
    name: "update_rule",
    privilege: "manage_rules",
    title: "Change a workflow rule",
    description:
      "Change a run-time rule (any field), or switch a shipped or file rule on or off. " +
      "manage_rules privilege.",
    get input() {
      return {
        name: slugField("name", SLUG_KINDS.ruleName),
        on: enumField("on", TRIGGERS).optional(),
        if: _condition().optional(),
        then: _then("New actions, as in create_rule").optional(),
        description: textFieldOf("description", TEXT_RULES.ruleDescription).optional(),
        enabled: boolField("enabled").optional(),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { rule: _ruleSchema };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const by = session.actor(args.agent_name, "agent_name");
      const { name, agent_name: _, ...rest } = args;
      const patch = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
      return { rule: table.rules.update(name, patch, by) };
    },
  }));

  tools.push(tool({
    name: "delete_rule",
    privilege: "manage_rules",
    title: "Delete a workflow rule",
    description: "Delete a run-time rule (others can only be disabled). manage_rules privilege.",
    get input() {
      return {
        name: slugField("name", SLUG_KINDS.ruleName),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { deleted: z.string() };
    },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
    run(args, { table, session }) {
      table.rules.delete(args.name, session.actor(args.agent_name, "agent_name"));
      return { deleted: args.name };
    },
  }));
  return tools;
}
