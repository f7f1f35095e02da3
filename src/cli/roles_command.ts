/** `team-table roles list | show NAME | check DIR`: the role templates, for humans. */
import { toolsOf } from "../core/permissions/permissions.ts";
import { ConfigError, readEnv, resolveConfig } from "../config.ts";
import type { Role } from "../core/role_catalog.ts";
import { loadRoleCatalog } from "../definitions/load_roles.ts";
import { defineCommand, defineGroup } from "./command_spec.ts";

/** Lists, shows or checks role templates; reads no database. */
export const rolesCommand = defineGroup({
  name: "roles",
  summary: "the role templates: list, show one, validate a directory of role files",
  default: "list",
  subcommands: [
    defineCommand({
      name: "list",
      summary: "every role with its description (and where it comes from, when not shipped)",
      flags: {},
      words: [],
      run: async ({ flags }) => {
        const catalog = await loadRoleCatalog(resolveConfig(flags, readEnv()).rolesDir);
        for (const role of catalog.list()) {
          const notes = [
            role.privileged ? "privileged" : "",
            role.source === "shipped" ? "" : `from ${role.source}`,
          ]
            .filter(Boolean).join(", ");
          console.log(`${role.name.padEnd(14)} ${role.description}${notes ? ` [${notes}]` : ""}`);
        }
        return 0;
      },
    }),
    defineCommand({
      name: "show",
      summary: "one role: privileges, capabilities, tools, guidelines",
      flags: {},
      words: ["NAME"],
      run: async ({ flags, words }) => {
        const catalog = await loadRoleCatalog(resolveConfig(flags, readEnv()).rolesDir);
        if (!catalog.has(words.NAME)) {
          throw new ConfigError(
            `there is no role '${words.NAME}'; roles: ${catalog.names().join(", ")}`,
          );
        }
        console.log(describeRole(catalog.get(words.NAME), toolsOf(catalog, words.NAME)));
        return 0;
      },
    }),
    defineCommand({
      name: "check",
      summary: "validate the role files in DIR (exit 2 naming the file and line of a mistake)",
      flags: {},
      words: ["DIR"],
      run: async ({ words }) => {
        const catalog = await loadRoleCatalog(words.DIR);
        const overrides = catalog.list().filter((role) => role.source !== "shipped");
        console.log(
          `${words.DIR}: ${overrides.length} role file(s) valid (${
            overrides.map((r) => r.name).join(", ") || "none"
          })`,
        );
        return 0;
      },
    }),
  ],
});

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
