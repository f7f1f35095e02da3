/**
 * Parses a set of role templates (YAML) over the roles already known: a file with a known name
 * replaces that role, others add roles, and every escalation must name a role of the result.
 * Every problem, from every file, is reported at once as `file:line: message`. Used for the
 * user's --roles-dir at start-up and, at build time, for the shipped roles/ (see
 * scripts/generate_definitions.ts).
 */
import type { Role } from "../core/role_catalog.ts";
import { TOOL_NAMES } from "../core/permissions/tool_privileges.ts";
import { byFileAndLine, RoleFileError } from "./file_problems.ts";
import { parseRoleFile } from "./parse_role_file.ts";

/** One role file: its role name (file name without .yaml), its label in messages, its text. */
export interface RoleFileText {
  name: string;
  /** How messages name the file (`roles/agent.yaml`, or the path). */
  label: string;
  /** "shipped", or the file's path. */
  source: string;
  /** The YAML, or why it could not be read. */
  text: string | { unreadable: string };
}

/** `base` with `files` applied, in order; throws RoleFileError with every problem. */
export function parseRoleFiles(files: readonly RoleFileText[], base: readonly Role[] = []): Role[] {
  const roles = new Map(base.map((role) => [role.name, role]));
  const problems: string[] = [];
  for (const file of files) {
    if (typeof file.text !== "string") {
      problems.push(`${file.label}:1: cannot read: ${file.text.unreadable}`);
      continue;
    }
    try {
      roles.set(
        file.name,
        parseRoleFile(file.text, {
          roleName: file.name,
          label: file.label,
          tools: TOOL_NAMES,
          source: file.source,
        }),
      );
    } catch (error) {
      if (!(error instanceof RoleFileError)) throw error;
      problems.push(...error.problems);
    }
  }
  for (const role of roles.values()) {
    const target = role.escalation?.role;
    if (target !== undefined && !roles.has(target)) {
      problems.push(
        `${
          role.source === "shipped" ? `roles/${role.name}.yaml` : role.source
        }:1: escalation names the unknown role "${target}"`,
      );
    }
  }
  if (problems.length) throw new RoleFileError(problems.sort(byFileAndLine));
  return [...roles.values()];
}
