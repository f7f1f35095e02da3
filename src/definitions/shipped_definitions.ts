/**
 * The shipped role templates (roles/*.yaml) and default rules (rules/defaults.yaml), parsed and
 * validated by `deno task generate` into shipped_definitions.json, so a starting team-table
 * neither parses YAML nor loads the YAML library. `deno task check` fails when it is stale.
 */
import type { Role } from "../core/role_catalog.ts";
import type { CompiledRule } from "../core/rules/rule_definition.ts";
import data from "./shipped_definitions.json" with { type: "json" };

/** The shipped role templates, parsed and validated (roles/*.yaml). */
export const SHIPPED_ROLES: readonly Role[] = data.roles as Role[];

/** The shipped default rules, parsed and compiled (rules/defaults.yaml). */
export const DEFAULT_RULES: readonly CompiledRule[] = data.rules as CompiledRule[];
