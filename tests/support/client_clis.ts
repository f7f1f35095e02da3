/**
 * The real MCP clients' CLIs (Claude Code, Codex) and an installed `team-table` command, for
 * tests of `team-table setup`. The CLIs are taken from the PATH, else installed once from npm
 * into a folder under the system's temporary folder (kept across runs); a client that cannot
 * be installed is null with the reason, and its tests are skipped saying so.
 */
import { join } from "node:path";

/** Pinned so a new release changing its config format cannot break the suite unnoticed. */
const _PACKAGES = ["@anthropic-ai/claude-code@2.1.197", "@openai/codex@0.171.0"];

export interface ClientClis {
  /** A folder holding `claude` and `codex`, for the PATH. */
  bin: string;
}

async function _runs(program: string, env: Record<string, string> = {}): Promise<boolean> {
  try {
    const out = await new Deno.Command(program, {
      args: ["--version"],
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

let _clis: Promise<ClientClis | string> | undefined;

/** The CLIs, or why they cannot be had here. */
export function clientClis(): Promise<ClientClis | string> {
  _clis ??= (async () => {
    const prefix = join(Deno.env.get("TMPDIR") ?? "/tmp", "team-table-test-clients");
    const bin = join(prefix, "bin");
    const ready = async () =>
      await _runs(join(bin, "claude"), { HOME: prefix }) &&
      await _runs(join(bin, "codex"), { HOME: prefix });
    if (await ready()) return { bin };
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command("npm", {
        args: ["install", "--global", "--prefix", prefix, "--no-fund", "--no-audit", ..._PACKAGES],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (error) {
      return `npm is not installed (${error instanceof Error ? error.message : error})`;
    }
    if (!out.success) {
      const said = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" ");
      return `npm install ${_PACKAGES.join(" ")} failed: ${said}`;
    }
    return (await ready()) ? { bin } : `${_PACKAGES.join(" ")} installed but do not run`;
  })();
  return _clis;
}

let _installed: Promise<string> | undefined;

/**
 * A folder with the `team-table` command: the compiled binary's when TEAM_TABLE_BIN names one,
 * else one `deno task install --root` writes (once per test process).
 */
export function installedTeamTable(): Promise<string> {
  _installed ??= (async () => {
    const binary = Deno.env.get("TEAM_TABLE_BIN");
    if (binary) {
      const dir = await Deno.makeTempDir({ prefix: "team-table-bin-" });
      await Deno.symlink(await Deno.realPath(binary), join(dir, "team-table"));
      return dir;
    }
    const root = await Deno.makeTempDir({ prefix: "team-table-root-" });
    const out = await installTeamTable(root);
    if (out.code !== 0) throw new Error(`deno task install failed:\n${out.stdout}${out.stderr}`);
    return join(root, "bin");
  })();
  return _installed;
}

/** Runs `deno task install --root ROOT` (scripts/install.ts) with `env` added. */
export async function installTeamTable(
  root: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = new URL("../../scripts/install.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      script,
      "--root",
      root,
    ],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Deno's module cache as this process uses it, so a changed HOME downloads nothing. */
export function denoDir(): string {
  const home = Deno.env.get("HOME") ?? "";
  return Deno.env.get("DENO_DIR") ??
    (Deno.build.os === "darwin"
      ? join(home, "Library", "Caches", "deno")
      : join(Deno.env.get("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno"));
}
