/** `team-table` with no command: the MCP server over stdio that an MCP client starts. */
import { readEnv, resolveConfig } from "../config.ts";
import { loadTableDeps } from "../runtime/open_table.ts";
import { runStdio } from "../runtime/run_stdio.ts";
import { defineCommand } from "./command_spec.ts";

/** Resolves the config and serves one agent over stdin/stdout until the client goes. */
export const stdioCommand = defineCommand({
  name: "stdio",
  summary: "the MCP server over stdio (what an MCP client starts)",
  flags: {
    channel: {
      type: "boolean",
      help: "push table events into the session as Claude Code channel notifications " +
        "(env TEAM_TABLE_CHANNEL=1)",
    },
    agent: {
      type: "string",
      value: "NAME",
      help: "this server is agent NAME, bound before the first tool call (env " +
        "TEAM_TABLE_AGENT; its credential in TEAM_TABLE_AGENT_KEY)",
    },
  },
  words: [],
  run: async ({ flags }) => {
    const config = resolveConfig(flags, readEnv());
    await runStdio(config, await loadTableDeps(config));
    return 0;
  },
});
