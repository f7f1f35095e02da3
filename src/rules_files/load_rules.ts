/**
 * Reads rule files: the shipped defaults (embedded, rules/defaults.yaml) and the user's file
 * (--rules / TEAM_TABLE_RULES), where a rule with a default's name replaces it. Every problem
 * stops start-up as `file:line: message`.
 */
import { z } from "zod";
import {
  type CompiledRule,
  compileRule,
  RuleDefinitionError,
  ruleDefinitionSchema,
} from "../core/rules/rule_definition.ts";
import { byFileAndLine, parseYamlSource, YamlSyntaxError } from "../yaml_source.ts";
import defaults from "../../rules/defaults.yaml" with { type: "text" };

export class RuleFileError extends Error {
  override name = "RuleFileError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

const _fileSchema = z.strictObject({ rules: z.array(z.unknown()) });

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

/** Parses and compiles one rules file (`rules:` then a list of rules). */
export function parseRulesFile(
  text: string,
  options: { label: string; source: string },
): CompiledRule[] {
  let yaml;
  try {
    yaml = parseYamlSource(text, options.label);
  } catch (error) {
    if (error instanceof YamlSyntaxError) throw new RuleFileError(error.problems);
    throw error;
  }
  const file = _fileSchema.safeParse(yaml.value);
  if (!file.success) {
    throw new RuleFileError([
      `${yaml.at([])}: a rules file holds 'rules:' and then a list of rules (name, on, if, then)`,
    ]);
  }
  const problems: string[] = [];
  const compiled: CompiledRule[] = [];
  const seen = new Set<string>();
  file.data.rules.forEach((raw, index) => {
    const path = ["rules", index];
    const parsed = ruleDefinitionSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const at = [...path, ...issue.path];
        if (issue.code === "unrecognized_keys") {
          for (const key of issue.keys) {
            problems.push(`${yaml.atKey(at, key)}: unknown key "${key}"`);
          }
        } else if (!yaml.has(at)) {
          problems.push(`${yaml.at(path)}: missing key "${issue.path.join(".")}"`);
        } else {
          problems.push(`${yaml.at(at)}: "${issue.path.join(".")}" ${issue.message}`);
        }
      }
      return;
    }
    if (seen.has(parsed.data.name)) {
      problems.push(
        `${yaml.at([...path, "name"])}: the rule name "${parsed.data.name}" is used twice`,
      );
      return;
    }
    seen.add(parsed.data.name);
    try {
      compiled.push(compileRule(parsed.data, options.source));
    } catch (error) {
      if (!(error instanceof RuleDefinitionError)) throw error;
      const at = yaml.has([...path, error.field]) ? [...path, error.field] : path;
      problems.push(`${yaml.at(at)}: ${error.message}`);
    }
  });
  if (problems.length) throw new RuleFileError(problems.sort(byFileAndLine));
  return compiled;
}
