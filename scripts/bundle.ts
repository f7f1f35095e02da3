/**
 * Bundles team-table's own modules (main.ts and src/) into a few files: `main.js` with what a
 * stdio server loads, and a chunk for each part loaded on demand (`serve`, the other commands,
 * the YAML reader of user files). The npm packages stay imports, resolved through deno.json's
 * import map as from source. A stdio server then loads ~15 of our files instead of ~115, which
 * is most of what its start cost over the bare SDK server (see docs/performance.md). `deno task
 * compile` builds the binary from the bundle, and `deno task bench` measures it.
 *
 *   deno task bundle                  dist/bundle/
 */

const ROOT = new URL("../", import.meta.url).pathname;

/** The configuration file a bundle runs with (its import map resolves the npm packages). */
export const CONFIG = `${ROOT}deno.json`;

/** Where `deno task bundle` writes, and the entry point in it. */
export const BUNDLE_DIR = `${ROOT}dist/bundle`;
export const bundleEntry = (dir = BUNDLE_DIR): string => `${dir}/main.js`;

/** Bundles main.ts into `dir` (emptied first); returns the entry point. */
export async function bundle(dir = BUNDLE_DIR): Promise<string> {
  await Deno.remove(dir, { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--config",
      CONFIG,
      "--platform=deno",
      "--code-splitting",
      ..._externals().flatMap((name) => ["--external", name]),
      "--outdir",
      dir,
      `${ROOT}main.ts`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(output.stderr)}`);
  }
  return bundleEntry(dir);
}

/** Every npm package of the import map (`zod`, `@modelcontextprotocol/sdk/*`...). */
function _externals(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(CONFIG)) as { imports: Record<string, string> };
  return [
    "npm:*",
    ...Object.keys(config.imports).map((key) => key.endsWith("/") ? `${key}*` : key),
  ];
}

if (import.meta.main) console.log(await bundle());
