/** What every tool handler gets: the table, this connection's session, the logger, its tool list. */
import type { Table } from "../core/table.ts";
import type { Logger } from "../log.ts";
import type { Session } from "./session.ts";
import type { SessionToolList } from "./session_tool_list.ts";
import type { ToolCallObserver } from "./tool_call_observer.ts";

export interface ToolContext {
  readonly table: Table;
  readonly session: Session;
  readonly logger: Logger;
  /** What this connection's tools/list shows; told after each call that the role may differ. */
  readonly toolList: SessionToolList;
  /** Told of every call (serve's metrics). */
  readonly toolCalls?: ToolCallObserver | undefined;
  /** Pushes reach the model itself (stdio channel): results need not repeat work offers. */
  readonly channel?: boolean;
}
