/** What every tool handler gets: the table, this connection's session, the logger. */
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import type { Session } from "./session.ts";

export interface ToolContext {
  readonly table: Table;
  readonly session: Session;
  readonly logger: Logger;
}
