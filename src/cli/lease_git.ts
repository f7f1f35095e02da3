/**
 * What `team-table lease` needs from the repository: its root (`--root`, else `git rev-parse
 * --show-toplevel`), paths made repository-relative, the files a commit stages, and the git
 * pre-commit hook that runs `lease check --staged`.
 */
import { isAbsolute, relative, resolve } from "node:path";
import { ConfigError } from "../config.ts";

/** Runs git in `cwd`; its stdout, or a ConfigError with git's own words. */
async function _git(cwd: string, args: string[]): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    throw new ConfigError(
      `cannot run git (${error instanceof Error ? error.message : String(error)}); pass --root`,
    );
  }
  if (!out.success) {
    const said = new TextDecoder().decode(out.stderr).trim().split("\n")[0] ?? "";
    throw new ConfigError(`git ${args[0]} failed in ${cwd}: ${said}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** The repository root: `root` when given, else git's top level for `cwd`. */
export async function repositoryRoot(root: string | undefined, cwd: string): Promise<string> {
  if (root !== undefined) return resolve(cwd, root);
  return (await _git(cwd, ["rev-parse", "--show-toplevel"])).trim();
}

/**
 * `path` (absolute, or relative to `cwd`) relative to `root` in POSIX form; null when it lies
 * outside the repository (no lease can cover it).
 */
export function repositoryPath(root: string, cwd: string, path: string): string | null {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const inside = relative(root, absolute).replaceAll("\\", "/");
  if (inside === "" || inside === ".." || inside.startsWith("../") || isAbsolute(inside)) {
    return null;
  }
  return inside;
}

/** The files the next commit changes (added, copied, modified, renamed, deleted), root-relative. */
export async function stagedFiles(root: string): Promise<string[]> {
  const out = await _git(root, ["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMRD"]);
  return out.split("\0").filter((path) => path !== "");
}

/** Marks a hook file as ours, so installing again replaces it and nothing else. */
export const HOOK_MARK = "# installed by: team-table lease hook install";

/**
 * Writes `.git/hooks/pre-commit` (where git looks for it) running `command`; refuses to
 * replace a hook that is not ours. Returns its path.
 */
export async function installPreCommit(root: string, command: readonly string[]): Promise<string> {
  const hooks = resolve(root, (await _git(root, ["rev-parse", "--git-path", "hooks"])).trim());
  await Deno.mkdir(hooks, { recursive: true });
  const path = `${hooks}/pre-commit`;
  const existing = await Deno.readTextFile(path).catch(() => null);
  if (existing !== null && !existing.includes(HOOK_MARK)) {
    throw new ConfigError(
      `${path} exists and is not team-table's; add this line to it instead: ` +
        command.map(_quote).join(" "),
    );
  }
  const script = [
    "#!/bin/sh",
    HOOK_MARK,
    "# Refuses a commit that touches files another agent leased exclusively.",
    "# Bypass: git commit --no-verify",
    `exec ${command.map(_quote).join(" ")}`,
    "",
  ].join("\n");
  await Deno.writeTextFile(path, script, { mode: 0o755 });
  await Deno.chmod(path, 0o755);
  return path;
}

function _quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
