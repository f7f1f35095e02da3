/**
 * The command line into a command to run, by the specs: node:util's parseArgs splits the words
 * (`--flag value`, `--flag=value`, `--` ends the options), this file checks them against the
 * command's spec. Mistakes are ConfigErrors (exit code 2) naming the word and what was expected.
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../config.ts";
import {
  type Command,
  flagName,
  type FlagSpecs,
  GLOBAL_FLAGS,
  type GroupCommand,
  HELP_FLAGS,
  type LeafCommand,
  type OwnArgsCommand,
  type RawInput,
  wordKey,
} from "./command_spec.ts";

/** A command the registry loads on demand, by name (its module loads only when it runs). */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Command>;
}

/** Every command: the one run without a command word, and the named ones. */
export interface Registry {
  readonly default: LeafCommand;
  readonly commands: readonly CommandEntry[];
}

/** What the command line asks for. `path` is the command and its subcommands, outermost first. */
export type Invocation =
  | { kind: "run"; path: readonly Command[]; command: LeafCommand; input: RawInput }
  | { kind: "own"; path: readonly Command[]; command: OwnArgsCommand; args: readonly string[] }
  | { kind: "help"; path: readonly Command[] };

/** The word that asks for help (`help`, `help task create`). */
export const HELP_WORD = "help";

/** How the default command is named in messages. */
const _DEFAULT_NAME = "the stdio server";

type Token = ReturnType<typeof _tokenize>[number];

/**
 * Finds the command and parses its flags and words. The command is the first word that is not
 * a flag or a flag's value, so options may come before or after it (`team-table --db X status`
 * and `team-table status --db X` are the same).
 */
export async function parseCommandLine(
  args: readonly string[],
  registry: Registry,
): Promise<Invocation> {
  const at = await _commandIndex(args, registry);
  const word = at === -1 ? undefined : args[at];
  const rest = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 1)];
  if (word === HELP_WORD) return { kind: "help", path: await findPath(_words(rest), registry) };
  const entry = registry.commands.find((c) => c.name === word);
  const command = entry === undefined ? registry.default : await entry.load();
  if (command.kind === "own") {
    const end = rest.indexOf("--");
    const options = end === -1 ? rest : rest.slice(0, end);
    if (options.includes("--help") || options.includes("-h")) {
      return { kind: "help", path: [command] };
    }
    return { kind: "own", path: [command], command, args: rest };
  }
  const tokens = _tokenize(rest, { ...GLOBAL_FLAGS, ...HELP_FLAGS, ...treeFlags(command) });
  const words = tokens.flatMap((t) => t.kind === "positional" ? [t.value] : []);
  const asked = tokens.findLast((t) => t.kind === "option" && t.name in HELP_FLAGS);
  if (asked?.kind === "option" && asked.name === "version") {
    return await parseCommandLine(["version"], registry);
  }
  const found = _subcommand(command, words, asked !== undefined);
  // The default command has no word: its help is the overview, its messages name it.
  const path = entry === undefined ? [] : found.path;
  if (asked !== undefined || found.leaf === undefined) return { kind: "help", path };
  const leaf = found.leaf;
  const flags = await _flags(tokens, path, leaf, registry);
  const input = { flags, words: _leafWords(words.slice(found.used), path, leaf) };
  return { kind: "run", path, command: leaf, input };
}

/** The commands a `help` names (`help task create`); an unknown name is a ConfigError. */
export async function findPath(words: readonly string[], registry: Registry): Promise<Command[]> {
  const [first, ...subs] = words;
  if (first === undefined) return [];
  const entry = registry.commands.find((c) => c.name === first);
  if (entry === undefined) {
    throw new ConfigError(
      `there is no command '${first}'; commands: ${
        registry.commands.map((c) => c.name).join(", ")
      }`,
    );
  }
  const path: Command[] = [await entry.load()];
  for (const sub of subs) {
    const node = path.at(-1);
    const next = node?.kind === "group" ? node.subcommands.find((c) => c.name === sub) : undefined;
    if (next === undefined) {
      throw new ConfigError(`there is no command '${[...path.map((c) => c.name), sub].join(" ")}'`);
    }
    path.push(next);
  }
  return path;
}

/** How a command path is named in messages: `'task create'`, or the stdio server. */
export function pathName(path: readonly Command[]): string {
  return path.length === 0 ? _DEFAULT_NAME : `'${path.map((c) => c.name).join(" ")}'`;
}

/** `task create TITLE [--assignee NAME]...`: a leaf's usage after `team-table`. */
export function leafUsage(prefix: readonly string[], leaf: LeafCommand): string {
  return usageParts(prefix, leaf).join(" ");
}

