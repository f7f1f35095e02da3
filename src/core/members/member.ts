/** A member of the table: an agent's name, role, capabilities and presence. */
import { toIso } from "../clock.ts";
import { int, text } from "../rows.ts";

export type MemberStatus = "active" | "inactive";

export interface Member {
  name: string;
  role: string;
  capabilities: string[];
  status: MemberStatus;
  registered_at: string;
  last_seen: string;
}

/** A members row as a Member. */
export function toMember(row: Record<string, unknown>): Member {
  const capabilities: unknown = JSON.parse(text(row, "capabilities"));
  return {
    name: text(row, "name"),
    role: text(row, "role"),
    capabilities: Array.isArray(capabilities) ? capabilities.map(String) : [],
    status: text(row, "status") === "active" ? "active" : "inactive",
    registered_at: toIso(int(row, "registered_at")),
    last_seen: toIso(int(row, "last_seen")),
  };
}
