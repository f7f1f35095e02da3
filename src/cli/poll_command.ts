/** `team-table poll <agent>`: an agent's new messages and events, for clients without push. */
import { readEnv, resolvePollConfig } from "../config.ts";
import { loadTableDeps } from "../runtime/open_table.ts";
import { runPoll } from "./poll/run_poll.ts";
import type { ParsedArgs } from "./parse_args.ts";

/** Resolves the poll config and watches (or, with --once, looks once). */
export async function pollCommand(parsed: ParsedArgs): Promise<number> {
  const config = resolvePollConfig(parsed, readEnv());
  return runPoll(config, await loadTableDeps(config));
}
