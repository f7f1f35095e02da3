/** team-table: the coordination table for teams of AI agents. See README.md. */
import { runCli } from "./src/cli/run_cli.ts";

if (import.meta.main) {
  Deno.exitCode = await runCli(Deno.args);
}
