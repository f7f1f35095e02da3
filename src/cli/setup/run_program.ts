/** Runs a client's CLI (claude, codex) and hands back what it said. */
import { ConfigError } from "../../config.ts";

export interface ProgramOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `program args` in `cwd`; null when the program is not installed. */
export async function runProgram(
  program: string,
  args: readonly string[],
  cwd: string,
): Promise<ProgramOutput | null> {
  try {
    const out = await new Deno.Command(program, {
      args: [...args],
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Runs `program args`, or throws a ConfigError with its own words when it fails. */
export async function mustRun(program: string, args: readonly string[], cwd: string) {
  const out = await runProgram(program, args, cwd);
  if (out === null) throw new ConfigError(`${program} is not installed (not on the PATH)`);
  if (out.code !== 0) {
    const said = (out.stderr.trim() || out.stdout.trim()).split("\n").slice(-3).join(" ");
    throw new ConfigError(`${program} ${args.slice(0, 2).join(" ")} failed: ${said}`);
  }
  return out;
}

/** The first line of `program --version`, or null when it is not installed. */
export async function versionOf(program: string, cwd: string): Promise<string | null> {
  const out = await runProgram(program, ["--version"], cwd).catch(() => null);
  if (out === null || out.code !== 0) return null;
  const line = out.stdout.split("\n").find((l) => l.trim() !== "" && !/^WARNING/.test(l));
  return line?.trim() ?? program;
}

/** A command line as a POSIX shell reads it. */
export function shellLine(words: readonly string[]): string {
  return words.map((w) => /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}
