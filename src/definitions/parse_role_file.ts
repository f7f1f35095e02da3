/**
 * Reads one role template (YAML) and validates it with zod. Every problem is reported as
 * `file:line: what is wrong`, the line found from the YAML node the problem is about.
 */
import { SLUG_PATTERN } from "../core/input_rules/slugs.ts";
import { LIMITS } from "../core/limits.ts";
import { z } from "zod";
import { type Escalation, PRIVILEGES, type Role } from "../core/role_catalog.ts";
import { RoleFileError } from "./file_problems.ts";
import { parseYamlSource } from "./yaml_source.ts";

const _name = z.string().regex(SLUG_PATTERN, "must be lowercase letters, digits, '_' or '-'")
  .max(LIMITS.roleMax);
const _word = z.string().min(1).max(LIMITS.capabilityMax);

const _roleFileSchema = z.strictObject({
  name: _name.optional(),
  description: z.string().min(1).max(LIMITS.roleDescriptionMax),
  guidelines: z.string().min(1).max(LIMITS.roleGuidelinesMax),
  capabilities: z.array(_word).max(LIMITS.capabilitiesMax).default([]),
  tools: z.union([z.literal("*"), z.array(z.string().min(1))]),
  exclude: z.array(z.string().min(1)).default([]),
  privileges: z.array(z.enum(PRIVILEGES)).default([]),
  privileged: z.boolean().default(false),
  task_affinity: z.array(_name).max(LIMITS.taskAffinityMax).default([]),
  escalation: z.union([
    _name,
    z.strictObject({ role: _name }),
    z.strictObject({ agent: z.string().min(1).max(LIMITS.agentNameMax) }),
  ]).nullable().default(null),
});

/** What a key should hold, added to messages about it. */
const _EXPECTED: Record<string, string> = {
  description: " (a one-line description)",
  guidelines: " (text: how an agent in this role behaves)",
  tools: ' ("*" or a list of tool names)',
  escalation: " (a role name, { role: NAME } or { agent: NAME })",
};

/**
 * Parses the YAML `text` of role `roleName` (the file name without .yaml). `label` names the
 * file in messages; `tools` is the list of tool names a template may mention.
 */
export function parseRoleFile(
  text: string,
  options: { roleName: string; label: string; tools: readonly string[]; source: string },
): Role {
  const yaml = parseYamlSource(text, {
    label: options.label,
    invalid: (problems) => new RoleFileError(problems),
  });
  const parsed = _roleFileSchema.safeParse(yaml.value);
  if (!parsed.success) {
    throw new RoleFileError(parsed.error.issues.map((issue) => {
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => `${yaml.atKey(issue.path, key)}: unknown key "${key}"`)
          .join("\n");
      }
      const expected = _EXPECTED[String(issue.path[0])] ?? "";
      if (!yaml.has(issue.path) && issue.path.length > 0) {
        return `${yaml.at([])}: missing key "${issue.path.join(".")}"${expected}`;
      }
      const where = issue.path.length ? ` "${issue.path.join(".")}"` : "";
      return `${yaml.at(issue.path)}:${where} ${issue.message}${expected}`;
    }));
  }
  const file = parsed.data;
  const problems: string[] = [];
  if (file.name !== undefined && file.name !== options.roleName) {
    problems.push(
      `${yaml.at(["name"])}: name "${file.name}" does not match the file name ` +
        `(${options.roleName}.yaml)`,
    );
  }
  const toolLists: [string, string[]][] = [["exclude", file.exclude]];
  if (file.tools !== "*") toolLists.push(["tools", file.tools]);
  for (const [key, list] of toolLists) {
    list.forEach((tool, index) => {
      if (!options.tools.includes(tool)) {
        problems.push(`${yaml.at([key, index])}: unknown tool "${tool}" in ${key}`);
      }
    });
  }
  if (problems.length) throw new RoleFileError(problems);
  return {
    name: options.roleName,
    description: file.description.trim(),
    guidelines: file.guidelines.trim(),
    capabilities: file.capabilities,
    tools: file.tools,
    exclude: file.exclude,
    privileges: file.privileges,
    privileged: file.privileged,
    task_affinity: file.task_affinity,
    escalation: _escalation(file.escalation),
    source: options.source,
  };
}

function _escalation(
  value: string | { role: string } | { agent: string } | null,
): Escalation | null {
  if (value === null) return null;
  if (typeof value === "string") return { role: value };
  return value;
}
