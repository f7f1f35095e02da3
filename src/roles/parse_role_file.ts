/**
 * Reads one role template (YAML) and validates it with zod. Every problem is reported as
 * `file:line: what is wrong`, the line found from the YAML node the problem is about.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { type Escalation, PRIVILEGES, type Role } from "../core/role_catalog.ts";

const _NAME = /^[a-z][a-z0-9_-]*$/;
const _name = z.string().regex(_NAME, "must be lowercase letters, digits, '_' or '-'").max(32);
const _word = z.string().min(1).max(64);

const _roleFileSchema = z.strictObject({
  name: _name.optional(),
  description: z.string().min(1).max(500),
  guidelines: z.string().min(1).max(5_000),
  capabilities: z.array(_word).max(20).default([]),
  tools: z.union([z.literal("*"), z.array(z.string().min(1))]),
  exclude: z.array(z.string().min(1)).default([]),
  privileges: z.array(z.enum(PRIVILEGES)).default([]),
  privileged: z.boolean().default(false),
  task_affinity: z.array(_name).max(20).default([]),
  escalation: z.union([
    _name,
    z.strictObject({ role: _name }),
    z.strictObject({ agent: z.string().min(1).max(64) }),
  ]).nullable().default(null),
});

/** What a key should hold, added to messages about it. */
const _EXPECTED: Record<string, string> = {
  description: " (a one-line description)",
  guidelines: " (text: how an agent in this role behaves)",
  tools: ' ("*" or a list of tool names)',
  escalation: " (a role name, { role: NAME } or { agent: NAME })",
};

export class RoleFileError extends Error {
  override name = "RoleFileError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/**
 * Parses the YAML `text` of role `roleName` (the file name without .yaml). `label` names the
 * file in messages; `tools` is the list of tool names a template may mention.
 */
export function parseRoleFile(
  text: string,
  options: { roleName: string; label: string; tools: readonly string[]; source: string },
): Role {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) =>
    `${options.label}:${offset === undefined ? 1 : lines.linePos(offset).line}`;
  if (doc.errors.length > 0) {
    throw new RoleFileError(doc.errors.map((e) => `${at(e.pos[0])}: ${_firstLine(e.message)}`));
  }
  const parsed = _roleFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new RoleFileError(parsed.error.issues.map((issue) => {
      const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) =>
          `${at(_keyOffset(doc.getIn(path, true), key))}: unknown key "${key}"`
        ).join("\n");
      }
      const node = doc.getIn(path, true);
      if (node === undefined && path.length > 0) {
        return `${at(undefined)}: missing key "${path.join(".")}"${
          _EXPECTED[String(path[0])] ?? ""
        }`;
      }
      const where = path.length ? ` "${path.join(".")}"` : "";
      return `${at(_nodeOffset(node))}:${where} ${issue.message}${
        _EXPECTED[String(path[0])] ?? ""
      }`;
    }));
  }
  const file = parsed.data;
  const problems: string[] = [];
  if (file.name !== undefined && file.name !== options.roleName) {
    problems.push(
      `${at(_nodeOffset(doc.get("name", true)))}: name "${file.name}" does not match the file ` +
        `name (${options.roleName}.yaml)`,
    );
  }
  const toolLists: [string, string[]][] = [["exclude", file.exclude]];
  if (file.tools !== "*") toolLists.push(["tools", file.tools]);
  for (const [key, list] of toolLists) {
    list.forEach((tool, index) => {
      if (!options.tools.includes(tool)) {
        problems.push(
          `${at(_nodeOffset(doc.getIn([key, index], true)))}: unknown tool "${tool}" in ${key}`,
        );
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

function _nodeOffset(node: unknown): number | undefined {
  if (typeof node !== "object" || node === null || !("range" in node)) return undefined;
  const range = node.range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}

function _keyOffset(map: unknown, key: string): number | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === key) {
      return _nodeOffset(item.key);
    }
  }
  return _nodeOffset(map);
}

function _firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
