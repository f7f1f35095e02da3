/**
 * `team-table context get KEY | set KEY VALUE | list`: shared context from a terminal; a write
 * is a new version by `human:OPERATOR`, audited and pushed like an agent's.
 */
import { ConfigError } from "../config.ts";
import { checkContextKey, checkNamespace } from "../core/input_rules/context_names.ts";
import { checkContextValue } from "../core/input_rules/text_rules.ts";
import { DEFAULT_NAMESPACE } from "../core/context/shared_context.ts";
import { LIMITS } from "../core/limits.ts";
import { defineCommand, defineGroup, type FlagSpecs } from "./command_spec.ts";
import { OPERATOR_FLAG } from "./shared_flags.ts";
import { wholeNumber, withTable } from "./table_command.ts";

const _NS = {
  ns: { type: "string", value: "NS", help: `the namespace (default '${DEFAULT_NAMESPACE}')` },
} as const satisfies FlagSpecs;

/** The shared-context subcommands. */
export const contextCommand = defineGroup({
  name: "context",
  summary: "shared context, as human:OPERATOR",
  subcommands: [
    defineCommand({
      name: "get",
      summary: "the value of KEY",
      flags: { ..._NS, ...OPERATOR_FLAG },
      words: ["KEY"],
      run: ({ flags, words }) => {
        const ns = _ns(flags.ns);
        const key = checkContextKey(words.KEY, "KEY");
        return withTable(flags, { mustExist: true }, ({ table }) => {
          console.log(table.context.get({ key, ns }).value);
          return 0;
        });
      },
    }),
    defineCommand({
      name: "set",
      summary: "share VALUE under KEY (a new version)",
      flags: {
        ..._NS,
        ttl: {
          type: "string",
          value: "SECONDS",
          help: `forget it after this long (at most ${LIMITS.contextTtlMaxS}, a year)`,
        },
        ...OPERATOR_FLAG,
      },
      words: ["KEY", "VALUE"],
      run: ({ flags, words }) => {
        const input = {
          key: checkContextKey(words.KEY, "KEY"),
          value: checkContextValue(words.VALUE, "VALUE"),
          ns: _ns(flags.ns),
          ttl: flags.ttl === undefined ? undefined : _ttl(flags.ttl),
        };
        return withTable(flags, { mustExist: false }, ({ table, human }) => {
          const entry = table.context.share({ ...input, by: human });
          console.log(
            `${entry.ns}/${entry.key} is now version ${entry.version} by ${entry.set_by}`,
          );
          return 0;
        });
      },
    }),
    defineCommand({
      name: "list",
      summary: "the keys, with version, author and size",
      flags: { ..._NS, ...OPERATOR_FLAG },
      words: [],
      run: ({ flags }) => {
        const ns = _ns(flags.ns);
        return withTable(flags, { mustExist: true }, ({ table }) => {
          const keys = table.context.keys({ ns });
          if (keys.length === 0) console.log("nothing is shared");
          for (const k of keys) {
            console.log(`${k.ns}/${k.key} v${k.version} by ${k.set_by} (${k.size} characters)`);
          }
          return 0;
        });
      },
    }),
  ],
});

function _ns(text: string | undefined): string | undefined {
  return text === undefined ? undefined : checkNamespace(text, "--ns");
}

function _ttl(text: string): number {
  const seconds = wholeNumber(text, "--ttl");
  if (seconds > LIMITS.contextTtlMaxS) {
    throw new ConfigError(`--ttl must be at most ${LIMITS.contextTtlMaxS} seconds (one year)`);
  }
  return seconds;
}