/** A leaf's usage in the parts a line may break between: words, then one part per flag. */
export function usageParts(prefix: readonly string[], leaf: LeafCommand): string[] {
  const flags = Object.entries(leaf.flags).map(([key, flag]) =>
    flag.type === "boolean"
      ? `[${flagName(key, flag)}]`
      : flag.type === "string" && flag.multiple !== true && flag.required
      ? `${flagName(key, flag)} ${flag.value}`
      : `[${flagName(key, flag)} ${flag.value}]`
  );
  return [...prefix, ...leaf.words, ...flags];
}

/** Every leaf under a command with the words that lead to it. */
export function leavesOf(
  command: Command,
  prefix: readonly string[] = [],
): { words: string[]; command: Exclude<Command, GroupCommand> }[] {
  const words = [...prefix, command.name];
  if (command.kind !== "group") return [{ words, command }];
  return command.subcommands.flatMap((sub) => leavesOf(sub, words));
}

/**
 * Where the command word is: the first word that is not a flag or a flag's value; -1: none.
 * Only global flags and the default command's are known here; when a flag of another command
 * comes before the command word (`team-table --port 1 serve`), every command is loaded to know
 * whether it takes a value.
 */
async function _commandIndex(args: readonly string[], registry: Registry): Promise<number> {
  const known = { ...GLOBAL_FLAGS, ...HELP_FLAGS, ...registry.default.flags };
  const first = _firstWord(_tokenize(args, known), known);
  if (!first.unknownBefore) return _asCommand(first.token, args, registry);
  const all: FlagSpecs[] = [known];
  for (const entry of registry.commands) all.push(treeFlags(await entry.load()));
  const everything: FlagSpecs = Object.assign({}, ...all);
  return _asCommand(_firstWord(_tokenize(args, everything), everything).token, args, registry);
}

function _firstWord(
  tokens: Token[],
  known: FlagSpecs,
): { token: Token | undefined; unknownBefore: boolean } {
  const names = new Set(Object.entries(known).map(([key, flag]) => flagName(key, flag).slice(2)));
  let unknownBefore = false;
  for (const token of tokens) {
    if (token.kind === "option-terminator") break;
    if (token.kind === "positional") return { token, unknownBefore };
    if (!names.has(token.name) && token.inlineValue !== true) unknownBefore = true;
  }
  return { token: undefined, unknownBefore };
}

function _asCommand(token: Token | undefined, args: readonly string[], registry: Registry): number {
  if (token?.kind !== "positional") return -1;
  const named = token.value === HELP_WORD || registry.commands.some((c) => c.name === token.value);
  return named && args[token.index] === token.value ? token.index : -1;
}

/** The positional words of an argument list. */
function _words(args: readonly string[]): string[] {
  return _tokenize(args, {}).flatMap((t) => t.kind === "positional" ? [t.value] : []);
}

/** Every flag of a command and its subcommands, by key. */
export function treeFlags(command: Command): FlagSpecs {
  if (command.kind === "leaf") return command.flags;
  if (command.kind === "own") return {};
  return Object.fromEntries(command.subcommands.flatMap((sub) => Object.entries(treeFlags(sub))));
}

