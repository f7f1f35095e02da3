/**
 * `team-table task ...`: the board from a terminal, acting as `human:OPERATOR`. create, assign,
 * update, close, list and show go through the task store like any agent's call (permissions,
 * one transaction, audit, feed, push).
 */
import { LIMITS } from "../core/limits.ts";
import { ConfigError } from "../config.ts";
import { checkAgentName } from "../core/input_rules/agent_names.ts";
import { checkDescription, checkResult, checkTitle } from "../core/input_rules/text_rules.ts";
import {
  type Task,
  TASK_PRIORITIES,
  TASK_STATUSES,
  type TaskPriority,
  type TaskStatus,
} from "../core/tasks/task_model.ts";
import { defineCommand, defineGroup, type FlagSpecs, type ParsedFlags } from "./command_spec.ts";
import { OPERATOR_FLAG } from "./shared_flags.ts";
import { wholeNumber, withTable } from "./table_command.ts";

const _STATUS = {
  status: { type: "string", value: "S", help: `one of ${TASK_STATUSES.join(", ")}` },
} as const satisfies FlagSpecs;
const _RESULT = {
  result: { type: "string", value: "R", help: "what came of it" },
} as const satisfies FlagSpecs;
const _ASSIGNEE = {
  assignee: { type: "string", value: "A", help: "the agent it is for" },
} as const satisfies FlagSpecs;

/** The board's subcommands, each through the task store like any agent's call. */
export const taskCommand = defineGroup({
  name: "task",
  summary: "the task board, as human:OPERATOR",
  subcommands: [
    defineCommand({
      name: "create",
      summary: "a new task",
      flags: {
        ..._ASSIGNEE,
        priority: {
          type: "string",
          value: "P",
          help: `one of ${TASK_PRIORITIES.join(", ")} (default medium)`,
        },
        description: { type: "string", value: "D", help: "what is to be done" },
        ...OPERATOR_FLAG,
      },
      words: ["TITLE"],
      run: ({ flags, words }) => {
        const input = {
          title: checkTitle(words.TITLE, "TITLE"),
          assignee: flags.assignee === undefined
            ? undefined
            : checkAgentName(flags.assignee, "--assignee"),
          priority: flags.priority === undefined ? undefined : _priority(flags.priority),
          description: flags.description === undefined
            ? undefined
            : checkDescription(flags.description, "--description"),
        };
        return withTable(flags, { mustExist: false }, ({ table, human }) => {
          const task = table.tasks.create({ by: human, ...input });
          console.log(`created ${_line(task)}`);
          return 0;
        });
      },
    }),
    defineCommand({
      name: "assign",
      summary: "give task ID to AGENT",
      flags: OPERATOR_FLAG,
      words: ["ID", "AGENT"],
      run: ({ flags, words }) => {
        const taskId = wholeNumber(words.ID, "ID");
        const newAssignee = checkAgentName(words.AGENT, "AGENT");
        return withTable(flags, { mustExist: true }, ({ table, human }) => {
          const task = table.tasks.reassign({ taskId, by: human, newAssignee });
          console.log(`assigned ${_line(task)}`);
          return 0;
        });
      },
    }),
    defineCommand({
      name: "update",
      summary: "change task ID's status or result",
      flags: { ..._STATUS, ..._RESULT, ...OPERATOR_FLAG },
      words: ["ID"],
      run: ({ flags, words }) =>
        _update(flags, words.ID, flags.status === undefined ? undefined : _status(flags.status)),
    }),
    defineCommand({
      name: "close",
      summary: "mark task ID done",
      flags: { ..._RESULT, ...OPERATOR_FLAG },
      words: ["ID"],
      run: ({ flags, words }) => _update(flags, words.ID, "done"),
    }),
    defineCommand({
      name: "list",
      summary: "the board, or part of it",
      flags: { ..._STATUS, ..._ASSIGNEE, ...OPERATOR_FLAG },
      words: [],
      run: ({ flags }) => {
        const status = flags.status === undefined ? undefined : _status(flags.status);
        const assignee = flags.assignee === undefined
          ? undefined
          : checkAgentName(flags.assignee, "--assignee");
        return withTable(flags, { mustExist: true }, ({ table }) => {
          const tasks = table.tasks.list({ status, assignee });
          if (tasks.length === 0) console.log("no tasks");
          for (const task of tasks) console.log(_line(task));
          return 0;
        });
      },
    }),
    defineCommand({
      name: "show",
      summary: "task ID with its description, result and feed",
      flags: OPERATOR_FLAG,
      words: ["ID"],
      run: ({ flags, words }) => {
        const taskId = wholeNumber(words.ID, "ID");
        return withTable(flags, { mustExist: true }, ({ table }) => {
          const detail = table.tasks.detail(taskId, { limit: LIMITS.pages.feed.max });
          const task = detail.task;
          console.log(_line(task));
          if (task.description) console.log(`  ${task.description}`);
          if (task.result !== null) console.log(`  result: ${task.result}`);
          if (detail.next_cursor !== undefined) {
            console.log(`  (older entries left out: the newest ${LIMITS.pages.feed.max} follow)`);
          }
          if (detail.feed) console.log(detail.feed);
          return 0;
        });
      },
    }),
  ],
});

function _update(
  flags: ParsedFlags<typeof _RESULT & typeof OPERATOR_FLAG>,
  id: string,
  status: TaskStatus | undefined,
): Promise<number> {
  const taskId = wholeNumber(id, "ID");
  const result = flags.result === undefined ? undefined : checkResult(flags.result, "--result");
  if (status === undefined && result === undefined) {
    throw new ConfigError("task update needs --status or --result (or both)");
  }
  return withTable(flags, { mustExist: true }, ({ table, human }) => {
    const task = table.tasks.update({ taskId, by: human, status, result });
    console.log(`updated ${_line(task)}`);
    return 0;
  });
}

/** `#3 [in_progress, high] Fix the login (bob)`. */
function _line(task: Task): string {
  return `#${task.id} [${task.status}, ${task.priority}] ${task.title} (${
    task.assignee ?? "unassigned"
  })`;
}

function _status(text: string): TaskStatus {
  const status = TASK_STATUSES.find((s) => s === text);
  if (status === undefined) {
    throw new ConfigError(`--status must be one of ${TASK_STATUSES.join(", ")} (got '${text}')`);
  }
  return status;
}

function _priority(text: string): TaskPriority {
  const priority = TASK_PRIORITIES.find((p) => p === text);
  if (priority === undefined) {
    throw new ConfigError(
      `--priority must be one of ${TASK_PRIORITIES.join(", ")} (got '${text}')`,
    );
  }
  return priority;
}
