/**
 * Every tool team-table serves, in the order tools/list shows them, with the privilege without
 * which it always fails (null: none). Plain data, so role files are checked against it without
 * the MCP layer; each tool definition (src/mcp/tools/) names itself and its privilege from this
 * table, which the compiler checks, and tests/tool_list_test.ts checks every entry is defined.
 */
import type { Privilege } from "../role_catalog.ts";

export const TOOL_PRIVILEGES = {
  register: null,
  deregister: null,
  list_members: null,
  heartbeat: null,
  send_message: null,
  broadcast: null,
  get_messages: null,
  delete_message: null,
  archive_message: null,
  clear_inbox: null,
  purge_messages: "purge_messages",
  get_thread: null,
  acknowledge_message: null,
  list_pending_acks: null,
  create_task: null,
  list_tasks: null,
  next_task: null,
  claim_task: null,
  update_task: null,
  reassign_task: null,
  task_comment: null,
  get_task_detail: null,
  share_context: null,
  get_shared_context: null,
  context_history: null,
  list_context: null,
  list_namespaces: null,
  delete_context: null,
  reserve_paths: null,
  release_paths: null,
  renew_paths: null,
  list_leases: null,
  get_audit_log: null,
  list_roles: null,
  get_role: null,
  assign_role: "assign_roles",
  list_rules: null,
  create_rule: "manage_rules",
  update_rule: "manage_rules",
  delete_rule: "manage_rules",
  search: null,
} as const satisfies Record<string, Privilege | null>;

export type ToolName = keyof typeof TOOL_PRIVILEGES;

/** The privilege a tool needs, as its definition must declare it (null: none). */
export type ToolPrivilege<N extends ToolName> = (typeof TOOL_PRIVILEGES)[N];

/** Every tool's name, in the order tools/list shows them. */
export const TOOL_NAMES = Object.keys(TOOL_PRIVILEGES) as ToolName[];

/** Whether `name` is a tool team-table serves. */
export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_PRIVILEGES, name);
}
