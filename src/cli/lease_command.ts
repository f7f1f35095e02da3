/**
 * `team-table lease check | hook install | list | release`: file leases where the edit
 * happens. `check` exits 0 when the agent may edit every path and 2, with one line per path,
 * when another agent holds an exclusive lease on it; `--hook` reads the path from a Claude
 * Code PreToolUse hook's JSON on stdin, `--staged` takes the files a commit stages (the git
 * pre-commit hook that `hook install` writes).
 */
import { ConfigError, readEnv, resolveConfig } from "../config.ts";
import { describeConflict, describeLease } from "../core/leases/lease.ts";
import { defineCommand, defineGroup, type FlagSpecs, type ParsedFlags } from "./command_spec.ts";
import { OPERATOR_FLAG } from "./shared_flags.ts";
import { editedPaths, installPreCommit, repositoryRoot, stagedFiles } from "./lease_git.ts";
import { stableCommand } from "./setup/team_table_command.ts";
import { usageError, wholeNumber, withTable } from "./table_command.ts";

const _WHO_WHERE = {
  agent: {
    type: "string",
    value: "NAME",
    help: "the agent editing (env TEAM_TABLE_AGENT); its own leases never stop it",
  },
  root: {
    type: "string",
    value: "DIR",
    help: "the repository's root (default: git's, from the working directory)",
  },
} as const satisfies FlagSpecs;

const _CHECK_FLAGS = {
  ..._WHO_WHERE,
  hook: {
    type: "boolean",
    help: "read the path from a Claude Code PreToolUse hook's JSON on stdin",
  },
  staged: { type: "boolean", help: "check the files git has staged for commit" },
  ...OPERATOR_FLAG,
} as const satisfies FlagSpecs;

/** The lease subcommands. */
export const leaseCommand = defineGroup({
  name: "lease",
  summary: "file leases where the edit happens: check a path, a git pre-commit hook, list, " +
    "force-release as operator",
  subcommands: [
    defineCommand({
      name: "check",
      summary: "exit 2, naming the holder, when another agent leased a path exclusively",
      flags: _CHECK_FLAGS,
      words: ["[PATH...]"],
      run: ({ flags, words }) => _check(flags, words.PATH),
    }),
    defineGroup({
      name: "hook",
      summary: "the git pre-commit hook",
      subcommands: [
        defineCommand({
          name: "install",
          summary: "a pre-commit hook refusing commits of files another agent leased",
          flags: { ..._WHO_WHERE, ...OPERATOR_FLAG },
          words: [],
          run: ({ flags }) => _install(flags),
        }),
      ],
    }),
    defineCommand({
      name: "list",
      summary: "every lease, and who waits for one",
      flags: OPERATOR_FLAG,
      words: [],
      run: ({ flags }) => _list(flags),
    }),
    defineCommand({
      name: "release",
      summary: "end leases by id, as the operator, saying why",
      flags: {
        reason: { type: "string", value: "TEXT", required: true, help: "why (the holder is told)" },
        ...OPERATOR_FLAG,
      },
      words: ["ID..."],
      run: ({ flags, words }) => _release(flags, words.ID, flags.reason),
    }),
  ],
});

async function _check(flags: ParsedFlags<typeof _CHECK_FLAGS>, words: string[]): Promise<number> {
  const modes = [flags.hook, flags.staged, words.length > 0];
  if (modes.filter(Boolean).length !== 1) {
    throw usageError("lease check [--agent NAME] [--root DIR] (--hook | --staged | PATH...)");
  }
  let cwd = Deno.cwd();
  let paths = words;
  if (flags.hook) {
    // Exit 2 is the only answer that stops Claude Code's edit: a hook that cannot read its
    // input says so and exits 1, which lets the edit through with the message shown.
    let input;
    try {
      input = _hookInput(await new Response(Deno.stdin.readable).text());
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`team-table: ${error.message}; the edit is not checked.`);
      return 1;
    }
    cwd = input.cwd ?? cwd;
    paths = input.paths;
    if (paths.length === 0) return 0;
  }
  let files: string[];
  if (flags.staged) {
    files = await stagedFiles(await repositoryRoot(flags.root, cwd));
  } else {
    files = [];
    for (const path of paths) {
      // Outside any repository no lease can cover the file: nothing to stop.
      files.push(...(await editedPaths(path, cwd, flags.root))?.paths ?? []);
    }
  }
  if (files.length === 0) return 0;
  const agent = resolveConfig(flags, readEnv()).agent ?? null;
  return withTable(flags, { mustExist: true }, ({ table }) => {
    const blocked = table.leases.check({ agent, files }).flatMap((c) =>
      c.blockedBy ? [describeConflict({ path: c.file, lease: c.blockedBy })] : []
    );
    for (const line of blocked) {
      console.error(`team-table: ${line}. Edit something else, or ask them to release it.`);
    }
    return blocked.length > 0 ? 2 : 0;
  });
}

/** The paths a PreToolUse hook is about: tool_input.file_path or notebook_path, and its cwd. */
function _hookInput(text: string): { paths: string[]; cwd: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError("--hook: stdin is not JSON (a PreToolUse hook's input is)");
  }
  const field = (object: unknown, key: string): unknown =>
    typeof object === "object" && object !== null && !Array.isArray(object)
      ? Object.entries(object).find(([k]) => k === key)?.[1]
      : undefined;
  const toolInput = field(value, "tool_input");
  const paths = ["file_path", "notebook_path", "path"].flatMap((key) => {
    const path = field(toolInput, key);
    return typeof path === "string" && path !== "" ? [path] : [];
  });
  const cwd = field(value, "cwd");
  return { paths: [...new Set(paths)], cwd: typeof cwd === "string" ? cwd : undefined };
}

async function _install(flags: ParsedFlags<typeof _WHO_WHERE>): Promise<number> {
  const env = readEnv();
  const config = resolveConfig(flags, env);
  const root = await repositoryRoot(flags.root, Deno.cwd());
  // The installed command (not Deno's path and this checkout's main.ts, which move), and no
  // --root unless given: git runs the hook at the top of the repository, wherever it moved.
  const command = [
    await stableCommand(env["HOME"] ?? env["USERPROFILE"]),
    "lease",
    "check",
    "--staged",
    "--db",
    config.dbPath,
    ...(flags.root === undefined ? [] : ["--root", root]),
    ...(config.agent === undefined ? [] : ["--agent", config.agent]),
  ];
  const path = await installPreCommit(root, command);
  console.log(
    `installed ${path}: commits touching files another agent leased exclusively ` +
      "are refused (bypass: git commit --no-verify)",
  );
  return 0;
}

function _list(flags: ParsedFlags<typeof OPERATOR_FLAG>): Promise<number> {
  return withTable(flags, { mustExist: true }, ({ table }) => {
    const leases = table.leases.list();
    if (leases.length === 0) console.log("no file is leased");
    for (const lease of leases) console.log(describeLease(lease));
    for (const w of table.leases.waiters()) {
      console.log(`${w.agent} waits for ${w.paths.join(", ")} (until ${w.until})`);
    }
    return 0;
  });
}

function _release(
  flags: ParsedFlags<typeof OPERATOR_FLAG>,
  words: string[],
  reason: string,
): Promise<number> {
  const ids = words.map((w) => wholeNumber(w, "ID"));
  return withTable(flags, { mustExist: true }, ({ table, human }) => {
    const released = table.leases.release({ by: human, ids, reason });
    for (const lease of released) console.log(`released ${describeLease(lease)}`);
    return 0;
  });
}
