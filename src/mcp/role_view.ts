/** A role as tools return it: the template plus the tools it resolves to. */
import { toolsOf } from "../core/permissions/permissions.ts";
import type { RoleCatalog } from "../core/role_catalog.ts";

export function roleView(roles: RoleCatalog, name: string) {
  const role = roles.get(name);
  return {
    name: role.name,
    description: role.description,
    guidelines: role.guidelines,
    capabilities: role.capabilities,
    tools: toolsOf(roles, role.name),
    privileges: [...role.privileges],
    privileged: role.privileged,
    task_affinity: role.task_affinity,
    escalation: role.escalation?.agent ?? role.escalation?.role ?? null,
  };
}
