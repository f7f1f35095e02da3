/** create_task, list_tasks, claim_task, update_task. */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import { TASK_PRIORITIES, TASK_STATUSES } from "../../core/tasks.ts";
import { agentNameField, enumField, idField, textField } from "../fields.ts";
import { taskSchema } from "../output_schemas.ts";
import { registerTool } from "../register_tool.ts";
import type { ToolContext } from "../tool_context.ts";

const _actorNote = "Your agent name; optional once registered, and must match when given";

export function registerTaskTools(server: McpServer, ctx: ToolContext): void {
  registerTool(server, ctx, {
    name: "create_task",
    title: "Create a task",
    description:
      "Put a task on the shared board (status pending). With an assignee, only that agent (or " +
      "an admin/lead) can claim it; without one, anyone can. Returns the task with its id.",
    input: {
      title: textField("title", 1, LIMITS.titleMax).describe(
        `Short title, 1–${LIMITS.titleMax} characters`,
      ),
      creator: agentNameField("creator").optional().describe(_actorNote),
      description: textField("description", 0, LIMITS.descriptionMax).optional().describe(
        `Details, at most ${LIMITS.descriptionMax.toLocaleString("en-US")} characters`,
      ),
      assignee: agentNameField("assignee").optional().describe(
        "The agent who should do it (must have registered)",
      ),
      priority: enumField("priority", TASK_PRIORITIES).optional().describe(
        "low, medium (default) or high",
      ),
    },
    output: { task: taskSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const task = table.tasks.create({
        title: args.title,
        creator: session.actor(args.creator, "creator"),
        description: args.description,
        assignee: args.assignee,
        priority: args.priority,
      });
      return { task };
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
        "Only tasks with this status: pending, in_progress, done or blocked",
      ),
      assignee: agentNameField("assignee").optional().describe("Only tasks assigned to this agent"),
    },
    output: { tasks: z.array(taskSchema), count: z.number().int() },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      const tasks = table.tasks.list({ status: args.status, assignee: args.assignee });
      return { tasks, count: tasks.length };
    },
  });

  registerTool(server, ctx, {
    name: "claim_task",
    title: "Claim a task",
    description:
      "Claim a pending task: it becomes in_progress and assigned to you. Atomic: if another " +
      "agent claims it first you get an error naming them. A task assigned to someone can only " +
      "be claimed by that agent or an admin/lead. Returns the updated task.",
    input: {
      task_id: idField("task_id").describe("The id of the task"),
      agent_name: agentNameField("agent_name").optional().describe(_actorNote),
    },
    output: { task: taskSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const task = table.tasks.claim({
        taskId: args.task_id,
        agent: session.actor(args.agent_name, "agent_name"),
      });
      return { task };
    },
  });

  registerTool(server, ctx, {
    name: "update_task",
    title: "Update a task",
    description:
      "Set a task's status (pending, in_progress, done, blocked) and optionally its result. " +
      "Only the task's creator, its assignee or an admin/lead may. Returns the updated task.",
    input: {
      task_id: idField("task_id").describe("The id of the task"),
      status: enumField("status", TASK_STATUSES).describe(
        "The new status: pending, in_progress, done or blocked",
      ),
      result: textField("result", 0, LIMITS.resultMax).optional().describe(
        `What came of it, at most ${LIMITS.resultMax.toLocaleString("en-US")} characters`,
      ),
      agent_name: agentNameField("agent_name").optional().describe(_actorNote),
    },
    output: { task: taskSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const task = table.tasks.update({
        taskId: args.task_id,
        status: args.status,
        result: args.result,
        agent: session.actor(args.agent_name, "agent_name"),
      });
      return { task };
    },
  });
}
