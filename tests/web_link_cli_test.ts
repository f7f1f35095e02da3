import assert from "node:assert/strict";
import { startServe } from "./support/serve_process.ts";
import { runTeamTable, tempDb } from "./support/test_agent.ts";

/** Posts a link's code as the sign-in page does; the status (303: signed in) and the cookie. */
async function follow(link: string): Promise<{ status: number; cookie: boolean }> {
  const url = new URL(link);
  const response = await fetch(`${url.origin}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: url.origin, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ code: url.searchParams.get("code") ?? "" }).toString(),
  });
  await response.body?.cancel();
  return {
    status: response.status,
    cookie: response.headers.getSetCookie().some((c) => c.startsWith("team_table_session=")),
  };
}

Deno.test("team-table web-link prints a fresh one-time sign-in link while serve runs", async () => {
  const db = await tempDb();
  const server = await startServe(db.path);
  try {
    const banner = server.stderr().match(/web view \(signs in\): +(\S+)/)?.[1] ?? "";
    assert.deepEqual(await follow(banner), { status: 303, cookie: true });
    assert.equal((await follow(banner)).cookie, false, "the banner's link is spent");

    const out = await runTeamTable(["web-link", "--url", server.url], { TEAM_TABLE_DB: db.path });
    assert.equal(out.code, 0, out.stderr);
    const link = out.stdout.trim();
    assert.ok(link.startsWith(`${server.url}/login?code=`), link);
    assert.match(out.stderr, /one use, for 15 minutes/);
    assert.deepEqual(await follow(link), { status: 303, cookie: true }, "the new link signs in");
    assert.equal((await follow(link)).cookie, false, "once");

    const bad = await runTeamTable(["web-link", "--url", "nowhere"], { TEAM_TABLE_DB: db.path });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--url: 'nowhere' is not serve's address/);
  } finally {
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("team-table web-link uses the running serve's real port; without serve it says so", async () => {
  const db = await tempDb();
  // The configured port is not serve's: serve listens on a port of its own choosing (--port 0).
  const env = { TEAM_TABLE_DB: db.path, TEAM_TABLE_PORT: "47999" };
  const configured = "http://127.0.0.1:47999/login?code=";
  try {
    const server = await startServe(db.path);
    try {
      assert.doesNotMatch(server.url, /:47999$/);
      const out = await runTeamTable(["web-link"], env);
      assert.equal(out.code, 0, out.stderr);
      assert.ok(out.stdout.startsWith(`${server.url}/login?code=`), out.stdout);
      assert.match(
        out.stderr,
        /^one use, for 15 minutes, at the serve running over .* \(pid \d+, listening since \S+\)$/m,
      );
      assert.deepEqual(await follow(out.stdout.trim()), { status: 303, cookie: true });
      const given = await runTeamTable(["web-link", "--url", "http://example.test:1"], env);
      assert.ok(given.stdout.startsWith("http://example.test:1/login?code="), "--url wins");
    } finally {
      assert.equal(await server.stop(), 0);
    }
    // Stopped: its address is cleared, and the link is for the configured port, said so.
    const stopped = await runTeamTable(["web-link"], env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.ok(stopped.stdout.startsWith(configured), stopped.stdout);
    assert.match(
      stopped.stderr,
      /^no serve is running over \S+: the link uses the configured address, port 47999 \(TEAM_TABLE_HOST, TEAM_TABLE_PORT\); start 'team-table serve' there within 15 minutes, or give --url\. One use\.$/m,
    );

    // A serve that died without stopping left its address behind: its process is gone, so it
    // is not taken for running.
    const crashed = await startServe(db.path);
    crashed.child.kill("SIGKILL");
    await crashed.stop();
    const dead = await runTeamTable(["web-link"], env);
    assert.equal(dead.code, 0, dead.stderr);
    assert.ok(dead.stdout.startsWith(configured), dead.stdout);
    assert.ok(
      dead.stderr.includes(
        `no serve is running over ${db.path} (the last one listened at ` +
          `${crashed.url}): the link uses the configured address, port 47999`,
      ),
      dead.stderr,
    );
  } finally {
    await db.cleanup();
  }
});
