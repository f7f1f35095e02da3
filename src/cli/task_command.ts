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
import type { ParsedArgs } from "./parse_args.ts";
import { usageError, wholeNumber, withTable, words } from "./table_command.ts";

const _USAGE = "task create TITLE [--assignee A] [--priority P] [--description D] | " +
  "assign ID AGENT | update ID [--status S] [--result R] | close ID [--result R] | " +
  "list [--status S] [--assignee A] | show ID";

const _FLAGS_OF: Record<string, readonly (keyof ParsedArgs)[]> = {
  create: ["assignee", "priority", "description"],
  assign: [],
  update: ["status", "result"],
  close: ["result"],
  list: ["status", "assignee"],
  show: [],
};

/** Runs one task subcommand. */
export function taskCommand(parsed: ParsedArgs): Promise<number> {
  const sub = parsed.positionals?.[0];
  const allowed = sub === undefined ? undefined : _FLAGS_OF[sub];
  if (sub === undefined || allowed === undefined) throw usageError(_USAGE);
  for (const flag of ["assignee", "priority", "description", "status", "result"] as const) {
    if (parsed[flag] !== undefined && !allowed.includes(flag)) {
      throw new ConfigError(`--${flag} is not an option of 'task ${sub}'`);
    }
  }
  switch (sub) {
    case "create":
      return _create(parsed);
    case "assign":
      return _assign(parsed);
    case "update":
    case "close":
      return _update(parsed, sub);
    case "list":
      return _list(parsed);
    default:
      return _show(parsed);
  }
}

function _create(parsed: ParsedArgs): Promise<number> {
  const [title = ""] = words(parsed, 1, 1, "task create TITLE [--assignee A] [--priority P]");
  const input = {
    title: checkTitle(title, "TITLE"),
    assignee: parsed.assignee === undefined
      ? undefined
      : checkAgentName(parsed.assignee, "--assignee"),
    priority: parsed.priority === undefined ? undefined : _priority(parsed.priority),
    description: parsed.description === undefined
      ? undefined
      : checkDescription(parsed.description, "--description"),
  };
  return withTable(parsed, { mustExist: false }, ({ table, human }) => {
    const task = table.tasks.create({ by: human, ...input });
    console.log(`created ${_line(task)}`);
    return 0;
  });
}

function _assign(parsed: ParsedArgs): Promise<number> {
  const [id = "", agent = ""] = words(parsed, 1, 2, "task assign ID AGENT");
  const taskId = wholeNumber(id, "ID");
  const newAssignee = checkAgentName(agent, "AGENT");
  return withTable(parsed, { mustExist: true }, ({ table, human }) => {
    const task = table.tasks.reassign({ taskId, by: human, newAssignee });
    console.log(`assigned ${_line(task)}`);
    return 0;
  });
}

function _update(parsed: ParsedArgs, sub: "update" | "close"): Promise<number> {
  const [id = ""] = words(
    parsed,
    1,
    1,
    sub === "close" ? "task close ID [--result R]" : "task update ID [--status S] [--result R]",
  );
  const taskId = wholeNumber(id, "ID");
  const status = sub === "close"
    ? "done"
    : parsed.status === undefined
    ? undefined
    : _status(parsed.status);
  const result = parsed.result === undefined ? undefined : checkResult(parsed.result, "--result");
  if (status === undefined && result === undefined) {
    throw new ConfigError("task update needs --status or --result (or both)");
  }
  return withTable(parsed, { mustExist: true }, ({ table, human }) => {
    const task = table.tasks.update({ taskId, by: human, status, result });
    console.log(`updated ${_line(task)}`);
    return 0;
  });
}

function _list(parsed: ParsedArgs): Promise<number> {
  words(parsed, 1, 0, "task list [--status S] [--assignee A]");
  const status = parsed.status === undefined ? undefined : _status(parsed.status);
  const assignee = parsed.assignee === undefined
    ? undefined
    : checkAgentName(parsed.assignee, "--assignee");
  return withTable(parsed, { mustExist: true }, ({ table }) => {
    const tasks = table.tasks.list({ status, assignee });
    if (tasks.length === 0) console.log("no tasks");
    for (const task of tasks) console.log(_line(task));
    return 0;
  });
}

function _show(parsed: ParsedArgs): Promise<number> {
  const [id = ""] = words(parsed, 1, 1, "task show ID");
  const taskId = wholeNumber(id, "ID");
  return withTable(parsed, { mustExist: true }, ({ table }) => {
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
