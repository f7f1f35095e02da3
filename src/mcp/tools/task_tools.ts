/**
 * The task board: create_task, list_tasks, claim_task, update_task, reassign_task, and the
 * task's story: task_comment, get_task_detail.
 */
import { z } from "zod";
import { agentActor } from "../../core/actor.ts";
import { LIMITS } from "../../core/limits.ts";
import { WRITABLE_COMMENT_TYPES } from "../../core/tasks/task_activity.ts";
import { TASK_PRIORITIES, TASK_STATUSES } from "../../core/tasks/task_model.ts";
import {
  actorField,
  agentNameField,
  boolField,
  enumField,
  idField,
  limitField,
  slugField,
  textField,
} from "../fields.ts";
import {
  feedEntrySchema,
  leaseRefSchema,
  taskChangeSchema,
  taskRefSchema,
  taskSchema,
  taskSummarySchema,
  taskWorkSchema,
} from "../output_schemas.ts";
import { changeView, leaseRef, workView } from "./task_views.ts";
import type { ToolSettings } from "../tool_settings.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { leasePathsField, leaseTtlField } from "./lease_tools.ts";
import { nextCursorOutput, pageInput, pageResult } from "./page_fields.ts";

/** A list of task ids (at most 50). */
function _ids(field: string) {
  return z.array(idField(`each entry of ${field}`), {
    error: () => `${field} must be a list of task ids`,
  }).max(50, { error: () => `${field} has more than 50 task ids` });
}

