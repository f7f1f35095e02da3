/**
 * `team-table help [COMMAND...]`, `--help`, `COMMAND --help`: written from the command specs.
 * The overview shows every command's usage and what it is for; a command's help adds what each
 * of its options means.
 */
import { leavesOf, type Registry, treeFlags, usageParts } from "./command_line.ts";
import { type Command, flagName, type FlagSpecs, GLOBAL_FLAGS } from "./command_spec.ts";

const _WIDTH = 100;
/** Where an option's explanation starts. */
const _HELP_COLUMN = 23;

const _TITLE = "team-table — the coordination table for teams of AI agents (MCP server)";
const _ENV_ONLY = [
  "  TEAM_TABLE_TICK      seconds between runs of time-based rules (agent.idle) and the",
  "                       expired-context sweep (default 15)",
];
const _FOOTER = "Logs go to stderr; in stdio mode stdout carries only MCP JSON-RPC.";

/** The help for a command path (outermost first), or the overview for none. */
export function helpText(path: readonly Command[], registry: Registry): Promise<string> {
  const command = path.at(-1);
  if (command === undefined) return _overview(registry);
  const names = path.map((c) => c.name);
  const lines = [..._wrap(`team-table ${names.join(" ")}: ${command.summary}`, ""), "", "Usage:"];
  for (const leaf of leavesOf(command, names.slice(0, -1))) {
    lines.push(..._usage(leaf.command, leaf.words));
    if (leaf.command !== command) lines.push(..._wrap(leaf.command.summary, "      "));
  }
  if (command.details !== undefined) lines.push("", ..._wrap(command.details, ""));
  const flags = treeFlags(command);
  if (Object.keys(flags).length > 0) lines.push("", "Options:", ..._options(flags));
  lines.push(
    "",
    ..._wrap(
      `Options for every command: ${_flagList(GLOBAL_FLAGS)} (team-table --help says more).`,
      "",
    ),
  );
  return Promise.resolve(lines.join("\n"));
}

/** Prints the help of a command path to stdout. */
export async function printHelp(path: readonly Command[], registry: Registry): Promise<number> {
  console.log(await helpText(path, registry));
  return 0;
}

async function _overview(registry: Registry): Promise<string> {
  const lines = [_TITLE, "", "Usage:"];
  lines.push(..._usage(registry.default, []));
  lines.push(..._wrap(registry.default.summary, "      "));
  for (const entry of registry.commands) {
    const command = await entry.load();
    for (const leaf of leavesOf(command)) lines.push(..._usage(leaf.command, leaf.words));
    lines.push(..._wrap(command.summary, "      "));
  }
  lines.push("  team-table help [COMMAND...] | COMMAND --help | --help | -h");
  lines.push("      what a command does and what each of its options means");
  lines.push("", "Options for every command (before or after it):", ..._options(GLOBAL_FLAGS));
  lines.push(..._ENV_ONLY);
  lines.push("", "The stdio server (no command):", ..._options(registry.default.flags));
  lines.push("", _FOOTER);
  return lines.join("\n");
}

/** A leaf's usage, wrapped: `  team-table task create TITLE [--assignee A] ...`. */
function _usage(command: Command, words: readonly string[]): string[] {
  const lines = command.kind === "leaf"
    ? [usageParts(words, command)]
    : command.kind === "own"
    ? command.usage.map((line) => [line])
    : [];
  return lines.flatMap((parts) => _wrap(["team-table", ...parts], "  ", "        "));
}

function _flagList(flags: FlagSpecs): string {
  return Object.entries(flags).map(([key, flag]) =>
    flag.type === "boolean" ? flagName(key, flag) : `${flagName(key, flag)} ${flag.value}`
  ).join(", ");
}

/** `  --port PORT          port, 0 picks...`, the explanation wrapped at its column. */
function _options(flags: FlagSpecs): string[] {
  return Object.entries(flags).flatMap(([key, flag]) => {
    const name = flag.type === "boolean"
      ? flagName(key, flag)
      : `${flagName(key, flag)} ${flag.value}`;
    const indent = " ".repeat(_HELP_COLUMN);
    const head = `  ${name}`;
    if (head.length + 1 >= _HELP_COLUMN) return [head, ..._wrap(flag.help, indent)];
    const [first = "", ...rest] = _wrap(flag.help, indent);
    return [head.padEnd(_HELP_COLUMN) + first.slice(_HELP_COLUMN), ...rest];
  });
}

/**
 * Text broken at spaces (or between the given parts) to the width, each line with the indent
 * (later lines `next`).
 */
function _wrap(text: string | readonly string[], indent: string, next = indent): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of typeof text === "string" ? text.split(/\s+/) : text) {
    const start = line.trim() === "";
    if (!start && line.length + 1 + word.length > _WIDTH) {
      lines.push(line);
      line = next + word;
    } else {
      line = start ? line + word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines;
}
