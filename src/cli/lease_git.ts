/**
 * What `team-table lease` needs from the repository: its root (`--root`, else `git rev-parse
 * --show-toplevel`), paths made repository-relative, the files a commit stages, and the git
 * pre-commit hook that runs `lease check --staged`.
 */
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
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

/**
 * The repository root, symlinks resolved: `root` when given, else git's top level for `cwd`.
 */
export async function repositoryRoot(root: string | undefined, cwd: string): Promise<string> {
  if (root !== undefined) return await realPathOf(resolve(cwd, root));
  const top = (await _git(await _existingFolder(cwd), ["rev-parse", "--show-toplevel"])).trim();
  return await realPathOf(top);
}

/**
 * What an edit of `path` (absolute, or relative to `cwd`, which need not exist) really touches:
 * its repository (`root`, else the one holding the file as named, else the one holding the
 * file it resolves to) and the root-relative paths of the file as named (its folders
 * resolved) and of the file it is (a symlink followed), so that a symlinked checkout, folder
 * or file, or a cwd outside the repository, hides no leased file. Null: in no repository.
 */
export async function editedPaths(
  path: string,
  cwd: string,
  root: string | undefined,
): Promise<{ root: string; paths: string[] } | null> {
  // joined as written: `..` is applied only once the folders before it are resolved
  const absolute = isAbsolute(path) ? path : `${cwd}/${path}`;
  const named = join(await realPathOf(dirname(absolute)), basename(absolute));
  const real = await realPathOf(absolute);
  let top: string | undefined;
  if (root !== undefined) top = await realPathOf(resolve(cwd, root));
  for (const file of [named, real]) {
    if (top !== undefined) break;
    top = await repositoryRoot(undefined, dirname(file)).catch((error) => {
      if (error instanceof ConfigError) return undefined;
      throw error;
    });
  }
  if (top === undefined) return null;
  const inside = [named, real].flatMap((file) => repositoryPath(top, top, file) ?? []);
  return { root: top, paths: [...new Set(inside)] };
}

/** How many symlinks `realPathOf` follows before it gives up (as the kernel's ELOOP). */
const _SYMLINKS_MAX = 40;

/**
 * `path` (absolute, or relative to the process's cwd) with every symlink resolved, as the
 * kernel walks it: part by part from the root, a `..` taking the parent of the folder reached
 * so far (after a symlinked folder, its target's parent), a missing part and the rest kept as
 * written; a dangling symlink resolves to its target (writing through it creates that file).
 */
export async function realPathOf(path: string): Promise<string> {
  const absolute = isAbsolute(path) ? path : `${resolve(".")}/${path}`;
  return await _walk(_ROOT, absolute.split(/[\\/]/), { links: 0 });
}

const _ROOT = resolve("/");

async function _walk(from: string, parts: readonly string[], seen: { links: number }) {
  let at = from;
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      at = dirname(at);
      continue;
    }
    const next = join(at, part);
    const info = await Deno.lstat(next).catch(() => null);
    if (info?.isSymlink && seen.links++ < _SYMLINKS_MAX) {
      const target = await Deno.readLink(next);
      at = await _walk(isAbsolute(target) ? _ROOT : at, target.split(/[\\/]/), seen);
      continue;
    }
    at = next;
  }
  return at;
}

/** `path` or its nearest ancestor that is an existing folder (git runs there). */
async function _existingFolder(path: string): Promise<string> {
  for (let at = resolve(path);; at = dirname(at)) {
    const folder = await Deno.stat(at).then((info) => info.isDirectory, () => false);
    if (folder || dirname(at) === at) return at;
  }
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
