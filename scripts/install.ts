/**
 * Puts a `team-table` command on the PATH that runs this checkout, with the same narrow
 * permissions as the compiled binary (scripts/permissions.ts):
 *
 *   deno task install                 ~/.deno/bin/team-table (deno install -g)
 *   deno task install --root DIR      DIR/bin/team-table
 *
 * It also fills Deno's module cache, so the first start of the command downloads nothing.
 */
import { PERMISSION_FLAGS } from "./permissions.ts";

/** The `deno install` arguments (`root`: where bin/ goes; default Deno's). */
export function installArgs(root?: string): string[] {
  const here = (path: string) => new URL(path, import.meta.url).pathname;
  return [
    "install",
    "--global",
    "--force",
    "--name",
    "team-table",
    "--config",
    here("../deno.json"),
    ...(root ? ["--root", root] : []),
    ...PERMISSION_FLAGS,
    here("../main.ts"),
  ];
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--root");
  const root = at === -1 ? undefined : Deno.args[at + 1];
  const status = await new Deno.Command(Deno.execPath(), {
    args: installArgs(root),
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  Deno.exit(status.code);
}
