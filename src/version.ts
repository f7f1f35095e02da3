/** The team-table release version, shown by `--version` and in MCP server info. */
export const VERSION = "0.1.0";
