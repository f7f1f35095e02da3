/**
 * Binding a session to the agent its connection names (stdio --agent, an HTTP agent token),
 * before the first tool call. A wrong or missing credential stops the connection. A name that
 * another live session holds does not: the session waits for it, and each tool call tries
 * again and says who holds it — so a client's health check (`claude mcp list` starts a second
 * server) still connects, and a second session never shares the first one's inbox.
 */
import { ConflictError } from "../core/errors.ts";
import type { Table } from "../core/table.ts";
import type { Session } from "./session.ts";

/** Binds `session` to `agent` now, or marks it waiting when a live session holds the name. */
export function connectAs(table: Table, session: Session, agent: string): "bound" | "waiting" {
  session.expect(agent);
  try {
    bindExpected(table, session);
    return "bound";
  } catch (error) {
    if (error instanceof ConflictError) return "waiting";
    throw error;
  }
}

/**
 * Takes the session's name (the one its connection named, or the one it registered) if the
 * session does not hold it: it was waiting, or it went unseen and let it go (and nobody else
 * took it since). Refused with who holds it.
 */
export function bindExpected(table: Table, session: Session): void {
  const agent = session.expected ?? session.agent;
  if (agent === undefined) return;
  if (session.agent !== undefined && table.members.holds(session.agent, session.id)) return;
  const { member } = table.members.register({ name: agent, session: session.ref });
  session.bind(member.name, session.expected !== undefined);
}
