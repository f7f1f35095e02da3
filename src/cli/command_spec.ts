/**
 * What a command is, as data: its name, flags, positional words, help and `run`. A command file
 * exports one spec made with `defineCommand` (flags and words parsed for it, typed from the
 * spec), `defineGroup` (subcommands, each a spec) or `defineOwnArgs` (it parses its own
 * arguments); `commands.ts` lists them. Parsing is `command_line.ts`, help `help_command.ts`.
 */

/** A flag that takes a value (`--db PATH`); `required` ones must be given. */
export interface ValueFlag {
  readonly type: "string";
  /** What the value is, for help: PATH, SECONDS, NAME. */
  readonly value: string;
  readonly help: string;
  /** The long name without dashes when it is not the key in kebab-case (`task` for taskId). */
  readonly name?: string;
  readonly required?: true;
  readonly multiple?: false;
}

/** A flag given any number of times (`--allow-origin A --allow-origin B`). */
export interface ListFlag {
  readonly type: "string";
  readonly value: string;
  readonly help: string;
  readonly name?: string;
  readonly multiple: true;
}

/** A flag that is there or not (`--json`). */
export interface SwitchFlag {
  readonly type: "boolean";
  readonly help: string;
  readonly name?: string;
  /** A one-letter form (`-h`). */
  readonly short?: string;
}

export type FlagSpec = ValueFlag | ListFlag | SwitchFlag;
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The value a flag gives its command: a switch is false when absent, a list empty. */
export type FlagValue<F extends FlagSpec> = F extends SwitchFlag ? boolean
  : F extends ListFlag ? string[]
  : F extends { required: true } ? string
  : string | undefined;

export type FlagValues<F extends FlagSpecs> = { -readonly [K in keyof F]: FlagValue<F[K]> };

/**
 * Positional words by name: `ID` is one word, `PATH...` one or more, `[PATH...]` any number.
 * A command's words are given to it by these names.
 */
type WordKey<N extends string> = N extends `[${infer K}...]` ? K
  : N extends `${infer K}...` ? K
  : N;
type WordValue<N extends string> = N extends `${string}...` | `${string}...]` ? string[] : string;
export type WordValues<P extends readonly string[]> = {
  -readonly [N in P[number] as WordKey<N>]: WordValue<N>;
};

/** The options of every command, before or after it. */
export const GLOBAL_FLAGS = {
  db: {
    type: "string",
    value: "PATH",
    help: "the SQLite database (env TEAM_TABLE_DB; default ~/.team-table/team_table.db)",
  },
  logLevel: {
    type: "string",
    value: "LEVEL",
    help: "debug, info, warn or error (env TEAM_TABLE_LOG_LEVEL; default info)",
  },
  rolesDir: {
    type: "string",
    value: "DIR",
    help: "role templates that replace or add to the shipped ones (env TEAM_TABLE_ROLES_DIR)",
  },
  rules: {
    type: "string",
    value: "FILE",
    help: "workflow rules that replace or add to the shipped defaults (env TEAM_TABLE_RULES)",
  },
} as const satisfies FlagSpecs;

/** Asking for help or the version works after any command, and is no flag of its own. */
export const HELP_FLAGS = {
  help: { type: "boolean", short: "h", help: "print the help (of the command before it)" },
  version: { type: "boolean", short: "V", help: "print the versions" },
} as const satisfies FlagSpecs;

export type GlobalValues = FlagValues<typeof GLOBAL_FLAGS>;

/** A command's flags as its `run` gets them: its own and the global ones. */
export type ParsedFlags<F extends FlagSpecs> = FlagValues<F> & GlobalValues;

/** What a parsed command's `run` gets. */
export interface CommandInput<F extends FlagSpecs, P extends readonly string[]> {
  flags: ParsedFlags<F>;
  words: WordValues<P>;
}

export type ExitCode = number | Promise<number>;

/** A command whose flags and words are parsed for it. */
export interface CommandSpec<F extends FlagSpecs, P extends readonly string[]> {
  readonly name: string;
  /** One line for the overview. */
  readonly summary: string;
  /** More for `help COMMAND`: what it does, what its exit codes mean. */
  readonly details?: string;
  readonly flags: F;
  readonly words: P;
  readonly run: (input: CommandInput<F, P>) => ExitCode;
}

