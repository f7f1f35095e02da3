/**
 * Signing in to the web view and out of it. `GET /login` shows the form (or, with `?code=`
 * from the banner's one-time link, a page that posts the code at once); `POST /login` takes
 * the operator token or a code and starts a server-side session (the cookie holds only its
 * id); `POST /logout` ends it. Failed sign-ins are limited per client address and summarised
 * in the audit log; sign-ins and sign-outs are audited.
 */
import { humanActor, SYSTEM_ACTOR } from "../core/actor.ts";
import type { Table } from "../core/table.ts";
import { tokensMatch } from "./access_token.ts";
import { BodyTimeoutError, readBody } from "./body_deadline.ts";
import { htmlResponse, seeOther } from "./html_response.ts";
import type { SignInLimiter } from "./sign_in_limiter.ts";
import { foreignOrigin, type WebAuth } from "./web_access.ts";
import { clearSessionCookie, sessionCookie, setSessionCookie } from "./web_session_cookie.ts";
import { isWebSecret, WEB_SESSION_TTL_MS, type WebSessions } from "./web_sessions.ts";
import login from "./web/login.html" with { type: "text" };

/** The largest sign-in or sign-out form read. */
const _FORM_LIMIT_BYTES = 8 * 1024;

export interface SignInDeps {
  table: Table;
  /** The name humans act under (as human:NAME). */
  operator: string;
  auth: WebAuth;
  limiter: SignInLimiter;
  now: () => number;
}

/** What a sign-in request needs besides the request: where it comes from. */
export interface SignInRequest {
  req: Request;
  url: URL;
  /** The client address (the limit and the audit entries are per address). */
  address: string;
}

/** The sign-in page: the token form, or (`code`) the page that posts a link's code. */
export function loginPage(
  options: {
    error?: string;
    code?: string;
    status?: number;
    headers?: Record<string, string>;
    cookies?: string[];
  } = {},
): Response {
  const body = login
    .replace("__MODE__", options.code === undefined ? "token" : "link")
    .replace("__CODE__", options.code ?? "")
    .replace("<!--error-->", _escape(options.error ?? ""));
  return htmlResponse(body, {
    status: options.status ?? 200,
    headers: options.headers ?? {},
    cookies: options.cookies ?? [],
  });
}

/** `GET /login`, `POST /login` and `POST /logout`. */
export async function signInRoute(request: SignInRequest, deps: SignInDeps): Promise<Response> {
  const { req, url } = request;
  const sessions = deps.auth.sessions;
  if (sessions === undefined) return seeOther("/");
  if (url.pathname === "/logout") return await _signOut(request, deps);
  if (req.method === "POST") return await _signIn(request, deps, sessions);
  if (deps.auth.session(req)) return seeOther("/");
  const code = url.searchParams.get("code");
  if (code !== null) {
    return isWebSecret(code) ? loginPage({ code }) : loginPage({
      status: 400,
      error: "That sign-in link is not whole: sign in with the token.",
    });
  }
  if (url.searchParams.has("token")) {
    return loginPage({
      status: 400,
      error: "Sign-in links no longer carry the token: enter it here, or use the one-time " +
        "link the serve banner prints.",
    });
  }
  const cookies = sessionCookie(req) === undefined ? [] : clearSessionCookie(url);
  return loginPage({ cookies });
}

