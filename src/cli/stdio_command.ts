/** `team-table` with no command: the MCP server over stdio that an MCP client starts. */
import { readEnv, resolveConfig } from "../config.ts";
import { loadTableDeps } from "../runtime/open_table.ts";
import { runStdio } from "../runtime/run_stdio.ts";
import type { ParsedArgs } from "./parse_args.ts";

/** Resolves the config and serves one agent over stdin/stdout until the client goes. */
export async function stdioCommand(parsed: ParsedArgs): Promise<number> {
  const config = resolveConfig(parsed, readEnv());
  await runStdio(config, await loadTableDeps(config));
  return 0;
}
