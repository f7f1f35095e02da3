/**
 * Puts a `team-table` command on the PATH that runs this checkout, with the same narrow
 * permissions as the compiled binary (scripts/permissions.ts), and the versions deno.lock
 * pins (the ones the tests ran):
 *
 *   deno task install                 ~/.deno/bin/team-table (deno install -g)
 *   deno task install --root DIR      DIR/bin/team-table
 *
 * `deno install -g` copies the config beside the command but not the lock, and a config with
 * a package name adds a "links" entry that a frozen lock refuses. So it is given a config with
 * only what running needs (imports, compiler options) and the checkout's lock, frozen; the
 * lock is then copied beside the installed config, where the command's `deno run --frozen`
 * finds it. It also fills Deno's module cache, so the first start downloads nothing. The
 * command runs `deno` by name, so upgrading Deno keeps it working; after moving the checkout,
 * run this again (MCP client entries and hooks name the command, not the checkout).
 */
import { delimiter, join } from "node:path";
import { PERMISSION_FLAGS } from "./permissions.ts";

const _here = (path: string) => new URL(path, import.meta.url).pathname;

/** The config keys the installed command needs; name/exports would add a lock "links" entry. */
const _RUN_KEYS = ["imports", "compilerOptions", "nodeModulesDir"] as const;

/** The `deno install` arguments for a config and lock in `staging` (`root`: where bin/ goes). */
export function installArgs(staging: string, root?: string): string[] {
  return [
    "install",
    "--global",
    "--force",
    "--frozen",
    "--name",
    "team-table",
    "--config",
    join(staging, "deno.json"),
    "--lock",
    join(staging, "deno.lock"),
    ...(root ? ["--root", root] : []),
    ...PERMISSION_FLAGS,
    _here("../main.ts"),
  ];
}

/** The folder `deno install -g` puts commands in: --root, DENO_INSTALL_ROOT, else ~/.deno. */
export function binFolder(root: string | undefined, env: (name: string) => string | undefined) {
  const base = root ?? env("DENO_INSTALL_ROOT") ??
    join(env("HOME") ?? env("USERPROFILE") ?? ".", ".deno");
  return join(base, "bin");
}

/** Writes the run-only config and a copy of deno.lock to a new folder; returns it. */
async function _stage(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(_here("../deno.json")));
  const runOnly = Object.fromEntries(_RUN_KEYS.flatMap((k) => k in config ? [[k, config[k]]] : []));
  const staging = await Deno.makeTempDir({ prefix: "team-table-install-" });
  await Deno.writeTextFile(join(staging, "deno.json"), JSON.stringify(runOnly, null, 2));
  await Deno.copyFile(_here("../deno.lock"), join(staging, "deno.lock"));
  return staging;
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--root");
  const root = at === -1 ? undefined : Deno.args[at + 1];
  const staging = await _stage();
  let code: number;
  try {
    code = (await new Deno.Command(Deno.execPath(), {
      args: installArgs(staging, root),
      stdout: "inherit",
      stderr: "inherit",
    }).spawn().status).code;
  } finally {
    await Deno.remove(staging, { recursive: true });
  }
  if (code !== 0) Deno.exit(code);
  const bin = binFolder(root, (name) => Deno.env.get(name));
  // The installed config's folder: the command's `deno run --frozen` reads the lock there.
  await Deno.copyFile(_here("../deno.lock"), join(bin, ".team-table", "deno.lock"));
  const command = join(bin, Deno.build.os === "windows" ? "team-table.cmd" : "team-table");
  const onPath = (Deno.env.get("PATH") ?? "").split(delimiter).includes(bin);
  console.log(`\ninstalled ${command} (the versions deno.lock pins)`);
  if (onPath) {
    console.log("run: team-table --version");
  } else {
    console.log(`${bin} is not on your PATH. For this shell:`);
    console.log(
      Deno.build.os === "windows" ? `  set PATH=${bin};%PATH%` : `  export PATH="${bin}:$PATH"`,
    );
    console.log("and add that line to your shell's profile (~/.bashrc, ~/.zshrc) to keep it;");
    console.log(`or run it as ${command}`);
  }
}
