/**
 * Binding a session to the agent its connection names (stdio --agent, an HTTP agent token). A
 * wrong or missing credential stops the connection at once. The name itself is taken on the
 * first tool call, so a client's health check (`claude mcp list` starts a server, initializes
 * and lists tools) never holds it; while another live session holds it, each tool call says
 * who does, and a second session never shares the first one's inbox.
 */
import type { Table } from "../core/table.ts";
import type { Session } from "./session.ts";

/**
 * Names the session's agent: its credential and role are checked now (a refusal stops the
 * connection), and the name is taken on the first tool call (bindExpected).
 */
export function connectAs(table: Table, session: Session, agent: string): void {
  table.members.vouch({ name: agent, session: session.ref });
  session.expect(agent);
}

/**
 * Takes the session's name (the one its connection named, or the one it registered) if the
 * session does not hold it: it was waiting, or it went unseen and let it go (and nobody else
 * took it since). Refused with who holds it. Returns the bound agent's role (undefined for a
 * session with no name).
 */
export function bindExpected(table: Table, session: Session): string | undefined {
  const agent = session.expected ?? session.agent;
  if (agent === undefined) return undefined;
  if (session.agent !== undefined) {
    const role = table.members.heldRole(session.agent, session.id);
    if (role !== undefined) return role;
  }
  const { member } = table.members.register({ name: agent, session: session.ref });
  session.bind(member.name, session.expected !== undefined);
  return member.role;
}
