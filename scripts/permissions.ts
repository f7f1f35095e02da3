/**
 * The permissions team-table runs with, from source (`deno task start|serve|poll`) and baked
 * into the compiled binary. Narrow where the need is known at build time: only the
 * environment variables it reads, only the system facts `serve` uses. Read and write stay
 * open because the database, token and roles paths are chosen by the user at run time
 * (--db, TEAM_TABLE_DB, --roles-dir, --rules); net is for `serve`, run for `poll --exec`.
 */
import { ENV_VARS } from "../src/config.ts";

/** Variables our dependencies look at (npm:yaml checks its debug switches while parsing). */
export const LIBRARY_ENV_VARS = ["LOG_TOKENS", "LOG_STREAM"] as const;

export const PERMISSION_FLAGS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  `--allow-env=${[...ENV_VARS, ...LIBRARY_ENV_VARS].join(",")}`,
  "--allow-net",
  "--allow-run",
  "--allow-sys=hostname,networkInterfaces",
];
