/** `team-table roles list | show NAME | check DIR`: the role templates, for humans. */
import { toolsOf } from "../core/permissions/permissions.ts";
import { ConfigError, readEnv, resolveConfig } from "../config.ts";
import type { Role } from "../core/role_catalog.ts";
import { loadRoleCatalog } from "../definitions/load_roles.ts";
import type { ParsedArgs } from "./parse_args.ts";

/** Lists, shows or checks role templates; reads no database. */
export async function rolesCommand(parsed: ParsedArgs): Promise<number> {
  const { rolesDir } = resolveConfig(parsed, readEnv());
  const [sub, name, extra] = parsed.positionals ?? [];
  if (sub === "check") {
    if (!name || extra) throw new ConfigError("usage: team-table roles check DIR");
    const catalog = await loadRoleCatalog(name);
    const overrides = catalog.list().filter((role) => role.source !== "shipped");
    console.log(
      `${name}: ${overrides.length} role file(s) valid (${
        overrides.map((r) => r.name).join(", ") || "none"
      })`,
    );
    return 0;
  }
  const catalog = await loadRoleCatalog(rolesDir);
  if (sub === undefined || sub === "list") {
    if (name) throw new ConfigError("usage: team-table roles list");
    for (const role of catalog.list()) {
      const flags = [
        role.privileged ? "privileged" : "",
        role.source === "shipped" ? "" : `from ${role.source}`,
      ]
        .filter(Boolean).join(", ");
      console.log(`${role.name.padEnd(14)} ${role.description}${flags ? ` [${flags}]` : ""}`);
    }
    return 0;
  }
  if (sub === "show") {
    if (!name || extra) throw new ConfigError("usage: team-table roles show NAME");
    if (!catalog.has(name)) {
      throw new ConfigError(`there is no role '${name}'; roles: ${catalog.names().join(", ")}`);
    }
    console.log(describeRole(catalog.get(name), toolsOf(catalog, name)));
    return 0;
  }
  throw new ConfigError(`unknown roles subcommand '${sub}' (list, show NAME, check DIR)`);
}

/** A role as readable text. */
export function describeRole(role: Role, tools: readonly string[]): string {
  const escalation = role.escalation?.agent ?? role.escalation?.role ?? "nobody";
  return [
    `${role.name}${
      role.privileged ? " (privileged: granted by an operator, never self-assigned)" : ""
    }`,
    `  ${role.description}`,
    `  source: ${role.source}`,
    `  capabilities: ${role.capabilities.join(", ") || "none"}`,
    `  privileges: ${role.privileges.join(", ") || "none"}`,
    `  task affinity: ${role.task_affinity.join(", ") || "none"}`,
    `  blockers escalate to: ${escalation}`,
    `  tools (${tools.length}): ${tools.join(", ")}`,
    "  guidelines:",
    ...role.guidelines.split("\n").map((line) => `    ${line}`),
  ].join("\n");
}
