/**
 * HTML answers of the web view, with headers that keep them to themselves: a strict
 * Content-Security-Policy (nothing loaded from elsewhere, never framed, forms post only here),
 * no caching, no sniffing, no referrer to other sites (same-origin, not no-referrer: with
 * no-referrer a browser sends its own form posts with `Origin: null`).
 */

/** The Content-Security-Policy of every page. */
export const PAGE_CSP = "default-src 'self'; style-src 'unsafe-inline'; " +
  "script-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; " +
  "base-uri 'none'; form-action 'self'";

const _PAGE_HEADERS = {
  "cache-control": "no-store",
  "content-security-policy": PAGE_CSP,
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

/** An HTML page; `cookies` become Set-Cookie headers. */
export function htmlResponse(
  body: string,
  options: { status?: number; headers?: Record<string, string>; cookies?: string[] } = {},
): Response {
  const headers = new Headers({ "content-type": "text/html; charset=utf-8", ..._PAGE_HEADERS });
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  for (const cookie of options.cookies ?? []) headers.append("set-cookie", cookie);
  return new Response(body, { status: options.status ?? 200, headers });
}

/** A 303 to `location` (after a form post), setting `cookies`. */
export function seeOther(location: string, cookies: string[] = []): Response {
  const headers = new Headers({ location, ..._PAGE_HEADERS });
  for (const cookie of cookies) headers.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers });
}
