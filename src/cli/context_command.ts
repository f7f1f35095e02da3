/**
 * `team-table context get KEY | set KEY VALUE | list`: shared context from a terminal; a write
 * is a new version by `human:OPERATOR`, audited and pushed like an agent's.
 */
import { ConfigError } from "../config.ts";
import { checkContextKey, checkNamespace } from "../core/input_rules/context_names.ts";
import { checkContextValue } from "../core/input_rules/text_rules.ts";
import { LIMITS } from "../core/limits.ts";
import type { ParsedArgs } from "./parse_args.ts";
import { usageError, wholeNumber, withTable, words } from "./table_command.ts";

const _USAGE = "context get KEY [--ns NS] | set KEY VALUE [--ns NS] [--ttl SECONDS] | " +
  "list [--ns NS]";

/** Runs one context subcommand. */
export function contextCommand(parsed: ParsedArgs): Promise<number> {
  const sub = parsed.positionals?.[0];
  const ns = parsed.ns === undefined ? undefined : checkNamespace(parsed.ns, "--ns");
  if (parsed.ttl !== undefined && sub !== "set") {
    throw new ConfigError(`--ttl is not an option of 'context ${sub ?? ""}'`.trimEnd());
  }
  if (sub === "get") {
    const [key = ""] = words(parsed, 1, 1, "context get KEY [--ns NS]");
    const checkedKey = checkContextKey(key, "KEY");
    return withTable(parsed, { mustExist: true }, ({ table }) => {
      console.log(table.context.get({ key: checkedKey, ns }).value);
      return 0;
    });
  }
  if (sub === "set") {
    const [key = "", value = ""] = words(parsed, 1, 2, "context set KEY VALUE [--ns NS]");
    const input = {
      key: checkContextKey(key, "KEY"),
      value: checkContextValue(value, "VALUE"),
      ns,
      ttl: parsed.ttl === undefined ? undefined : _ttl(parsed.ttl),
    };
    return withTable(parsed, { mustExist: false }, ({ table, human }) => {
      const entry = table.context.share({ ...input, by: human });
      console.log(`${entry.ns}/${entry.key} is now version ${entry.version} by ${entry.set_by}`);
      return 0;
    });
  }
  if (sub === "list") {
    words(parsed, 1, 0, "context list [--ns NS]");
    return withTable(parsed, { mustExist: true }, ({ table }) => {
      const keys = table.context.keys({ ns });
      if (keys.length === 0) console.log("nothing is shared");
      for (const k of keys) {
        console.log(`${k.ns}/${k.key} v${k.version} by ${k.set_by} (${k.size} characters)`);
      }
      return 0;
    });
  }
  throw usageError(_USAGE);
}

function _ttl(text: string): number {
  const seconds = wholeNumber(text, "--ttl");
  if (seconds > LIMITS.contextTtlMaxS) {
    throw new ConfigError(`--ttl must be at most ${LIMITS.contextTtlMaxS} seconds (one year)`);
  }
  return seconds;
}
