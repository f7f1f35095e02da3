/**
 * The web view's sign-in: server-side sessions, one-time links, sign-out, the defence against
 * cross-port request forgery, limited and audited failures, and cookies that cannot crash it.
 */
import assert from "node:assert/strict";
import { agentActor } from "../src/core/actor.ts";
import { createHandler } from "../src/http/create_handler.ts";
import {
  MAX_WEB_SESSIONS,
  SIGN_IN_CODE_TTL_MS,
  WEB_SESSION_TTL_MS,
} from "../src/http/web_sessions.ts";
import { createLogger } from "../src/log.ts";
import { SSENotificationBackend } from "../src/notify/sse_notification_backend.ts";
import { startServe } from "./support/serve_process.ts";
import { testSession } from "./support/temp_table.ts";
import { tempHandler } from "./support/temp_handler.ts";
import { tempDb } from "./support/test_agent.ts";
import { cookieOf, csrfOf, postSignIn, signIn } from "./support/web_session.ts";

const TOKEN = "web-session-test-token-0123456789";
const BASE = "http://127.0.0.1:8741";

function setup() {
  const s = tempHandler({ token: TOKEN, operator: "ops" });
  s.t.table.members.register({ session: testSession("alice"), name: "alice" });
  const fetchAs = (path: string, init: RequestInit = {}) =>
    s.handler.fetch(new Request(`${BASE}${path}`, init));
  return { ...s, fetchAs };
}

