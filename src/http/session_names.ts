/**
 * HTTP sessions and the names they hold: an agent token binds its session when it begins (or
 * it waits for the name), and
 * a session that ends (DELETE, idle expiry, a closed stream, shutdown) lets its name go.
 */
import { TableError } from "../core/errors.ts";
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import { connectAs } from "../mcp/connect_binding.ts";
import { createMcpServer, type SessionServer } from "../mcp/create_mcp_server.ts";
import type { Caller } from "./caller.ts";
import type { Session } from "../mcp/session.ts";
import type { ToolCallObserver } from "../mcp/tool_call_observer.ts";
import { jsonRpcError } from "./responses.ts";

/**
 * The MCP server and session for a new HTTP connection from `caller`: an agent token binds the
 * session to its agent (or lets it wait for the name); a credential problem is a 403 answer.
 */
export function serverForCaller(
  deps: { table: Table; logger: Logger; toolCalls?: ToolCallObserver | undefined },
  caller: Caller,
  where: string,
): Omit<SessionServer, "push"> | { refused: Response } {
  const { server, session, toolList } = createMcpServer({
    table: deps.table,
    logger: deps.logger,
    toolCalls: deps.toolCalls,
    agent: caller.kind === "agent" ? caller.name : undefined,
    origin: {
      where,
      key: caller.kind === "agent" ? caller.key : undefined,
      join: caller.kind === "join",
    },
  });
  if (caller.kind !== "agent") return { server, session, toolList };
  const refused = bindOrRefuse(deps.table, session, caller.name);
  if (!refused) return { server, session, toolList };
  void server.close().catch(() => {});
  return { refused };
}

/**
 * Binds `session` to the token's agent (or lets it wait while another live session holds the
 * name); any other refusal becomes a 403 answer.
 */
export function bindOrRefuse(table: Table, session: Session, agent: string): Response | undefined {
  try {
    connectAs(table, session, agent);
    return undefined;
  } catch (error) {
    if (!(error instanceof TableError)) throw error;
    return jsonRpcError(403, -32004, error.message);
  }
}

/** Lets go of the session's name; a failure (a busy database) is logged, the name expires. */
export function releaseName(table: Table, session: Session, logger: Logger): void {
  try {
    table.members.release(session.id);
  } catch (error) {
    logger.warn(
      `could not release the name of session ${session.id} (it frees itself when unseen): ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}
