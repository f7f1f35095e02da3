/**
 * Builds the role catalog at start-up: the shipped templates, then every `*.yaml` in the
 * override directory (a file with a shipped name replaces that role; others add roles). Any bad
 * file stops start-up with every problem as `file:line: message`.
 */
import { join } from "node:path";
import { type Role, RoleCatalog } from "../core/role_catalog.ts";
import { TOOL_NAMES } from "../mcp/tool_names.ts";
import { parseRoleFile, RoleFileError } from "./parse_role_file.ts";
import { SHIPPED_ROLE_FILES } from "./shipped_roles.ts";
import { byFileAndLine } from "./yaml_source.ts";

const _ROLE_FILE = /^([a-z][a-z0-9_-]*)\.ya?ml$/;

/** The shipped roles only. */
export function shippedRoleCatalog(): RoleCatalog {
  return loadRoleCatalog(undefined);
}

export function loadRoleCatalog(rolesDir: string | undefined): RoleCatalog {
  const roles = new Map<string, Role>();
  const problems: string[] = [];
  for (const [name, text] of Object.entries(SHIPPED_ROLE_FILES)) {
    roles.set(
      name,
      parseRoleFile(text, {
        roleName: name,
        label: `roles/${name}.yaml`,
        tools: TOOL_NAMES,
        source: "shipped",
      }),
    );
  }
  if (rolesDir !== undefined) {
    for (const { name, path } of _roleFiles(rolesDir)) {
      try {
        const text = Deno.readTextFileSync(path);
        roles.set(
          name,
          parseRoleFile(text, { roleName: name, label: path, tools: TOOL_NAMES, source: path }),
        );
      } catch (error) {
        if (error instanceof RoleFileError) problems.push(...error.problems);
        else {problems.push(
            `${path}:1: cannot read: ${error instanceof Error ? error.message : error}`,
          );}
      }
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
  return new RoleCatalog(roles.values(), TOOL_NAMES);
}

function _roleFiles(dir: string): { name: string; path: string }[] {
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
  const files: { name: string; path: string }[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isFile) continue;
    const match = entry.name.match(_ROLE_FILE);
    if (!match?.[1]) {
      if (/\.ya?ml$/.test(entry.name)) {
        throw new RoleFileError([
          `${
            join(dir, entry.name)
          }:1: a role file name must be lowercase letters, digits, '_' or '-', then .yaml`,
        ]);
      }
      continue;
    }
    files.push({ name: match[1], path: join(dir, entry.name) });
  }
  return files;
}
