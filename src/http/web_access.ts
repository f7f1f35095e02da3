/**
 * Who may use the web view and its API, and the defence of its changes against cross-site
 * (and cross-port) request forgery. A request is let in by the operator token as a bearer
 * header (scripts), by a live session cookie (the page), or by nothing when serve runs without
 * auth. A change (POST, PATCH...) must also: carry JSON as `application/json`; come from this
 * server's own origin (scheme, host and port) when it says where it comes from, and say so
 * when it rides on a cookie; and, with a cookie, carry the session's CSRF token in
 * `x-csrf-token`.
 */
import { requestToken, tokensMatch } from "./access_token.ts";
import { jsonError } from "./responses.ts";
import { sessionCookie } from "./web_session_cookie.ts";
import type { WebSession, WebSessions } from "./web_sessions.ts";

/** The header the page sends its CSRF token in. */
export const CSRF_HEADER = "x-csrf-token";

/** How a web request was let in. */
export type WebAccess =
  | { readonly via: "open" }
  | { readonly via: "bearer" }
  | { readonly via: "session"; readonly session: WebSession };

const _SAFE_METHODS = new Set(["GET", "HEAD"]);

/** Resolves web requests to their access: the operator token, or a session. */
export class WebAuth {
  readonly #token: string | undefined;
  readonly #sessions: WebSessions | undefined;

  /** `token` undefined: serve runs without auth, and so without sessions. */
  constructor(options: { token: string | undefined; sessions: WebSessions | undefined }) {
    this.#token = options.token;
    this.#sessions = options.sessions;
  }

  /** The sessions, when serve has a token. */
  get sessions(): WebSessions | undefined {
    return this.#sessions;
  }

  /**
   * How the request is let in, or undefined. A request with an Authorization header is judged
   * by it alone; `?token=` is never accepted here.
   */
  access(req: Request, url: URL): WebAccess | undefined {
    if (this.#token === undefined) return { via: "open" };
    if (req.headers.has("authorization")) {
      const given = requestToken(req, url, false);
      return given !== undefined && tokensMatch(given, this.#token) ? { via: "bearer" } : undefined;
    }
    return this.session(req);
  }

  /** How the page at `/` is let in: a session, or nothing without auth (never a bearer). */
  page(req: Request): WebAccess | undefined {
    return this.#token === undefined ? { via: "open" } : this.session(req);
  }

  /** The live session the request's cookie names, as web access. */
  session(req: Request): { via: "session"; session: WebSession } | undefined {
    const id = sessionCookie(req);
    const session = id === undefined ? undefined : this.#sessions?.find(id);
    return session ? { via: "session", session } : undefined;
  }
}

/**
 * The refusal of a change to the web API that may be forged, or undefined to go ahead. Reads
 * (GET, HEAD) pass. Nothing is read from the body before these checks.
 */
export function refuseForgedChange(
  req: Request,
  url: URL,
  access: WebAccess,
): Response | undefined {
  if (_SAFE_METHODS.has(req.method)) return undefined;
  const foreign = foreignOrigin(req, url, access.via === "session");
  if (foreign !== undefined) return jsonError(403, "forbidden_origin", foreign);
  if (access.via === "session") {
    const given = req.headers.get(CSRF_HEADER);
    if (given === null || !tokensMatch(given, access.session.csrf)) {
      return jsonError(
        403,
        "csrf",
        `A change from the web view needs the page's CSRF token in the ${CSRF_HEADER} header; ` +
          "reload the page. Scripts: use 'Authorization: Bearer <operator token>' instead of " +
          "the cookie.",
      );
    }
  }
  if (!isJson(req)) {
    return jsonError(
      415,
      "unsupported_media_type",
      "The body must be JSON, sent with 'content-type: application/json'.",
    );
  }
  return undefined;
}

/**
 * Why the request is refused when its Origin is not this server's (scheme, host and port), or
 * when it has none and `required` (a request that rides on a cookie); undefined: it is not.
 */
export function foreignOrigin(req: Request, url: URL, required: boolean): string | undefined {
  const origin = req.headers.get("origin");
  if (origin === null && !required) return undefined;
  if (origin === url.origin) return undefined;
  return origin === null
    ? "A change signed in by cookie must say where it comes from (an Origin header); " +
      "this one did not."
    : `Origin '${origin}' is not this server (${url.origin}): changes are accepted only from ` +
      "the web view's own page.";
}

/** True when the request says its body is JSON (`application/json`, any parameters). */
export function isJson(req: Request): boolean {
  const type = req.headers.get("content-type") ?? "";
  return type.split(";")[0]?.trim().toLowerCase() === "application/json";
}
