/**
 * `deno task install`: the command runs the versions deno.lock pins (the lock is used as it
 * is, frozen, and left unchanged), and its last lines say how to put it on the PATH.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { installTeamTable } from "./support/client_clis.ts";

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
