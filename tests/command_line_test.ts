/**
 * The command line as data: each command a spec (commands.ts lists them), parsed by node:util's
 * parseArgs into the typed flags and words its `run` gets; help written from the same specs.
 * In process; tests/cli_test.ts and the *_cli tests run the real program.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../src/config.ts";
import {
  findPath,
  type Invocation,
  knownWords,
  leavesOf,
  parseCommandLine,
  type Registry,
} from "../src/cli/command_line.ts";
import {
  type Command,
  defineCommand,
  defineGroup,
  defineOwnArgs,
  flagName,
  type FlagSpec,
} from "../src/cli/command_spec.ts";
import { COMMANDS } from "../src/cli/commands.ts";
import { helpText } from "../src/cli/help_command.ts";

const parse = (...args: string[]) => parseCommandLine(args, COMMANDS);

async function refused(args: string[], message: string, registry = COMMANDS): Promise<void> {
  await assert.rejects(() => parseCommandLine(args, registry), (error) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.message, message);
    return true;
  });
}

function ran(invocation: Invocation): { path: string; flags: Record<string, readonly string[]> } {
  assert.equal(invocation.kind, "run");
  if (invocation.kind !== "run") throw new Error("not run");
  return {
    path: invocation.path.map((c) => c.name).join(" "),
    flags: Object.fromEntries(invocation.input.flags),
  };
}

async function allCommands(): Promise<Command[]> {
  return [COMMANDS.default, ...await Promise.all(COMMANDS.commands.map((c) => c.load()))];
}

Deno.test("every listed command loads the spec of its name; an option means one thing everywhere", async () => {
  for (const entry of COMMANDS.commands) assert.equal((await entry.load()).name, entry.name);
  const byName = new Map<string, FlagSpec["type"]>();
  const walk = (command: Command, where: string): void => {
    if (command.kind === "group") {
      assert.ok(command.subcommands.length > 0, `${where} has subcommands`);
      if (command.default !== undefined) {
        assert.ok(command.subcommands.some((c) => c.name === command.default), where);
      }
      for (const sub of command.subcommands) walk(sub, `${where} ${sub.name}`);
      return;
    }
    assert.ok(command.summary.length > 0, `${where} says what it is for`);
    if (command.kind !== "leaf") return;
    for (const [key, flag] of Object.entries(command.flags)) {
      const name = flagName(key, flag);
      assert.ok(flag.help.length > 0, `${where} ${name} is explained`);
      assert.equal(byName.get(name) ?? flag.type, flag.type, `${name} takes a value or not`);
      byName.set(name, flag.type);
    }
    for (const word of command.words) {
      assert.match(word, /^(\[[A-Z]+\.\.\.\]|[A-Z]+(\.\.\.)?)$/, `${where}: word ${word}`);
    }
  };
  for (const command of await allCommands()) walk(command, command.name);
});

Deno.test("a spec's run gets its flags and words typed, global options before or after it", async () => {
  const seen: unknown[] = [];
  const probe = defineCommand({
    name: "probe",
    summary: "records what it gets",
    flags: {
      count: { type: "string", value: "N", help: "a value" },
      loud: { type: "boolean", help: "a switch" },
      quiet: { type: "boolean", help: "a switch not given" },
      tag: { type: "string", value: "T", multiple: true, help: "given again and again" },
      taskId: { type: "string", name: "task", value: "ID", help: "named unlike its key" },
    },
    words: ["ID", "[REST...]"],
    run: ({ flags, words }) => {
      // The types follow the spec: the compiler refuses `const n: number = flags.count`.
      const count: string | undefined = flags.count;
      const loud: boolean = flags.loud;
      const tags: string[] = flags.tag;
      const id: string = words.ID;
      const rest: string[] = words.REST;
      seen.push({
        count,
        loud,
        quiet: flags.quiet,
        tags,
        task: flags.taskId,
        db: flags.db,
        id,
        rest,
      });
      return 0;
    },
  });
  const registry: Registry = {
    default: COMMANDS.default,
    commands: [{ name: "probe", load: () => Promise.resolve(probe) }],
  };
  const args = ["--db", "x.db", "probe", "7", "a", "--loud", "--tag", "t1", "--tag=t2"];
  const invocation = await parseCommandLine(
    [...args, "--task", "-5", "--count", "1", "--count", "2", "--", "--b"],
    registry,
  );
  assert.equal(invocation.kind, "run");
  if (invocation.kind === "run") await invocation.command.run(invocation.input);
  assert.deepEqual(seen, [{
    count: "2",
    loud: true,
    quiet: false,
    tags: ["t1", "t2"],
    task: "-5",
    db: "x.db",
    id: "7",
    rest: ["a", "--b"],
  }]);
});

Deno.test("the command word comes after options of the command or of the stdio server", async () => {
  assert.deepEqual(ran(await parse("--port", "1", "serve")), {
    path: "serve",
    flags: { port: ["1"] },
  });
  // An agent may be named like a command: --agent takes it as its value.
  assert.deepEqual(ran(await parse("--agent", "serve")), { path: "", flags: { agent: ["serve"] } });
  assert.deepEqual(ran(await parse("task", "list", "--db=t.db", "--status", "done")), {
    path: "task list",
    flags: { db: ["t.db"], status: ["done"] },
  });
  assert.deepEqual(ran(await parse("members")), { path: "members list", flags: {} });
  assert.deepEqual(ran(await parse("serve", "--allow-origin", "a", "--allow-origin", "b")), {
    path: "serve",
    flags: { allowOrigins: ["a", "b"] },
  });
});

Deno.test("bad command lines: one message naming the word and what was expected", async () => {
  await refused(["--bogus"], "unknown option '--bogus' (see team-table --help)");
  await refused(["status", "-x"], "unknown option '-x' (see team-table status --help)");
  await refused(["foo"], "unknown argument 'foo' (see team-table --help)");
  await refused(["--port", "1", "status"], "--port is not an option of 'status'");
  await refused(["--port", "1"], "--port is not an option of the stdio server");
  await refused(
    ["task", "create", "x", "--status", "done"],
    "--status is not an option of 'task create'",
  );
  await refused(["status", "--since"], "--since needs a value");
  await refused(["status", "--since="], "--since needs a value");
  await refused(["doctor", "--json=yes"], "--json takes no value");
  await refused(["send", "bob"], "usage: team-table send TO TEXT [--task ID] [--operator NAME]");
  await refused(
    ["poll", "a", "b"],
    "usage: team-table poll AGENT [--interval SECONDS] [--once] [--json] [--exec COMMAND] " +
      "[--auto-reply] [--max-replies N]",
  );
  await refused(["lease", "release", "3"], "lease release needs --reason TEXT");
  await refused(
    ["lease", "release", "--reason", "r"],
    "usage: team-table lease release ID... --reason TEXT [--operator NAME]",
  );
  await refused(
    ["task", "frobnicate"],
    "usage: team-table task create TITLE | assign ID AGENT | update ID | close ID | list | " +
      "show ID (more: team-table help task)",
  );
  await refused(
    ["help", "nosuch"],
    `there is no command 'nosuch'; commands: ${COMMANDS.commands.map((c) => c.name).join(", ")}`,
  );
  await refused(["help", "task", "nosuch"], "there is no command 'task nosuch'");
});

Deno.test("help: the overview names every command and option; help CMD is CMD --help", async () => {
  const overview = await helpText([], COMMANDS);
  const { commands, flags } = await knownWords(COMMANDS);
  for (const word of commands) assert.ok(overview.includes(`team-table ${word}`), word);
  for (const flag of flags) assert.ok(overview.includes(flag), `the overview names ${flag}`);
  for (const variable of ["TEAM_TABLE_DB", "TEAM_TABLE_LOG_LEVEL", "TEAM_TABLE_TICK"]) {
    assert.ok(overview.includes(variable), variable);
  }
  assert.ok(overview.split("\n").every((line) => line.length <= 100), "fits 100 columns");
  assert.deepEqual(await parse("--help"), { kind: "help", path: [] });
  assert.deepEqual(await parse("-h", "--db", "x"), { kind: "help", path: [] });

  for (const command of await allCommands()) {
    if (command === COMMANDS.default) continue;
    // The command itself, and each of its subcommands.
    const asked = [{ words: [command.name], command }, ...leavesOf(command)];
    for (const { words, command: shown } of asked) {
      const path = await findPath(words, COMMANDS);
      assert.deepEqual(await parse("help", ...words), { kind: "help", path });
      assert.deepEqual(await parse(...words, "--help"), { kind: "help", path });
      const text = await helpText(path, COMMANDS);
      assert.ok(text.startsWith(`team-table ${words.join(" ")}: `), text);
      if (shown.kind !== "leaf") continue;
      for (const [key, flag] of Object.entries(shown.flags)) {
        assert.ok(text.includes(`  ${flagName(key, flag)}`), `${words.join(" ")}: ${key}`);
        assert.ok(text.includes(flag.help.split(" ").slice(0, 3).join(" ")), flag.help);
      }
    }
  }
  const version = await parse("status", "--version");
  assert.ok(version.kind === "run" && version.command.name === "version");
});

Deno.test("a command that parses its own arguments gets every word but its name", async () => {
  const own = defineOwnArgs({
    name: "setup",
    summary: "sets things up",
    usage: ["setup [--client NAME]", "setup status"],
    run: () => 0,
  });
  const group = defineGroup({ name: "g", summary: "a group", subcommands: [own] });
  const registry: Registry = {
    default: COMMANDS.default,
    commands: [{ name: "setup", load: () => Promise.resolve(own) }, {
      name: "g",
      load: () => Promise.resolve(group),
    }],
  };
  const invocation = await parseCommandLine(
    ["--db", "x", "setup", "--client", "claude", "status", "--", "-h"],
    registry,
  );
  assert.ok(invocation.kind === "own" && invocation.command === own);
  assert.deepEqual(invocation.args, ["--db", "x", "--client", "claude", "status", "--", "-h"]);
  assert.deepEqual(await parseCommandLine(["setup", "-h"], registry), {
    kind: "help",
    path: [own],
  });
  const help = await helpText([own], registry);
  assert.match(
    help,
    /^team-table setup: sets things up\n\nUsage:\n {2}team-table setup \[--client NAME\]\n {2}team-table setup status\n/,
  );
  assert.match(await helpText([], registry), /team-table setup status\n {6}sets things up/);
});
