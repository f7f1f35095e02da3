/**
 * The task board: create_task, list_tasks, claim_task, update_task, reassign_task, and the
 * task's story: task_comment, get_task_detail.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import { COMMENT_TYPES } from "../../core/tasks/task_activity.ts";
import { TASK_PRIORITIES, TASK_STATUSES } from "../../core/tasks/task_model.ts";
import {
  actorField,
  agentNameField,
  boolField,
  enumField,
  idField,
  slugField,
  textField,
} from "../fields.ts";
import {
  feedEntrySchema,
  leaseSchema,
  taskCommentSchema,
  taskRefSchema,
  taskSchema,
} from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import { leasePathsField, leaseTtlField } from "./lease_tools.ts";
import type { ToolContext } from "../tool_context.ts";

/** A list of task ids (at most 50). */
function _ids(field: string) {
  return z.array(idField(`each entry of ${field}`), {
    error: () => `${field} must be a list of task ids`,
  }).max(50, { error: () => `${field} has more than 50 task ids` });
}

export function registerTaskTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "create_task",
    title: "Create a task",
    description:
      "Put a task on the shared board (status pending). With an assignee, only that agent (or " +
      "claim_assigned) can claim it; without one, anyone can. A reviewer, if named, is asked " +
      "when the task moves to awaiting_review. Returns the task with its id.",
    input: {
      title: textField("title", 1, LIMITS.titleMax).describe(
        `Short title, 1–${LIMITS.titleMax} characters`,
      ),
      creator: actorField("creator"),
      description: textField("description", 0, LIMITS.descriptionMax).optional().describe(
        `Details, at most ${LIMITS.descriptionMax.toLocaleString("en-US")} characters`,
      ),
      assignee: agentNameField("assignee").optional().describe(
        "The agent who should do it (must have registered)",
      ),
      priority: enumField("priority", TASK_PRIORITIES).optional().describe(
        "low, medium (default) or high",
      ),
      reviewer: agentNameField("reviewer").optional().describe(
        "The agent who should review the work (must have registered)",
      ),
      parent_id: idField("parent_id").optional().describe(
        "Make it a subtask of this task (when all subtasks are done, the parent is done)",
      ),
      blocked_by: _ids("blocked_by").optional().describe(
        "Tasks that must be done before this one can start or finish",
      ),
      type: slugField("type", "task type").optional().describe(
        "Kind of work, matched against role affinity: implement, design, review, test, docs, " +
          "bugfix, plan...",
      ),
      paths: leasePathsField("paths").optional().describe(
        "Files or globs it will touch; next_task skips it while others lease them",
      ),
    },
    output: { task: taskSchema, paths: z.array(z.string()) },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      return table.taskLeases.create({
        paths: args.paths,
        title: args.title,
        by: session.actor(args.creator, "creator"),
        description: args.description,
        assignee: args.assignee,
        reviewer: args.reviewer,
        priority: args.priority,
        type: args.type,
        parentId: args.parent_id,
        blockedBy: args.blocked_by,
      });
    },
  });

  registerTool(server, ctx, {
    name: "list_tasks",
    title: "List tasks",
    description:
      "List tasks on the board, highest priority first, then oldest first; optionally only one " +
      `status and/or one assignee (at most ${LIMITS.listLimitMax}). Needs no registration.`,
    input: {
      status: enumField("status", TASK_STATUSES).optional().describe(
        "Only tasks with this status: pending, in_progress, awaiting_review, done or blocked",
      ),
      assignee: agentNameField("assignee").optional().describe("Only tasks assigned to this agent"),
      reviewer: agentNameField("reviewer").optional().describe(
        "Only tasks this agent reviews",
      ),
      parent_id: idField("parent_id").optional().describe("Only the subtasks of this task"),
      mine_first: boolField("mine_first").optional().describe(
        "Put first the pending tasks you can take whose type your role prefers (needs register)",
      ),
    },
    output: { tasks: z.array(taskSchema), count: z.number().int() },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table, session }) {
      const tasks = table.tasks.list({
        status: args.status,
        assignee: args.assignee,
        reviewer: args.reviewer,
        parentId: args.parent_id,
        mineFirst: args.mine_first ? session.actor(undefined, "agent_name").name : undefined,
      });
      return { tasks, count: tasks.length };
    },
  });

  registerTool(server, ctx, {
    name: "next_task",
    title: "What should I do next?",
    description:
      "The pending task you should take next: one assigned to you first, then one whose type " +
      "your role prefers (its task_affinity), then by priority and age. With claim=true it is " +
      "claimed for you atomically (two agents asking at once never get the same task). " +
      "Skips tasks whose paths others lease. Returns the task, or null when nothing is waiting.",
    input: {
      claim: boolField("claim").optional().describe("Also claim it (default false)"),
      agent_name: actorField("agent_name"),
    },
    output: { task: taskSchema.nullable(), claimed: z.boolean() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      return table.tasks.next({
        by: session.actor(args.agent_name, "agent_name"),
        claim: args.claim === true,
      });
    },
  });

  registerTool(server, ctx, {
    name: "claim_task",
    title: "Claim a task",
    description:
      "Claim a pending task: it becomes in_progress and assigned to you. Atomic: if another " +
      "agent claims it first you get an error naming them. A task assigned to someone can only " +
      "be claimed by that agent (or claim_assigned). On a task awaiting_review this claims the " +
      "review (you become its reviewer; not allowed on your own work). With paths, also " +
      "leases them exclusively for the task: both or neither. Returns the task.",
    input: {
      task_id: idField("task_id").describe("The id of the task"),
      paths: leasePathsField("paths").optional(),
      ttl: leaseTtlField(ctx),
      agent_name: actorField("agent_name"),
    },
    output: { task: taskSchema, leases: z.array(leaseSchema) },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      return table.taskLeases.claim({
        taskId: args.task_id,
        by: session.actor(args.agent_name, "agent_name"),
        paths: args.paths,
        ttl: args.ttl,
      });
    },
  });

  registerTool(server, ctx, {
    name: "update_task",
    title: "Update a task",
    description: "Change a task's status, result, reviewer, parent or dependencies; give only " +
      "what changes. Creator, assignee, reviewer or privilege update_any_task. " +
      "awaiting_review asks for a review. The reviewer's result is kept as review_note. " +
      "Returns the task.",
    input: {
      task_id: idField("task_id").describe("The id of the task"),
      status: enumField("status", TASK_STATUSES).optional().describe(
        "The new status: pending, in_progress, awaiting_review, done or blocked",
      ),
      reviewer: agentNameField("reviewer").optional().describe(
        "Set the reviewer (must have registered)",
      ),
      parent_id: idField("parent_id").optional().describe(
        "Make it a subtask of this task (cycles are refused)",
      ),
      add_blocked_by: _ids("add_blocked_by").optional().describe(
        "Tasks it must wait for (cycles are refused)",
      ),
      remove_blocked_by: _ids("remove_blocked_by").optional().describe(
        "Tasks it no longer waits for",
      ),
      result: textField("result", 0, LIMITS.resultMax).optional().describe(
        `What came of it, at most ${LIMITS.resultMax.toLocaleString("en-US")} characters`,
      ),
      agent_name: actorField("agent_name"),
    },
    output: { task: taskSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const task = table.tasks.update({
        taskId: args.task_id,
        status: args.status,
        result: args.result,
        reviewer: args.reviewer,
        parentId: args.parent_id,
        addBlockedBy: args.add_blocked_by,
        removeBlockedBy: args.remove_blocked_by,
        by: session.actor(args.agent_name, "agent_name"),
      });
      return { task };
    },
  });

  registerTool(server, ctx, {
    name: "reassign_task",
    title: "Hand a task over",
    description:
      "Hand a task over to another agent (its status stays as it is). Only the task's creator, " +
      "its current assignee or update_any_task may. Both agents are told, and the hand-over " +
      "appears in the task's feed. Returns the updated task.",
    input: {
      task_id: idField("task_id").describe("The id of the task"),
      new_assignee: agentNameField("new_assignee").describe(
        "The agent who takes the task over (must have registered)",
      ),
      agent_name: actorField("agent_name"),
    },
    output: { task: taskSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const task = table.tasks.reassign({
        taskId: args.task_id,
        newAssignee: args.new_assignee,
        by: session.actor(args.agent_name, "agent_name"),
      });
      return { task };
    },
  });

  registerTool(server, ctx, {
    name: "task_comment",
    title: "Comment on a task",
    description:
      "Discuss a task where the work is. type: comment (default), blocker (moves the task to " +
      "blocked), resolution (moves a blocked task back to in_progress). Blockers and " +
      "resolutions may be posted by the task's creator, assignee, reviewer or update_any_task; " +
      "anyone may comment. The creator, assignee and reviewer are notified. Returns the " +
      "comment and the task.",
    input: {
      task_id: idField("task_id").describe("The id of the task"),
      content: textField("content", 1, LIMITS.contentMax).describe(
        `The comment, 1–${LIMITS.contentMax.toLocaleString("en-US")} characters`,
      ),
      type: enumField("type", COMMENT_TYPES).optional().describe(
        "comment (default), blocker or resolution (status_change entries are automatic)",
      ),
      agent_name: actorField("agent_name"),
    },
    output: { comment: taskCommentSchema, task: taskSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      return table.tasks.comment({
        taskId: args.task_id,
        content: args.content,
        type: args.type,
        by: session.actor(args.agent_name, "agent_name"),
      });
    },
  });

  registerTool(server, ctx, {
    name: "get_task_detail",
    title: "A task's whole story",
    description:
      "Everything about one task: the task, its comments, its automatic status changes " +
      "(created, claimed, moved, reassigned, review claimed) and the messages linked to it, " +
      "oldest first, plus the rendered activity feed, one line per entry, e.g. " +
      "'[status_change] claude-code claimed task — 19:00' (times in UTC). Needs no registration.",
    input: {
      task_id: idField("task_id").describe("The id of the task"),
    },
    output: {
      task: taskSchema,
      subtasks: z.array(taskRefSchema),
      blockers: z.array(taskRefSchema).describe("the tasks it waits for, with their status"),
      entries: z.array(feedEntrySchema),
      comment_count: z.number().int(),
      message_count: z.number().int(),
      feed: z.string().describe("The activity feed, one line per entry"),
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      return table.tasks.detail(args.task_id);
    },
  });
}
