/**
 * Builds the role catalog at start-up: the shipped templates (parsed at build time, see
 * shipped_definitions.ts), then every `*.yaml` in the override directory (a file with a shipped
 * name replaces that role; others add roles). Only an override directory loads the YAML parser.
 * Any bad file stops start-up with every problem as `file:line: message`.
 */
import { join } from "node:path";
import { compareNames } from "../core/name_order.ts";
import { RoleCatalog } from "../core/role_catalog.ts";
import { TOOL_NAMES } from "../core/permissions/tool_privileges.ts";
import { RoleFileError } from "./file_problems.ts";
import type { RoleFileText } from "./parse_role_files.ts";
import { SHIPPED_ROLES } from "./shipped_definitions.ts";

const _ROLE_FILE = /^([a-z][a-z0-9_-]*)\.ya?ml$/;

/** The shipped roles only. */
export function shippedRoleCatalog(): RoleCatalog {
  return new RoleCatalog(SHIPPED_ROLES, TOOL_NAMES);
}

/** The shipped roles, with the templates of `rolesDir` (if any) replacing and adding roles. */
export async function loadRoleCatalog(rolesDir: string | undefined): Promise<RoleCatalog> {
  if (rolesDir === undefined) return shippedRoleCatalog();
  const files = _roleFiles(rolesDir);
  const { parseRoleFiles } = await import("./parse_role_files.ts");
  return new RoleCatalog(parseRoleFiles(files, SHIPPED_ROLES), TOOL_NAMES);
}

function _roleFiles(dir: string): RoleFileText[] {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch (error) {
    throw new RoleFileError([
      `${dir}: cannot read the roles directory: ${
        error instanceof Error ? error.message.split("\n")[0] : error
      }`,
    ]);
  }
  const files: RoleFileText[] = [];
  for (const entry of entries.sort((a, b) => compareNames(a.name, b.name))) {
    if (!entry.isFile) continue;
    const match = entry.name.match(_ROLE_FILE);
    const path = join(dir, entry.name);
    if (!match?.[1]) {
      if (/\.ya?ml$/.test(entry.name)) {
        throw new RoleFileError([
          `${path}:1: a role file name must be lowercase letters, digits, '_' or '-', then .yaml`,
        ]);
      }
      continue;
    }
    let text: RoleFileText["text"];
    try {
      text = Deno.readTextFileSync(path);
    } catch (error) {
      text = { unreadable: error instanceof Error ? error.message : String(error) };
    }
    files.push({ name: match[1], label: path, source: path, text });
  }
  return files;
}
