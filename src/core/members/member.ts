/** A member of the table: an agent's name, role, capabilities and presence. */
import { toIso } from "../clock.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";

export type MemberStatus = "active" | "inactive";

/**
 * online: a live session holds the name; away: registered, no live session; gone:
 * deregistered (its mail still waits).
 */
export type Presence = "online" | "away" | "gone";

export interface Member {
  name: string;
  role: string;
  capabilities: string[];
  status: MemberStatus;
  presence: Presence;
  /** online: since when its session holds the name; away or gone: when it was last seen. */
  presence_since: string;
  /** Whether the name has a credential (then only a session presenting it may take it). */
  has_credential: boolean;
  registered_at: string;
  last_seen: string;
}

/** A members row as a Member; a session not seen since `staleBefore` no longer holds it. */
export function toMember(row: Record<string, unknown>, staleBefore: number): Member {
  const capabilities: unknown = JSON.parse(text(row, "capabilities"));
  const status = text(row, "status") === "active" ? "active" : "inactive";
  const seenAt = int(row, "seen_at");
  const online = textOrNull(row, "session_id") !== null && seenAt >= staleBefore;
  return {
    name: text(row, "name"),
    role: text(row, "role"),
    capabilities: Array.isArray(capabilities) ? capabilities.map(String) : [],
    status,
    presence: online ? "online" : status === "active" ? "away" : "gone",
    presence_since: toIso(online ? intOrNull(row, "session_since") ?? seenAt : seenAt),
    has_credential: textOrNull(row, "key_hash") !== null,
    registered_at: toIso(int(row, "registered_at")),
    last_seen: toIso(int(row, "last_seen")),
  };
}
