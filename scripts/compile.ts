/**
 * Builds the single executable with `deno compile`: the role templates and default rules are
 * part of the module graph (as data, src/definitions/shipped_definitions.ts, generated from
 * roles/ and rules/ by `deno task generate`), so they are embedded; nothing is read from the
 * source tree at run time. It is built from the bundle (scripts/bundle.ts): our modules in a
 * few files, which a starting server loads faster than ~115 (the npm packages are embedded as
 * from source).
 *
 *   deno task compile                 dist/team-table for this machine
 *   deno task compile --all           dist/team-table-<target>[.exe] for every release target
 *   deno task compile --target T      one target
 */
import { bundle, CONFIG } from "./bundle.ts";
import { PERMISSION_FLAGS } from "./permissions.ts";

export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/**
 * The `deno compile` arguments for one output from the bundle's `entry` (and target, when
 * cross-compiling).
 */
export function compileArgs(output: string, entry: string, target?: string): string[] {
  return [
    "compile",
    ...PERMISSION_FLAGS,
    "--config",
    CONFIG,
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    entry,
  ];
}

let _entry: Promise<string> | undefined;

async function build(output: string, target?: string): Promise<void> {
  const entry = await (_entry ??= bundle());
  const status = await new Deno.Command(Deno.execPath(), {
    args: compileArgs(output, entry, target),
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) throw new Error(`deno compile failed for ${target ?? "this machine"}`);
}

if (import.meta.main) {
  const args = Deno.args;
  if (args.includes("--all")) {
    for (const target of TARGETS) {
      await build(`dist/team-table-${target}${target.includes("windows") ? ".exe" : ""}`, target);
    }
  } else if (args.includes("--target")) {
    const target = args[args.indexOf("--target") + 1];
    if (!target || !TARGETS.some((t) => t === target)) {
      console.error(`--target must be one of ${TARGETS.join(", ")}`);
      Deno.exit(2);
    }
    await build(`dist/team-table-${target}${target.includes("windows") ? ".exe" : ""}`, target);
  } else {
    await build("dist/team-table");
  }
}
