/**
 * Every tool, in the order tools/list shows them. Built once per process for each set of
 * settings and shared by every session and table: a tool's definition depends on the table's
 * tool settings (tool_settings.ts), never on the session or the table itself (its `run` gets
 * the session's context), so a new connection builds no schemas.
 */
import type { AnyTool } from "../register_tool.ts";
import { sameToolSettings, type ToolSettings } from "../tool_settings.ts";
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

/** The tools built so far, with their settings (a process has one or two). */
const _built: { settings: ToolSettings; tools: readonly AnyTool[] }[] = [];

export function allTools(settings: ToolSettings): readonly AnyTool[] {
  let tools = _built.find((built) => sameToolSettings(built.settings, settings))?.tools;
  if (tools === undefined) {
    tools = [
      ...registrationTools(),
      ...messagingTools(),
      ...threadTools(),
      ...taskTools(settings),
      ...contextTools(),
      ...leaseTools(settings),
      ...auditTools(),
      ...roleTools(),
      ...ruleTools(),
      ...searchTools(),
    ];
    _built.push({ settings, tools });
  }
  return tools;
}
