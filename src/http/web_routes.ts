/**
 * The web view of `serve`: the page at `/` (embedded, no external assets) for a signed-in
 * browser (sign_in_routes.ts), `/observe`, a stream of every event that keeps the page live,
 * and the JSON API the page reads and changes the table through (web_api.ts).
 */
import { actorLabel, humanActor } from "../core/actor.ts";
import { TABLE_EVENT_TYPES } from "../core/event_outbox.ts";
import { toPushEvent } from "../notify/outbox_relay.ts";
import type { SSENotificationBackend } from "../notify/sse_notification_backend.ts";
import { htmlResponse } from "./html_response.ts";
import type { Route } from "./route_table.ts";
import { loginPage } from "./sign_in_routes.ts";
import { apiRoutes, type WebDeps } from "./web_api.ts";
import { clearSessionCookie, sessionCookie } from "./web_session_cookie.ts";
import page from "./web/index.html" with { type: "text" };

export interface WebViewDeps extends WebDeps {
  backend: SSENotificationBackend;
}

/** `/`, `/observe` and every `/api` endpoint, as routes. */
export function webRoutes(deps: WebViewDeps): Route[] {
  return [
    { path: "/", methods: ["GET"], auth: "none", handle: ({ req, url }) => _page(req, url, deps) },
    {
      path: "/observe",
      methods: ["GET"],
      auth: "web",
      handle: ({ req, url }) => _observe(req, url, deps),
    },
    ...apiRoutes(deps),
  ];
}

/** `/`: the page for a signed-in browser (with its session's CSRF token), else the sign-in form. */
function _page(req: Request, url: URL, deps: WebViewDeps): Response {
  const access = deps.auth.page(req);
  if (!access) {
    const cookies = sessionCookie(req) === undefined ? [] : clearSessionCookie(url);
    return loginPage({ status: 401, cookies });
  }
  const csrf = access.via === "session" ? access.session.csrf : "";
  return htmlResponse(
    page.replace("__OPERATOR__", actorLabel(humanActor(deps.operator)) ?? "")
      .replaceAll("__CSRF__", csrf)
      .replace("/*EVENT_TYPES*/ []", JSON.stringify(TABLE_EVENT_TYPES)),
  );
}

/** Every event, live (Last-Event-ID resumes). */
function _observe(req: Request, url: URL, deps: WebViewDeps): Response {
  const resumeFrom = req.headers.get("last-event-id") ?? url.searchParams.get("last_event_id");
  const start = resumeFrom !== null && /^\d+$/.test(resumeFrom)
    ? Number(resumeFrom)
    : deps.table.events.latestId();
  const connection = deps.backend.openObserver(start);
  for (const event of deps.table.events.after(start, 1_000)) {
    connection.push(toPushEvent(event));
  }
  return new Response(connection.stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}
