/**
 * Every tool, in the order tools/list shows them. Built once per table and shared by every
 * session: a tool's definition depends on the table's settings, never on the session (its
 * `run` gets the session's context), so a new connection builds no schemas.
 */
import type { Table } from "../../core/table.ts";
import type { AnyTool } from "../register_tool.ts";
import { auditTools } from "./audit_tools.ts";
import { contextTools } from "./context_tools.ts";
import { leaseTools } from "./lease_tools.ts";
import { messagingTools } from "./messaging_tools.ts";
import { registrationTools } from "./registration_tools.ts";
import { roleTools } from "./role_tools.ts";
import { ruleTools } from "./rule_tools.ts";
import { searchTools } from "./search_tools.ts";
import { taskTools } from "./task_tools.ts";
import { threadTools } from "./thread_tools.ts";

const _byTable = new WeakMap<Table, readonly AnyTool[]>();

export function allTools(table: Table): readonly AnyTool[] {
  let tools = _byTable.get(table);
  if (tools === undefined) {
    tools = [
      ...registrationTools(),
      ...messagingTools(),
      ...threadTools(),
      ...taskTools(table),
      ...contextTools(),
      ...leaseTools(table),
      ...auditTools(),
      ...roleTools(),
      ...ruleTools(),
      ...searchTools(),
    ];
    _byTable.set(table, tools);
  }
  return tools;
}