export function taskTools(settings: ToolSettings): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "create_task",
    title: "Create a task",
    description:
      "Add a pending task. With an assignee, only that agent (or claim_assigned) may claim it; " +
      "without, idle members who may take it are told.",
    get input() {
      return {
        title: textField("title", 1, LIMITS.titleMax),
        creator: actorField("creator"),
        description: textField("description", 0, LIMITS.descriptionMax).optional(),
        assignee: agentNameField("assignee").optional(),
        priority: enumField("priority", TASK_PRIORITIES).optional().describe("Default medium"),
        reviewer: agentNameField("reviewer").optional().describe(
          "Asked to review it",
        ),
        parent_id: idField("parent_id").optional().describe("Make it a subtask"),
        blocked_by: _ids("blocked_by").optional().describe("Tasks it waits for"),
        type: slugField("type", "task type").optional().describe(
          "Kind of work (implement, test, docs...) for role affinity",
        ),
        paths: leasePathsField("paths").optional().describe(
          "Files or globs it touches; a claim leases them",
        ),
      };
    },
    get output() {
      return { task: taskChangeSchema() };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const { task: created } = table.taskLeases.create({
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
      const { id, title, status, paths } = created;
      return { task: { id, title, status, ...(paths === undefined ? {} : { paths }) } };
    },
  }));

  tools.push(tool({
    name: "list_tasks",
    title: "List tasks",
    description:
      "The board, highest priority then oldest first, as summaries (get_task_detail has the " +
      "rest); since a changes_cursor: only what changed.",
    get input() {
      return {
        status: enumField("status", TASK_STATUSES).optional(),
        assignee: agentNameField("assignee").optional(),
        reviewer: agentNameField("reviewer").optional(),
        parent_id: idField("parent_id").optional().describe("Only its subtasks"),
        mine_first: boolField("mine_first").optional().describe(
          "Your role's pending tasks first",
        ),
        since: textField("since", 1, LIMITS.cursorMax).optional(),
        ...pageInput(LIMITS.pages.tasks),
      };
    },
    get output() {
      return {
        tasks: z.array(taskSummarySchema()),
        count: z.number().int(),
        ...nextCursorOutput,
        changes_cursor: z.string(),
      };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table, session }) {
      const page = table.tasks.page({
        status: args.status,
        assignee: args.assignee,
        reviewer: args.reviewer,
        parentId: args.parent_id,
        mineFirst: args.mine_first ? session.actor(undefined, "agent_name").name : undefined,
        since: args.since,
      }, args);
      return {
        ...pageResult("tasks", {
          ...page,
          items: page.items.map((task) => taskSummarySchema().parse(task)),
        }),
        changes_cursor: page.changes_cursor,
      };
    },
  }));

  tools.push(tool({
    name: "next_task",
    title: "What should I do next?",
    description: "The pending task to take next: yours first, then your role's type, priority, " +
      "age; skips tasks whose paths others lease. None: why, in one line.",
    get input() {
      return {
        claim: boolField("claim").optional().describe(
          "Also claim it, its paths leased",
        ),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return {
        task: taskWorkSchema().nullable(),
        claimed: z.boolean(),
        leases: z.array(leaseRefSchema()).optional(),
        why: z.string().optional(),
      };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const { task, leases, ...rest } = table.taskLeases.next({
        by: session.actor(args.agent_name, "agent_name"),
        claim: args.claim === true,
      });
      return {
        ...rest,
        task: task === null ? null : workView(task),
        ...(leases === undefined ? {} : { leases: leases.map(leaseRef) }),
      };
    },
  }));

  tools.push(tool({
    name: "claim_task",
    title: "Claim a task",
    description: "Claim a pending task: in_progress, yours, its paths (and any you add) leased " +
      "exclusively; all or nothing. Refused if taken, blocked, with open subtasks, or assigned " +
      "to another (unless claim_assigned). On a task awaiting_review: claims its review (not " +
      "of your own work).",
    get input() {
      return {
        task_id: idField("task_id"),
        paths: leasePathsField("paths").optional(),
        ttl: leaseTtlField(settings),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { task: taskWorkSchema(), leases: z.array(leaseRefSchema()) };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const { task, leases } = table.taskLeases.claim({
        taskId: args.task_id,
        by: session.actor(args.agent_name, "agent_name"),
        paths: args.paths,
        ttl: args.ttl,
      });
      return { task: workView(task), leases: leases.map(leaseRef) };
    },
  }));

  tools.push(tool({
    name: "update_task",
    title: "Update a task",
    description: "Change a task (only what changes): its creator, assignee, reviewer or " +
      "update_any_task. awaiting_review hands it over, ending its leases. Verdict on it (its " +
      "reviewer, else anyone but its assignee): done, or in_progress to send it back with " +
      "result as the note.",
    get input() {
      return {
        task_id: idField("task_id"),
        status: enumField("status", TASK_STATUSES).optional(),
        reviewer: agentNameField("reviewer").optional(),
        parent_id: idField("parent_id").optional().describe("New parent"),
        add_blocked_by: _ids("add_blocked_by").optional().describe("Tasks it must wait for"),
        remove_blocked_by: _ids("remove_blocked_by").optional(),
        result: textField("result", 0, LIMITS.resultMax).optional().describe("What came of it"),
        take_next: boolField("take_next").optional().describe("Then claim your next (next_task)"),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return {
        task: taskChangeSchema(),
        next: z.string().optional(),
        taken: z.object({ task: taskWorkSchema(), leases: z.array(leaseRefSchema()) }).optional(),
      };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const before = table.tasks.get(args.task_id);
      const by = session.actor(args.agent_name, "agent_name");
      const task = table.tasks.update({
        taskId: args.task_id,
        status: args.status,
        result: args.result,
        reviewer: args.reviewer,
        parentId: args.parent_id,
        addBlockedBy: args.add_blocked_by,
        removeBlockedBy: args.remove_blocked_by,
        by,
      });
      const change = changeView(before, task);
      if (args.take_next === true) {
        const taken = table.taskLeases.takeNext(by);
        if (taken.task === undefined) return { task: change, next: taken.why };
        const leases = taken.leases.map(leaseRef);
        return { task: change, taken: { task: workView(taken.task), leases } };
      }
      const next = table.taskLeases.nextAfter({ by, before, after: task });
      return { task: change, ...(next === undefined ? {} : { next }) };
    },
  }));

  tools.push(tool({
    name: "reassign_task",
    title: "Hand a task over",
    description: "Hand a task to another agent, status unchanged (its creator, assignee or " +
      "update_any_task); both are told.",
    get input() {
      return {
        task_id: idField("task_id"),
        new_assignee: agentNameField("new_assignee"),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { task: taskChangeSchema() };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const before = table.tasks.get(args.task_id);
      const task = table.tasks.reassign({
        taskId: args.task_id,
        newAssignee: args.new_assignee,
        by: session.actor(args.agent_name, "agent_name"),
      });
      return { task: changeView(before, task) };
    },
  }));

  tools.push(tool({
    name: "task_comment",
    title: "Comment on a task",
    description:
      "Comment on a task; its creator, assignee and reviewer are told. blocker: moves it to " +
      "blocked; resolution: back to in_progress (these two: those three or update_any_task).",
    get input() {
      return {
        task_id: idField("task_id"),
        content: textField("content", 1, LIMITS.contentMax),
        type: enumField("type", WRITABLE_COMMENT_TYPES).optional().describe("Default comment"),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { comment_id: z.number().int(), task: taskChangeSchema() };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const before = table.tasks.get(args.task_id);
      const { comment, task } = table.tasks.comment({
        taskId: args.task_id,
        content: args.content,
        type: args.type,
        by: session.actor(args.agent_name, "agent_name"),
      });
      return { comment_id: comment.id, task: changeView(before, task) };
    },
  }));

  tools.push(tool({
    name: "get_task_detail",
    title: "A task's whole story",
    description:
      "One task in full: a page of subtasks, blockers, and its feed (comments, status changes, " +
      "your linked messages) oldest first; next_cursor for older.",
    get input() {
      return {
        task_id: idField("task_id"),
        ...pageInput(LIMITS.pages.feed),
        subtasks_limit: limitField("subtasks_limit", LIMITS.pages.subtasks.max).optional()
          .describe(`Default ${LIMITS.pages.subtasks.default}`),
        subtasks_cursor: textField("subtasks_cursor", 1, LIMITS.cursorMax).optional(),
      };
    },
    get output() {
      return {
        task: taskSchema(),
        subtasks: z.array(taskRefSchema()),
        subtasks_next_cursor: z.string().optional(),
        blockers: z.array(taskRefSchema()),
        entries: z.array(feedEntrySchema()),
        comment_count: z.number().int(),
        message_count: z.number().int(),
        feed: z.string(),
        ...nextCursorOutput,
      };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table, session }) {
      const viewer = session.agent === undefined ? null : agentActor(session.agent);
      return table.tasks.detail(
        args.task_id,
        { limit: args.limit, cursor: args.cursor },
        viewer,
        { limit: args.subtasks_limit, cursor: args.subtasks_cursor },
      );
    },
    // The feed has every entry whole, one line each: the text leaves the entries out.
    text: ({ entries: _entries, ...rest }) => rest,
  }));
  return tools;
}
