/**
 * The rules a table starts with: the shipped defaults (parsed at build time from
 * rules/defaults.yaml, see shipped_definitions.ts) and the user's file (--rules /
 * TEAM_TABLE_RULES), where a rule with a default's name replaces it. Only a user's file loads
 * the YAML parser. Every problem stops start-up as `file:line: message`.
 */
import type { CompiledRule } from "../core/rules/rule_definition.ts";
import { RuleFileError } from "./file_problems.ts";
import { DEFAULT_RULES } from "./shipped_definitions.ts";

/** The shipped default rules. */
export function defaultRules(): CompiledRule[] {
  return [...DEFAULT_RULES];
}

/** The defaults, with the user's file (if any) replacing and adding rules. */
export async function loadRules(path: string | undefined): Promise<CompiledRule[]> {
  if (path === undefined) return defaultRules();
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new RuleFileError([
      `${path}:1: cannot read the rules file: ${
        error instanceof Error ? error.message.split("\n")[0] : String(error)
      }`,
    ]);
  }
  const { parseRulesFile } = await import("./parse_rules_file.ts");
  const rules = new Map(DEFAULT_RULES.map((rule) => [rule.name, rule]));
  for (const rule of parseRulesFile(text, { label: path, source: path })) {
    rules.set(rule.name, rule);
  }
  return [...rules.values()];
}
