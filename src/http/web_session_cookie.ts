/**
 * The web view's cookie: it holds only the session id. HttpOnly, SameSite=Strict, Path=/, and
 * Secure when the request came over https. Reading it never throws: a malformed cookie is no
 * cookie.
 */

/** The cookie's name. */
export const SESSION_COOKIE = "team_table_session";
/** The cookie of earlier versions, which held the operator token itself; it is cleared. */
const _OLD_COOKIE = "team_table_token";

/** The session id the request's cookie carries, if any (not checked against the store). */
export function sessionCookie(req: Request): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at !== -1 && part.slice(0, at).trim() === SESSION_COOKIE) {
      return part.slice(at + 1).trim();
    }
  }
  return undefined;
}

/** Set-Cookie values that start a session with `id`, lasting `maxAgeMs`. */
export function setSessionCookie(url: URL, id: string, maxAgeMs: number): string[] {
  const maxAge = Math.floor(maxAgeMs / 1000);
  return [
    `${SESSION_COOKIE}=${id}; ${_attributes(url)}; Max-Age=${maxAge}`,
    `${_OLD_COOKIE}=; ${_attributes(url)}; Max-Age=0`,
  ];
}

/** Set-Cookie values that drop the session cookie (and the old token cookie). */
export function clearSessionCookie(url: URL): string[] {
  return [SESSION_COOKIE, _OLD_COOKIE].map((name) => `${name}=; ${_attributes(url)}; Max-Age=0`);
}

function _attributes(url: URL): string {
  return `HttpOnly; SameSite=Strict; Path=/${url.protocol === "https:" ? "; Secure" : ""}`;
}
