/**
 * `deno task install`: the command runs the versions deno.lock pins (the lock is used as it
 * is, frozen, and left unchanged), its starts download and print nothing, and its last lines
 * say how to put it on the PATH.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { warmModule } from "../scripts/install.ts";
import { denoDir, installTeamTable } from "./support/client_clis.ts";

const _LOCK = new URL("../deno.lock", import.meta.url).pathname;

Deno.test("deno task install: the installed command uses deno.lock as it is; PATH is explained", async () => {
  const before = await Deno.readTextFile(_LOCK);
  const root = await Deno.makeTempDir({ prefix: "team-table-install-" });
  try {
    const out = await installTeamTable(root, { PATH: "/usr/bin:/bin" });
    assert.equal(out.code, 0, out.stderr);
    const bin = join(root, "bin");
    const last = out.stdout.trim().split("\n").slice(-5).join("\n");
    assert.match(
      last,
      new RegExp(`${bin} is not on your PATH. For this shell:\\n  export PATH="${bin}:\\$PATH"`),
    );
    assert.equal(await Deno.readTextFile(join(bin, ".team-table", "deno.lock")), before);
    assert.equal(await Deno.readTextFile(_LOCK), before, "the checkout's lock is unchanged");
    const script = await Deno.readTextFile(join(bin, "team-table"));
    assert.match(script, /exec deno run .*--frozen/, "runs deno by name, with the lock frozen");
    const version = await new Deno.Command(join(bin, "team-table"), { args: ["--version"] })
      .output();
    assert.equal(version.code, 0, new TextDecoder().decode(version.stderr));
    assert.match(new TextDecoder().decode(version.stdout), /^team-table \d/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/**
 * Links the npm packages of Deno's cache at `from` into the cache at `to`, without their
 * registry metadata (registry.json): the cache a user had when each start printed three
 * `Download https://registry.npmjs.org/…` lines. Nothing to link: `to` stays empty.
 */
async function _packagesWithoutMetadata(from: string, to: string): Promise<void> {
  const walk = async (source: string, target: string): Promise<void> => {
    await Deno.mkdir(target, { recursive: true });
    for await (const entry of Deno.readDir(source)) {
      const [s, t] = [join(source, entry.name), join(target, entry.name)];
      if (entry.isDirectory) await walk(s, t);
      else if (entry.isFile && entry.name !== "registry.json") {
        await Deno.link(s, t).catch(() => Deno.copyFile(s, t));
      }
    }
  };
  const npm = join(from, "npm", "registry.npmjs.org");
  if (await Deno.stat(npm).then(() => true, () => false)) {
    await walk(npm, join(to, "npm", "registry.npmjs.org"));
  }
}

Deno.test("scripts/install.ts imports each direct npm dependency at the version deno.lock pins", async () => {
  const lock = JSON.parse(await Deno.readTextFile(_LOCK));
  const pinned = (spec: string) => String(lock.specifiers[spec]).split("_")[0];
  assert.deepEqual(
    warmModule(lock).trim().split("\n").sort(),
    (lock.workspace.dependencies as string[]).map((dep) =>
      `import "npm:${dep.slice(4, dep.lastIndexOf("@"))}@${pinned(dep)}";`
    ).sort(),
  );
  assert.equal(warmModule({}), "");
});

Deno.test("deno task install: the installed command's first start prints nothing, offline too", async () => {
  const root = await Deno.makeTempDir({ prefix: "team-table-install-" });
  const cache = join(root, "deno-dir");
  try {
    await _packagesWithoutMetadata(denoDir(), cache);
    const out = await installTeamTable(root, { DENO_DIR: cache, PATH: "/usr/bin:/bin" });
    assert.equal(out.code, 0, out.stdout + out.stderr);
    // No network from here: a start that still needed the registry would say "Download".
    const offline = "http://127.0.0.1:1";
    const first = await new Deno.Command(join(root, "bin", "team-table"), {
      args: ["--version"],
      env: { DENO_DIR: cache, HTTPS_PROXY: offline, HTTP_PROXY: offline, NO_PROXY: "" },
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(first.stderr);
    assert.equal(first.code, 0, stderr);
    assert.match(new TextDecoder().decode(first.stdout), /^team-table \d/);
    assert.equal(stderr, "", "the first start writes nothing to stderr");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
