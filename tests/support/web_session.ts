/** Signing in to the web view of an in-process handler, as the page does. */
import assert from "node:assert/strict";
import type { TeamTableHandler } from "../../src/http/create_handler.ts";

/** A signed-in browser: its cookie, its page's CSRF token, and the headers the page sends. */
export interface WebSignIn {
  cookie: string;
  csrf: string;
  /** For reads: the cookie. */
  read: Record<string, string>;
  /** For changes: the cookie, the CSRF token, the page's origin and JSON. */
  write: Record<string, string>;
}

/** The `name=value` of a Set-Cookie header of `response` for `name`. */
export function cookieOf(response: Response, name = "team_table_session"): string | undefined {
  return response.headers.getSetCookie().map((c) => c.split(";")[0] ?? "")
    .find((pair) => pair.startsWith(`${name}=`) && pair.length > name.length + 1);
}

/** The CSRF token a page carries. */
export function csrfOf(html: string): string {
  const found = html.match(/<meta name="csrf-token" content="([^"]*)">/)?.[1];
  assert.ok(found, "the page carries a CSRF token");
  return found;
}

/** Posts a sign-in form (the token, or a link's code) from the page's own origin. */
export function postSignIn(
  handler: TeamTableHandler,
  base: string,
  form: Record<string, string>,
  address = "127.0.0.1",
): Promise<Response> {
  return handler.fetch(
    new Request(`${base}/login`, {
      method: "POST",
      headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    }),
    { remoteAddr: { hostname: address } },
  );
}

/** Signs in with the operator token through the form and opens the page. */
export async function signIn(
  handler: TeamTableHandler,
  base: string,
  token: string,
): Promise<WebSignIn> {
  const response = await postSignIn(handler, base, { token });
  assert.equal(response.status, 303, await response.text());
  const cookie = cookieOf(response);
  assert.ok(cookie, "sign-in sets the session cookie");
  const page = await handler.fetch(new Request(`${base}/`, { headers: { cookie } }));
  assert.equal(page.status, 200);
  const csrf = csrfOf(await page.text());
  return {
    cookie,
    csrf,
    read: { cookie },
    write: {
      cookie,
      "x-csrf-token": csrf,
      origin: base,
      "content-type": "application/json",
    },
  };
}
