/** Every MCP client `setup` knows, in the order it reports them. */
import { claudeCode } from "./claude_code_client.ts";
import { codex } from "./codex_client.ts";
import { JSON_CONFIG_CLIENTS } from "./json_config_clients.ts";
import type { McpClient } from "./mcp_client.ts";

export const MCP_CLIENTS: readonly McpClient[] = [claudeCode, codex, ...JSON_CONFIG_CLIENTS];

export const CLIENT_IDS: readonly string[] = MCP_CLIENTS.map((c) => c.id);
