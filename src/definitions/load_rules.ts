/**
 * Reads rule files: the shipped defaults (embedded, rules/defaults.yaml) and the user's file
 * (--rules / TEAM_TABLE_RULES), where a rule with a default's name replaces it. Every problem
 * stops start-up as `file:line: message`.
 */
import type { CompiledRule } from "../core/rules/rule_definition.ts";
import { parseRulesFile, RuleFileError } from "./parse_rules_file.ts";
import defaults from "../../rules/defaults.yaml" with { type: "text" };

/** The shipped default rules. */
export function defaultRules(): CompiledRule[] {
  return parseRulesFile(defaults, { label: "rules/defaults.yaml", source: "shipped" });
}

/** The defaults, with the user's file (if any) replacing and adding rules. */
export function loadRules(path: string | undefined): CompiledRule[] {
  const rules = new Map(defaultRules().map((rule) => [rule.name, rule]));
  if (path !== undefined) {
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
    for (const rule of parseRulesFile(text, { label: path, source: path })) {
      rules.set(rule.name, rule);
    }
  }
  return [...rules.values()];
}
