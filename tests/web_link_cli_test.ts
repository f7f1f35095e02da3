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