Deno.test("web session: the form starts a session; the cookie holds its id, not the token", async () => {
  await using s = setup();
  const response = await postSignIn(s.handler, BASE, { token: TOKEN }, "10.0.0.7");
  assert.equal(response.status, 303);
  assert.equal(response.headers.get("location"), "/");
  const [session, old] = response.headers.getSetCookie();
  assert.match(
    session ?? "",
    /^team_table_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=604800$/,
  );
  assert.doesNotMatch(session ?? "", /Secure/, "not over plain http");
  assert.match(old ?? "", /^team_table_token=; .*Max-Age=0$/, "the old token cookie is cleared");
  const cookie = cookieOf(response) ?? "";
  assert.ok(!cookie.includes(TOKEN));
  const id = cookie.split("=")[1] ?? "";
  const stored = JSON.stringify(s.t.db.prepare("SELECT * FROM web_sessions").all());
  assert.ok(!stored.includes(id), "only a hash of the session id is stored");
  assert.ok(!stored.includes(TOKEN), "nor the token");
  const page = await s.fetchAs("/", { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.match(csrfOf(await page.text()), /^[A-Za-z0-9_-]{43}$/);
  const signedIn = s.t.table.audit.query({ action: "web.signed_in" });
  assert.deepEqual(signedIn.map((e) => [e.agent, e.details]), [
    ["human:ops", { address: "10.0.0.7", via: "token" }],
  ]);
  const again = await s.fetchAs("/login", { headers: { cookie } });
  assert.equal([again.status, again.headers.get("location")].join(" "), "303 /", "signed in");
  const secure = await s.handler.fetch(
    new Request("https://127.0.0.1:8741/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: TOKEN }),
    }),
  );
  assert.match(secure.headers.getSetCookie()[0] ?? "", /; Secure; Max-Age=/, "Secure over https");
});

Deno.test("web session: a sign-in link's code works once, and not after 15 minutes", async () => {
  await using s = setup();
  const code = s.handler.issueSignInCode() ?? "";
  const page = await s.fetchAs(`/login?code=${code}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.match(html, new RegExp(`name="code" value="${code}"`), "the page posts the code");
  assert.match(html, /data-mode="link"/);
  const first = await postSignIn(s.handler, BASE, { code });
  assert.equal(first.status, 303);
  assert.ok(cookieOf(first));
  const second = await postSignIn(s.handler, BASE, { code });
  assert.equal(second.status, 401);
  assert.match(await second.text(), /expired or was already used/);
  assert.equal(cookieOf(second), undefined);
  const late = s.handler.issueSignInCode() ?? "";
  s.advance(SIGN_IN_CODE_TTL_MS);
  const expired = await postSignIn(s.handler, BASE, { code: late });
  assert.equal(expired.status, 401);
  await expired.body?.cancel();
  assert.deepEqual(
    s.t.table.audit.query({ action: "web.signed_in" }).map((e) => e.details["via"]),
    ["link"],
  );
  const mangled = await s.fetchAs("/login?code=%3Cb%3Ebold%3C%2Fb%3E");
  assert.equal(mangled.status, 400);
  assert.doesNotMatch(await mangled.text(), /bold/, "nothing of the URL is echoed");
  const oldLink = await s.fetchAs(`/login?token=${TOKEN}`);
  assert.equal(oldLink.status, 400);
  assert.match(await oldLink.text(), /no longer carry the token/);
  assert.equal(cookieOf(oldLink), undefined, "a token in the URL signs nobody in");
});

Deno.test("web session: sign-out by POST revokes it; the old cookie is signed out", async () => {
  await using s = setup();
  const web = await signIn(s.handler, BASE, TOKEN);
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({
    method: "POST",
    headers: {
      cookie: web.cookie,
      origin: BASE,
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
  const forged = await s.fetchAs("/logout", form({ csrf: "wrong" }));
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /Sign-out refused/);
  const foreign = await s.fetchAs(
    "/logout",
    form({ csrf: web.csrf }, { origin: "http://127.0.0.1:9999" }),
  );
  assert.equal(foreign.status, 403);
  await foreign.body?.cancel();
  const still = await s.fetchAs("/api/overview", { headers: web.read });
  assert.equal(still.status, 200, "a refused sign-out leaves the session");
  await still.body?.cancel();
  const out = await s.fetchAs("/logout", form({ csrf: web.csrf }));
  assert.equal(out.status, 303);
  assert.equal(out.headers.get("location"), "/login");
  assert.match(out.headers.getSetCookie()[0] ?? "", /^team_table_session=; .*Max-Age=0$/);
  const api = await s.fetchAs("/api/overview", { headers: web.read });
  assert.equal(api.status, 401, "the session is gone on the server, not just in the browser");
  await api.body?.cancel();
  const page = await s.fetchAs("/", { headers: web.read });
  assert.equal(page.status, 401);
  assert.match(await page.text(), /Access token/);
  const get = await s.fetchAs("/logout");
  assert.equal(get.status, 405, "never by GET (a link or an image could sign you out)");
  await get.body?.cancel();
  assert.deepEqual(
    s.t.table.audit.query({ action: "web.signed_out" }).map((e) => e.agent),
    ["human:ops"],
  );
});

Deno.test("web session: a forged change from another port is refused, and nothing is written", async () => {
  await using s = setup();
  const web = await signIn(s.handler, BASE, TOKEN);
  const before = s.t.table.audit.query({}).length;
  const message = JSON.stringify({ to: "*", content: "forged" });
  const attempts: [string, Record<string, string>, number, string][] = [
    ["another port", { ...web.write, origin: "http://127.0.0.1:9999" }, 403, "forbidden_origin"],
    ["another host", { ...web.write, origin: "http://localhost:8741" }, 403, "forbidden_origin"],
    ["another scheme", { ...web.write, origin: "https://127.0.0.1:8741" }, 403, "forbidden_origin"],
    ["no origin", _without(web.write, "origin"), 403, "forbidden_origin"],
    ["no CSRF token", _without(web.write, "x-csrf-token"), 403, "csrf"],
    ["a wrong CSRF token", { ...web.write, "x-csrf-token": "x".repeat(43) }, 403, "csrf"],
    ["a text/plain body", { ...web.write, "content-type": "text/plain" }, 415, ""],
    ["no content type", _without(web.write, "content-type"), 415, ""],
  ];
  for (const [what, headers, status, error] of attempts) {
    const response = await s.fetchAs("/api/messages", { method: "POST", headers, body: message });
    assert.equal(response.status, status, what);
    const body = await response.json();
    if (error) assert.equal(body.error, error, what);
    assert.ok(body.message.length > 20, `${what}: says why (${body.message})`);
  }
  const patch = await s.fetchAs("/api/tasks/1", {
    method: "PATCH",
    headers: { ...web.write, origin: "http://127.0.0.1:9999" },
    body: JSON.stringify({ status: "done" }),
  });
  assert.equal(patch.status, 403);
  await patch.body?.cancel();
  assert.equal(s.t.table.audit.query({}).length, before, "nothing written");
  assert.deepEqual(s.t.table.messages.inbox({ by: agentActor("alice") }).messages, []);
  const genuine = await s.fetchAs("/api/messages", {
    method: "POST",
    headers: { ...web.write, "content-type": "application/json; charset=utf-8" },
    body: message,
  });
  assert.equal(genuine.status, 201, "the page's own request passes");
  await genuine.body?.cancel();
});

Deno.test("web session: failed sign-ins are limited per address (429, Retry-After) and audited in summary", async () => {
  await using s = setup();
  for (let i = 1; i <= 10; i++) {
    const response = await postSignIn(s.handler, BASE, { token: `wrong-${i}` }, "10.0.0.9");
    assert.equal(response.status, 401, `attempt ${i}`);
    await response.body?.cancel();
    s.advance(1_000);
  }
  const limited = await postSignIn(s.handler, BASE, { token: "wrong-11" }, "10.0.0.9");
  assert.equal(limited.status, 429, "a wrong token waits");
  assert.equal(limited.headers.get("retry-after"), "50");
  assert.match(
    await limited.text(),
    /Too many failed sign-ins from 10\.0\.0\.9: try again in 50 s/,
  );
  const elsewhere = await postSignIn(s.handler, BASE, { token: TOKEN }, "10.0.0.10");
  assert.equal(elsewhere.status, 303, "another address is not affected");
  const failures = s.t.table.audit.query({ action: "web.sign_in_failed" }).reverse();
  assert.deepEqual(
    failures.map((e) => [e.agent, e.details["address"], e.details["failures_since_last_entry"]]),
    [[null, "10.0.0.9", 1], [null, "10.0.0.9", 9]],
    "one entry for the first failure, one when the address is limited",
  );
  assert.equal(failures[1]?.details["limited_until"], "2026-01-01T00:01:00.000Z");
  // Ten wrong tokens from a shared address (loopback, a proxy) must not lock the operator out:
  // the right token signs in while the address is limited, and clears it.
  const right = await postSignIn(s.handler, BASE, { token: TOKEN }, "10.0.0.9");
  assert.equal(right.status, 303, "the right token is never turned away");
  const summary = s.t.table.audit.query({ action: "web.sign_in_failed", limit: 1 })[0];
  assert.equal(summary?.details["failures_since_last_entry"], 1, "the refused attempt is counted");
  const cleared = await postSignIn(s.handler, BASE, { token: "wrong-12" }, "10.0.0.9");
  assert.equal(cleared.status, 401, "a sign-in clears the address's failures");
  await cleared.body?.cancel();
  for (let i = 0; i < 3; i++) {
    const response = await postSignIn(s.handler, BASE, { token: "wrong" }, "10.0.0.11");
    await response.body?.cancel();
  }
  s.handler.auditSignInFailures();
  s.advance(60_000);
  s.handler.auditSignInFailures();
  const pending = s.t.table.audit.query({ action: "web.sign_in_failed", limit: 2 });
  assert.deepEqual(
    pending.map((e) => [e.details["address"], e.details["failures_since_last_entry"]]),
    [["10.0.0.11", 2], ["10.0.0.11", 1]],
    "failures after an entry are written a minute later, even if no attempt follows",
  );
});

Deno.test("web session: malformed, unknown and stale cookies are signed out, never a 500", async () => {
  await using s = setup();
  const web = await signIn(s.handler, BASE, TOKEN);
  for (
    const cookie of [
      "team_table_session=%E0%A4%A",
      "team_table_session=",
      "team_table_session",
      `team_table_session=${"A".repeat(43)}`,
      `team_table_session=${"é".repeat(43)}`,
      `team_table_token=${TOKEN}`,
      "=; ;;=x; team_table_session=%",
    ]
  ) {
    const requests = [["GET", "/"], ["GET", "/api/overview"], ["POST", "/logout"]] as const;
    for (const [method, path] of requests) {
      const response = await s.fetchAs(path, {
        method,
        headers: { cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" },
        ...(method === "POST" ? { body: "csrf=x" } : {}),
      });
      assert.ok(
        response.status >= 300 && response.status < 500,
        `${method} ${path} with '${cookie}': ${response.status}`,
      );
      assert.doesNotMatch(await response.text(), /at .*\.ts:\d+/, "no stack trace");
    }
  }
  s.advance(WEB_SESSION_TTL_MS);
  const expired = await s.fetchAs("/api/overview", { headers: web.read });
  assert.equal(expired.status, 401, "a session ends after its time");
  await expired.body?.cancel();
});

Deno.test("web session: sessions survive a restart, end with a new operator token, and are bounded", async () => {
  await using s = setup();
  const web = await signIn(s.handler, BASE, TOKEN);
  const restart = (token: string) =>
    createHandler({
      table: s.t.table,
      logger: createLogger("error"),
      backend: new SSENotificationBackend(),
      token,
      bindHost: "127.0.0.1",
      allowOrigins: [],
      sessionIdleMs: 60_000,
      dbPath: s.t.path,
    });
  const again = restart(TOKEN);
  const kept = await again.fetch(new Request(`${BASE}/api/overview`, { headers: web.read }));
  assert.equal(kept.status, 200, "the same session after a restart");
  await kept.body?.cancel();
  await again.close();
  const rotated = restart("another-operator-token-0123456789");
  const ended = await rotated.fetch(new Request(`${BASE}/api/overview`, { headers: web.read }));
  assert.equal(ended.status, 401, "a new operator token ends the old sessions");
  await ended.body?.cancel();
  await rotated.close();
  for (let i = 0; i < MAX_WEB_SESSIONS; i++) {
    s.advance(1);
    const response = await postSignIn(s.handler, BASE, { token: TOKEN });
    await response.body?.cancel();
  }
  const count = s.t.db.prepare("SELECT count(*) AS n FROM web_sessions").get()?.["n"];
  assert.equal(count, MAX_WEB_SESSIONS);
  const oldest = await s.fetchAs("/api/overview", { headers: web.read });
  assert.equal(oldest.status, 401, "the oldest session made room");
  await oldest.body?.cancel();
});

Deno.test("web session: serve prints a one-time sign-in link, not the token", async () => {
  const db = await tempDb();
  const server = await startServe(db.path);
  try {
    const banner = server.stderr();
    const link = banner.match(/web view \(signs in\): +(\S+)/)?.[1] ?? "";
    assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/login\?code=[A-Za-z0-9_-]{43}$/);
    assert.match(banner, /one use, for 15 minutes/);
    assert.ok(!link.includes(server.token));
    const code = new URL(link).searchParams.get("code") ?? "";
    const signInWith = () =>
      fetch(`${server.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { origin: server.url, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ code }),
      });
    const first = await signInWith();
    assert.equal(first.status, 303);
    await first.body?.cancel();
    const cookie = cookieOf(first) ?? "";
    const api = await fetch(`${server.url}/api/overview`, { headers: { cookie } });
    assert.equal(api.status, 200);
    await api.body?.cancel();
    const second = await signInWith();
    assert.equal(second.status, 401, "the link is spent");
    await second.body?.cancel();
  } finally {
    await server.stop();
    await db.cleanup();
  }
});

function _without(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
}