function _tokenize(args: readonly string[], flags: FlagSpecs) {
  const options = Object.fromEntries(
    Object.entries(flags).map(([key, flag]) => [
      flagName(key, flag).slice(2),
      flag.type === "boolean" && flag.short !== undefined
        ? { type: flag.type, short: flag.short }
        : { type: flag.type },
    ]),
  );
  return parseArgs({
    args: [...args],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
    .tokens;
}

/**
 * The subcommands the first words name. A group named without a subcommand runs its default;
 * `lenient` (help was asked for) stops at the last command found instead of refusing.
 */
function _subcommand(
  command: Command,
  words: readonly string[],
  lenient: boolean,
): { path: Command[]; leaf: LeafCommand | undefined; used: number } {
  const path: Command[] = [command];
  let node: Command = command;
  let used = 0;
  while (node.kind === "group") {
    const word = words[used];
    // Asked for help, `roles --help` is the group's, not its default's.
    const name = word ?? (lenient ? undefined : node.default);
    const sub: Command | undefined = node.subcommands.find((c) => c.name === name);
    if (sub === undefined) {
      if (lenient) return { path, leaf: undefined, used };
      throw _groupUsage(path);
    }
    if (word !== undefined) used++;
    path.push(sub);
    node = sub;
  }
  return { path, leaf: node.kind === "leaf" ? node : undefined, used };
}

/** `usage: team-table task create TITLE | assign ID AGENT | ... (team-table help task)`. */
function _groupUsage(path: readonly Command[]): ConfigError {
  const group = path.at(-1);
  const names = path.map((c) => c.name);
  const leaves = group === undefined ? [] : leavesOf(group, names.slice(0, -1));
  const usages = leaves.map(({ words, command }, i) =>
    [...words.slice(i === 0 ? 0 : names.length), ...(command.kind === "leaf" ? command.words : [])]
      .join(" ")
  );
  return new ConfigError(
    `usage: team-table ${usages.join(" | ")} (more: team-table help ${names.join(" ")})`,
  );
}

/** The flags given, by key, checked against the leaf's spec in the order they were given. */
async function _flags(
  tokens: Token[],
  path: readonly Command[],
  leaf: LeafCommand,
  registry: Registry,
): Promise<Map<string, string[]>> {
  const own: FlagSpecs = { ...GLOBAL_FLAGS, ...leaf.flags };
  const byName = new Map(Object.entries(own).map(([key, flag]) => [flagName(key, flag), key]));
  const found = new Map<string, string[]>();
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const raw = token.rawName;
    const key = byName.get(raw);
    const flag = key === undefined ? undefined : own[key];
    if (key === undefined || flag === undefined) {
      throw await _notOurs(raw, path, registry);
    }
    if (flag.type === "boolean") {
      if (token.value !== undefined) throw new ConfigError(`${raw} takes no value`);
      found.set(key, [""]);
    } else {
      if (token.value === undefined || token.value === "") {
        throw new ConfigError(`${raw} needs a value`);
      }
      found.set(key, [...(flag.multiple ? found.get(key) ?? [] : []), token.value]);
    }
  }
  for (const [key, flag] of Object.entries(leaf.flags)) {
    if (flag.type === "string" && flag.multiple !== true && flag.required && !found.has(key)) {
      throw new ConfigError(
        `${path.map((c) => c.name).join(" ")} needs ${flagName(key, flag)} ${flag.value}`,
      );
    }
  }
  return found;
}

/** An option this command does not take: another command's, or nobody's. */
async function _notOurs(
  raw: string,
  path: readonly Command[],
  registry: Registry,
): Promise<ConfigError> {
  const commands = [registry.default, ...await Promise.all(registry.commands.map((c) => c.load()))];
  const known = commands.some((c) =>
    Object.entries(treeFlags(c)).some(([key, flag]) => flagName(key, flag) === raw)
  );
  return new ConfigError(
    known
      ? `${raw} is not an option of ${pathName(path)}`
      : `unknown option '${raw}' (see ${_helpHint(path)})`,
  );
}

/** The leaf's words by name; too many or too few is a usage error. */
function _leafWords(
  words: readonly string[],
  path: readonly Command[],
  leaf: LeafCommand,
): Map<string, string | string[]> {
  const found = new Map<string, string | string[]>();
  let next = 0;
  for (const word of leaf.words) {
    if (word.endsWith("...") || word.endsWith("...]")) {
      if (!word.startsWith("[") && next >= words.length) throw _leafUsage(path, leaf);
      found.set(wordKey(word), words.slice(next));
      next = words.length;
    } else {
      const value = words[next++];
      if (value === undefined) throw _leafUsage(path, leaf);
      found.set(wordKey(word), value);
    }
  }
  const extra = words[next];
  if (extra !== undefined) {
    if (leaf.words.length > 0) throw _leafUsage(path, leaf);
    throw new ConfigError(`unknown argument '${extra}' (see ${_helpHint(path)})`);
  }
  return found;
}

function _leafUsage(path: readonly Command[], leaf: LeafCommand): ConfigError {
  return new ConfigError(`usage: team-table ${leafUsage(path.map((c) => c.name), leaf)}`);
}

/** Where a command's help is: `team-table task --help`, or the overview. */
function _helpHint(path: readonly Command[]): string {
  return path.length === 0
    ? "team-table --help"
    : `team-table ${path.map((c) => c.name).join(" ")} --help`;
}

/** Every command word and option the command line knows (loads every command). */
export async function knownWords(
  registry: Registry,
): Promise<{ commands: string[]; flags: string[] }> {
  const commands = await Promise.all(registry.commands.map((c) => c.load()));
  const specs: FlagSpecs[] = [
    GLOBAL_FLAGS,
    HELP_FLAGS,
    ...[registry.default, ...commands].map(treeFlags),
  ];
  const flags = specs.flatMap((flags) =>
    Object.entries(flags).map(([key, flag]) => flagName(key, flag))
  );
  return {
    commands: [...registry.commands.map((c) => c.name), HELP_WORD],
    flags: [...new Set(flags)],
  };
}