async function _signIn(
  request: SignInRequest,
  deps: SignInDeps,
  sessions: WebSessions,
): Promise<Response> {
  const { req, url, address } = request;
  const foreign = foreignOrigin(req, url, false);
  if (foreign !== undefined) return loginPage({ status: 403, error: foreign });
  const form = await _readForm(req);
  if (form instanceof Response) return form;
  const code = form.get("code") ?? "";
  const token = form.get("token") ?? "";
  if (code === "" && token === "") {
    return loginPage({ status: 400, error: "Enter the access token." });
  }
  const via = code === "" ? "token" : "link";
  const ok = via === "link" ? sessions.redeemCode(code) : sessions.isOperatorToken(token);
  // A limited address is still asked for the right credential: the limit bounds what failures
  // cost (and their audit rows), it must not let anyone sharing the address lock the operator
  // out (docs/security.md, "Sign-in").
  const now = deps.now();
  const until = deps.limiter.limitedUntil(address, now);
  if (!ok && until !== undefined) {
    _auditFailure(deps, address, deps.limiter.failed(address, now, true));
    const seconds = Math.max(1, Math.ceil((until - now) / 1000));
    return loginPage({
      status: 429,
      error: `Too many failed sign-ins from ${address}: try again in ${seconds} s.`,
      headers: { "retry-after": String(seconds) },
    });
  }
  if (!ok) {
    _auditFailure(deps, address, deps.limiter.failed(address, now));
    return loginPage({
      status: 401,
      error: via === "link"
        ? "That sign-in link has expired or was already used: sign in with the token."
        : "That token is not right.",
    });
  }
  _auditFailure(deps, address, deps.limiter.succeeded(address));
  const session = sessions.create(address);
  deps.table.tx.run(() =>
    deps.table.publisher.publish({
      type: "web.signed_in",
      by: humanActor(deps.operator),
      address,
      via,
    })
  );
  return seeOther("/", setSessionCookie(url, session.id, WEB_SESSION_TTL_MS));
}

async function _signOut(request: SignInRequest, deps: SignInDeps): Promise<Response> {
  const { req, url, address } = request;
  const access = deps.auth.session(req);
  if (!access) {
    await req.body?.cancel();
    return seeOther("/login", clearSessionCookie(url));
  }
  const foreign = foreignOrigin(req, url, true);
  if (foreign !== undefined) return loginPage({ status: 403, error: foreign });
  const form = await _readForm(req);
  if (form instanceof Response) return form;
  if (!tokensMatch(form.get("csrf") ?? "", access.session.csrf)) {
    return loginPage({
      status: 403,
      error: "Sign-out refused: it did not come from the web view's page. Use its Sign out button.",
    });
  }
  deps.auth.sessions?.revoke(access.session);
  deps.table.tx.run(() =>
    deps.table.publisher.publish({
      type: "web.signed_out",
      by: humanActor(deps.operator),
      address,
    })
  );
  return seeOther("/login", clearSessionCookie(url));
}

/** Writes the failed sign-ins not yet in the audit log, for addresses quiet for a while. */
export function auditPendingSignInFailures(deps: SignInDeps): void {
  for (const { address, report } of deps.limiter.due(deps.now())) {
    _auditFailure(deps, address, report);
  }
}

function _auditFailure(
  deps: SignInDeps,
  address: string,
  report: { failures: number; limitedUntil: number | undefined } | undefined,
): void {
  if (report === undefined) return;
  deps.table.tx.run(() =>
    deps.table.publisher.publish({
      type: "web.sign_in_failed",
      by: SYSTEM_ACTOR,
      address,
      failures: report.failures,
      limitedUntil: report.limitedUntil,
    })
  );
}

/** A posted form (urlencoded, at most _FORM_LIMIT_BYTES), or the page that refuses it. */
async function _readForm(req: Request): Promise<URLSearchParams | Response> {
  const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    await req.body?.cancel();
    return loginPage({ status: 415, error: "Sign in with the form on this page." });
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readBody(req, _FORM_LIMIT_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTimeoutError)) throw error;
    // As /mcp answers (json_body.ts): 408, and the connection is not reused.
    return loginPage({
      status: 408,
      error: `The form did not arrive within ${error.ms / 1000} s; send it again.`,
      headers: { connection: "close" },
    });
  }
  if (bytes === undefined) {
    return loginPage({ status: 413, error: "That form is too large to be a sign-in." });
  }
  return new URLSearchParams(new TextDecoder().decode(bytes));
}

function _escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
