/**
 * Parses one rules file (`rules:` then a list of rules) into compiled rules, reporting every
 * problem as `file:line: message` from the YAML node it is about.
 */
import { z } from "zod";
import {
  type CompiledRule,
  compileRule,
  RuleDefinitionError,
  ruleDefinitionSchema,
} from "../core/rules/rule_definition.ts";
import { byFileAndLine, RuleFileError } from "./file_problems.ts";
import { parseYamlSource } from "./yaml_source.ts";

const _fileSchema = z.strictObject({ rules: z.array(z.unknown()) });

/** Parses and compiles one rules file (`rules:` then a list of rules). */
export function parseRulesFile(
  text: string,
  options: { label: string; source: string },
): CompiledRule[] {
  const yaml = parseYamlSource(text, {
    label: options.label,
    invalid: (problems) => new RuleFileError(problems),
  });
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
    const parsed = ruleDefinitionSchema().safeParse(raw);
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