/** Found on the command line, before it is typed for the command. */
export interface RawInput {
  /** Values by flag key: a switch [""] when given, a value flag the values given in order. */
  flags: ReadonlyMap<string, readonly string[]>;
  /** Words by name (a `...` word holds several). */
  words: ReadonlyMap<string, string | readonly string[]>;
}

export interface LeafCommand {
  readonly kind: "leaf";
  readonly name: string;
  readonly summary: string;
  readonly details: string | undefined;
  readonly flags: FlagSpecs;
  readonly words: readonly string[];
  readonly run: (input: RawInput) => ExitCode;
}

export interface GroupCommand {
  readonly kind: "group";
  readonly name: string;
  readonly summary: string;
  readonly details: string | undefined;
  readonly subcommands: readonly Command[];
  /** The subcommand run when none is named (`members` is `members list`). */
  readonly default: string | undefined;
}

/** A command that parses its own arguments (every word after its name, flags before it too). */
export interface OwnArgsCommand {
  readonly kind: "own";
  readonly name: string;
  readonly summary: string;
  readonly details: string | undefined;
  /** Its usage lines, after `team-table ` (`setup [--client NAME]`). */
  readonly usage: readonly string[];
  readonly run: (args: readonly string[]) => ExitCode;
}

export type Command = LeafCommand | GroupCommand | OwnArgsCommand;

/** A command parsed for it: `run` gets its flags and words typed from the spec. */
export function defineCommand<const F extends FlagSpecs, const P extends readonly string[]>(
  spec: CommandSpec<F, P>,
): LeafCommand {
  return {
    kind: "leaf",
    name: spec.name,
    summary: spec.summary,
    details: spec.details,
    flags: spec.flags,
    words: spec.words,
    run: (input) =>
      spec.run({
        flags: { ..._typedFlags(GLOBAL_FLAGS, input), ..._typedFlags(spec.flags, input) },
        words: _typedWords(spec.words, input),
      }),
  };
}

/** A command made of subcommands (`task create`, `task list`...). */
export function defineGroup(spec: {
  name: string;
  summary: string;
  details?: string;
  subcommands: readonly Command[];
  default?: string;
}): GroupCommand {
  return {
    kind: "group",
    name: spec.name,
    summary: spec.summary,
    details: spec.details,
    subcommands: spec.subcommands,
    default: spec.default,
  };
}

/** A command that parses its own arguments, e.g. with node:util's parseArgs. */
export function defineOwnArgs(spec: {
  name: string;
  summary: string;
  details?: string;
  usage: readonly string[];
  run: (args: readonly string[]) => ExitCode;
}): OwnArgsCommand {
  return {
    kind: "own",
    name: spec.name,
    summary: spec.summary,
    details: spec.details,
    usage: spec.usage,
    run: spec.run,
  };
}

/** `--max-sessions` for the key maxSessions, or the flag's own name. */
export function flagName(key: string, flag: FlagSpec): string {
  return `--${flag.name ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The name a positional word is given to the command by (`PATH` for `[PATH...]`). */
export function wordKey(word: string): string {
  return word.replace(/^\[/, "").replace(/\]$/, "").replace(/\.\.\.$/, "");
}

function _typedFlags<F extends FlagSpecs>(specs: F, input: RawInput): FlagValues<F> {
  const values: Record<string, string | string[] | boolean | undefined> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const given = input.flags.get(key) ?? [];
    values[key] = spec.type === "boolean"
      ? given.length > 0
      : spec.multiple
      ? [...given]
      : given.at(-1);
  }
  // Built key by key from the same specs as the type: the compiler cannot follow the loop.
  return values as FlagValues<F>;
}

function _typedWords<P extends readonly string[]>(words: P, input: RawInput): WordValues<P> {
  const values: Record<string, string | string[]> = {};
  for (const word of words) {
    const key = wordKey(word);
    const given = input.words.get(key);
    values[key] = Array.isArray(given) ? [...given] : typeof given === "string" ? given : "";
  }
  // As above: one entry per declared word, of the kind its name says.
  return values as WordValues<P>;
}
