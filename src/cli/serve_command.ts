/** `team-table serve`: MCP over HTTP for agents on several machines. */
import { readEnv, resolveServeConfig } from "../config.ts";
import { loadTableDeps } from "../runtime/open_table.ts";
import { runServe } from "../runtime/run_serve.ts";
import type { ParsedArgs } from "./parse_args.ts";

/** Resolves the serve config and serves until SIGINT/SIGTERM. */
export async function serveCommand(parsed: ParsedArgs): Promise<number> {
  const config = resolveServeConfig(parsed, readEnv());
  await runServe(config, await loadTableDeps(config));
  return 0;
}
