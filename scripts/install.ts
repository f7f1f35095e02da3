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
 * finds it. It also fills Deno's module cache (the one the command uses: DENO_DIR, else
 * Deno's default; the command sets neither), npm registry metadata included, so a start
 * downloads and prints nothing (see warmArgs). The command runs `deno` by name, so upgrading
 * Deno keeps it working; after moving the checkout, run this again (MCP client entries and
 * hooks name the command, not the checkout).
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

const _WARM_MODULE = "warm_npm_metadata.ts";

/**
 * The `deno cache` arguments that store, for each direct npm dependency, the registry metadata
 * (`registry.json`) a start looks for. With a lock, installing needs only the tarballs; a start
 * that finds no metadata fetches it in the background, and a short run (`--version`, a hook)
 * exits before it is saved: every start printed `Download https://registry.npmjs.org/…`, and
 * `deno install`/`deno cache`, which race the same way, left it missing more often than not.
 * Importing the exact versions the lock pins (specifiers new to the lock) makes `deno cache`
 * resolve them, which fetches and saves the metadata before it exits (it fails if it cannot).
 * The versions stay the lock's: the staged copy of the lock takes the new specifiers and is
 * thrown away with the staging folder.
 */
export function warmArgs(staging: string): string[] {
  return [
    "cache",
    "--config",
    join(staging, "deno.json"),
    "--lock",
    join(staging, "deno.lock"),
    join(staging, _WARM_MODULE),
  ];
}

/** `import "npm:NAME@VERSION";` for each direct npm dependency, at the version deno.lock pins. */
export function warmModule(lock: {
  specifiers?: Record<string, string>;
  workspace?: { dependencies?: string[] };
}): string {
  return (lock.workspace?.dependencies ?? [])
    .filter((dep) => dep.startsWith("npm:"))
    .flatMap((dep) => {
      const pinned = lock.specifiers?.[dep];
      const name = dep.slice("npm:".length, dep.lastIndexOf("@"));
      // "1.32.2_zod@4.6.7": the version, then the peer dependencies it was resolved with.
      return pinned && name ? [`import "npm:${name}@${pinned.split("_")[0]}";\n`] : [];
    })
    .join("");
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
  const lock = JSON.parse(await Deno.readTextFile(_here("../deno.lock")));
  await Deno.writeTextFile(join(staging, _WARM_MODULE), warmModule(lock));
  return staging;
}

/** Runs `deno ARGS`, its output shown; returns its exit code. */
async function _deno(args: string[]): Promise<number> {
  return (await new Deno.Command(Deno.execPath(), { args, stdout: "inherit", stderr: "inherit" })
    .spawn().status).code;
}

/** Runs `deno ARGS` quietly; when it fails, its output is shown (without Rust's backtrace). */
async function _quietDeno(args: string[]): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
    .output();
  if (out.code !== 0) {
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    console.error(text.split(/\n\s*Stack backtrace:/)[0]!.trimEnd());
  }
  return out.code;
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--root");
  const root = at === -1 ? undefined : Deno.args[at + 1];
  const staging = await _stage();
  let code: number;
  let warmed: number | undefined;
  try {
    code = await _deno(installArgs(staging, root));
    if (code === 0) warmed = await _quietDeno(warmArgs(staging));
  } finally {
    await Deno.remove(staging, { recursive: true });
  }
  if (code !== 0) Deno.exit(code);
  const bin = binFolder(root, (name) => Deno.env.get(name));
  // The installed config's folder: the command's `deno run --frozen` reads the lock there.
  await Deno.copyFile(_here("../deno.lock"), join(bin, ".team-table", "deno.lock"));
  const command = join(bin, Deno.build.os === "windows" ? "team-table.cmd" : "team-table");
  if (warmed !== 0) {
    console.error(
      `team-table: installed ${command}, but caching the npm registry metadata failed (above):` +
        " until it is cached, each start prints 'Download https://registry.npmjs.org/…' lines." +
        " Run 'deno task install' again once the registry is reachable.",
    );
    Deno.exit(1);
  }
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
