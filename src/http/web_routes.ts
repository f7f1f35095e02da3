/**
 * The web view of `serve`: the page at `/` (embedded, no external assets) for a signed-in
 * browser (sign_in_routes.ts), the JSON the page reads (`/api/...`), the changes a human makes
 * (under `human:<operator>`, guarded against forgery by web_access.ts), and `/observe`, a
 * stream of every event that keeps the page live.
 */
import { z } from "zod";
import { TableError, ValidationError } from "../core/errors.ts";
import { TABLE_EVENT_TYPES } from "../core/event_outbox.ts";
import { actorLabel, humanActor } from "../core/actor.ts";
import { checkAgentName, checkRecipient, EVERYONE } from "../core/input_rules/agent_names.ts";
import { checkContextKey, checkNamespace } from "../core/input_rules/context_names.ts";
import { invalidTimeMessage, parseTime } from "../core/input_rules/times.ts";
import { checkPageSize } from "../core/input_rules/numbers.ts";
import {
  checkContent,
  checkDescription,
  checkResult,
  checkTitle,
} from "../core/input_rules/text_rules.ts";
import { LIMITS } from "../core/limits.ts";
import { SEARCH_KINDS, type SearchKind } from "../core/search/search_query.ts";
import type { Table } from "../core/table.ts";
import { awaySummary, blockedTasks, boardCounts, membersAtAGlance } from "../core/table_summary.ts";
import { TASK_PRIORITIES, TASK_STATUSES } from "../core/tasks/task_model.ts";
import { toPushEvent } from "../notify/outbox_relay.ts";
import type { SSENotificationBackend } from "../notify/sse_notification_backend.ts";
import { htmlResponse } from "./html_response.ts";
import { readJsonBody } from "./json_body.ts";
import { jsonError, jsonResponse } from "./responses.ts";
import { loginPage } from "./sign_in_routes.ts";
import { refuseForgedChange, type WebAccess, type WebAuth } from "./web_access.ts";
import { clearSessionCookie, sessionCookie } from "./web_session_cookie.ts";
import page from "./web/index.html" with { type: "text" };

/** What `/api/*` answers (apiRoute), as the README lists it. */
export const API_ENDPOINTS = [
  "GET /api/overview",
  "GET /api/tasks/{id}",
  "POST /api/tasks",
  "PATCH /api/tasks/{id}",
  "POST /api/tasks/{id}/comments",
  "GET /api/messages",
  "POST /api/messages",
  "GET /api/context",
  "GET /api/context/history",
  "GET /api/audit",
] as const;

export interface WebDeps {
  table: Table;
  backend: SSENotificationBackend;
  auth: WebAuth;
  operator: string;
}

/** `/`: the page for a signed-in browser (with its session's CSRF token), else the sign-in form. */
export function pageRoute(req: Request, url: URL, deps: WebDeps): Response {
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

/**
 * Runs the core's input rules over a request's values: their ValidationError becomes a 400
 * bad_request with the rule's own message (field, problem, limit).
 */
function _checked<T>(check: () => T): T | Response {
  try {
    return check();
  } catch (error) {
    if (error instanceof ValidationError) return jsonError(400, "bad_request", error.message);
    throw error;
  }
}

function _limit(url: URL, fallback: number): number | Response {
  const text = url.searchParams.get("limit");
  if (text === null) return fallback;
  return _checked(() =>
    checkPageSize(/^\d+$/.test(text) ? Number(text) : text, LIMITS.listLimitMax)
  );
}

/** The shape of a post; the core's rules check the values (see _checked). */
const _postMessage = z.strictObject({
  to: z.string(),
  content: z.string(),
  task_id: z.number().int().positive().optional(),
});
const _postComment = z.strictObject({ content: z.string() });
const _postTask = z.strictObject({
  title: z.string(),
  description: z.string().optional(),
  assignee: z.string().optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
});
const _patchTask = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  result: z.string().optional(),
  assignee: z.string().optional(),
});

function _badRequest(issues: z.core.$ZodIssue[]): Response {
  return jsonError(
    400,
    "bad_request",
    issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
  );
}

/** The `ns` query parameter, when given and valid. */
function _namespace(url: URL): string | undefined | Response {
  const ns = url.searchParams.get("ns");
  return ns ? _checked(() => checkNamespace(ns)) : undefined;
}

function _time(url: URL, name: string, fallback: number, now: number): number | Response {
  const text = url.searchParams.get(name);
  if (text === null) return fallback;
  const ms = parseTime(text, now);
  return ms === undefined ? jsonError(400, "bad_request", invalidTimeMessage(name, text)) : ms;
}

/**
 * `/api/...` and `/observe`, for a request let in as `access` (the route table checked it);
 * changes are refused first when they may be forged (see web_access.ts).
 */
export async function apiRoute(
  req: Request,
  url: URL,
  deps: WebDeps,
  access: WebAccess,
): Promise<Response> {
  const forged = refuseForgedChange(req, url, access);
  if (forged) return forged;
  const { table } = deps;
  const path = url.pathname;
  const human = humanActor(deps.operator);
  const actor = actorLabel(human);
  try {
    if (path === "/observe" && req.method === "GET") return _observe(req, url, deps);
    if (path === "/api/overview" && req.method === "GET") {
      const since = _time(url, "since", table.clock.now() - 24 * 3_600_000, table.clock.now());
      if (since instanceof Response) return since;
      const tasks = table.tasks.list({});
      return jsonResponse(200, {
        operator: actor,
        now: new Date(table.clock.now()).toISOString(),
        members: membersAtAGlance(table),
        counts: boardCounts(table),
        board: Object.fromEntries(
          TASK_STATUSES.map((s) => [s, tasks.filter((t) => t.status === s)]),
        ),
        blocked: blockedTasks(table).map((b) => ({ task_id: b.task.id, waits_for: b.waits_for })),
        away: awaySummary(table, since),
        leases: table.leases.list(),
        lease_waiters: table.leases.waiters(),
        last_event_id: table.events.latestId(),
      });
    }
    const task = path.match(/^\/api\/tasks\/(\d+)$/);
    if (task?.[1] && req.method === "GET") {
      return jsonResponse(
        200,
        table.tasks.detail(Number(task[1]), { limit: LIMITS.pages.feed.max }),
      );
    }
    if (path === "/api/tasks" && req.method === "POST") {
      const body = await readJsonBody(req);
      if (!body.ok) return body.response;
      const parsed = _postTask.safeParse(body.value);
      if (!parsed.success) return _badRequest(parsed.error.issues);
      const { title, description, assignee, priority } = parsed.data;
      const input = _checked(() => ({
        title: checkTitle(title),
        description: description === undefined ? undefined : checkDescription(description),
        assignee: assignee ? checkAgentName(assignee, "assignee") : undefined,
        priority,
      }));
      if (input instanceof Response) return input;
      return jsonResponse(201, { task: table.tasks.create({ by: human, ...input }) });
    }
    if (task?.[1] && req.method === "PATCH") {
      const body = await readJsonBody(req);
      if (!body.ok) return body.response;
      const parsed = _patchTask.safeParse(body.value);
      if (!parsed.success) return _badRequest(parsed.error.issues);
      const { status, result, assignee } = parsed.data;
      const input = _checked(() => ({
        result: result ? checkResult(result) : undefined,
        assignee: assignee ? checkAgentName(assignee, "assignee") : undefined,
      }));
      if (input instanceof Response) return input;
      if (status === undefined && input.result === undefined && input.assignee === undefined) {
        return jsonError(400, "bad_request", "body: give status, result or assignee");
      }
      const taskId = Number(task[1]);
      // One transaction: a refused status change leaves the assignee as it was.
      const updated = table.tx.run(() => {
        if (input.assignee !== undefined) {
          const current = table.tasks.get(taskId);
          if (current.assignee?.toLowerCase() !== input.assignee.toLowerCase()) {
            table.tasks.reassign({ taskId, by: human, newAssignee: input.assignee });
          }
        }
        return status === undefined && input.result === undefined
          ? table.tasks.get(taskId)
          : table.tasks.update({ taskId, by: human, status, result: input.result });
      });
      return jsonResponse(200, { task: updated });
    }
    const comments = path.match(/^\/api\/tasks\/(\d+)\/comments$/);
    if (comments?.[1] && req.method === "POST") {
      const body = await readJsonBody(req);
      if (!body.ok) return body.response;
      const parsed = _postComment.safeParse(body.value);
      if (!parsed.success) return _badRequest(parsed.error.issues);
      const content = _checked(() => checkContent(parsed.data.content));
      if (content instanceof Response) return content;
      table.tasks.comment({ taskId: Number(comments[1]), by: human, content });
      return jsonResponse(201, { ok: true });
    }
    if (path === "/api/messages" && req.method === "GET") {
      const limit = _limit(url, 100);
      if (limit instanceof Response) return limit;
      const taskText = url.searchParams.get("task");
      if (taskText !== null && !/^\d+$/.test(taskText)) {
        return jsonError(400, "bad_request", `task: '${taskText}' is not a task id`);
      }
      const messages = table.messages.stream({
        agent: url.searchParams.get("agent") || undefined,
        taskId: taskText === null ? undefined : Number(taskText),
        limit,
      });
      return jsonResponse(200, { messages });
    }
    if (path === "/api/messages" && req.method === "POST") {
      const body = await readJsonBody(req);
      if (!body.ok) return body.response;
      const parsed = _postMessage.safeParse(body.value);
      if (!parsed.success) return _badRequest(parsed.error.issues);
      const { task_id } = parsed.data;
      const checked = _checked(() => ({
        to: checkRecipient(parsed.data.to, "to"),
        content: checkContent(parsed.data.content),
      }));
      if (checked instanceof Response) return checked;
      const { to, content } = checked;
      const message = to === EVERYONE
        ? table.messages.broadcast({ by: human, content, taskId: task_id })
          .message
        : table.messages.send({ by: human, recipient: to, content, taskId: task_id });
      return jsonResponse(201, { message });
    }
    if (path === "/api/search" && req.method === "GET") {
      return _search(url, deps);
    }
    const thread = path.match(/^\/api\/threads\/(\d+)$/);
    if (thread?.[1] && req.method === "GET") {
      return jsonResponse(200, table.threads.thread({ by: human, messageId: Number(thread[1]) }));
    }
    if (path === "/api/context" && req.method === "GET") {
      const ns = _namespace(url);
      if (ns instanceof Response) return ns;
      return jsonResponse(200, {
        namespaces: table.context.namespaces(),
        keys: table.context.keys({ ns }),
      });
    }
    if (path === "/api/context/history" && req.method === "GET") {
      const key = url.searchParams.get("key");
      if (!key) return jsonError(400, "bad_request", "key: required");
      const ns = _namespace(url);
      if (ns instanceof Response) return ns;
      const checkedKey = _checked(() => checkContextKey(key));
      if (checkedKey instanceof Response) return checkedKey;
      return jsonResponse(200, { versions: table.context.history({ key: checkedKey, ns }) });
    }
    if (path === "/api/audit" && req.method === "GET") {
      const since = _time(url, "since", 0, table.clock.now());
      if (since instanceof Response) return since;
      const limit = _limit(url, 200);
      if (limit instanceof Response) return limit;
      return jsonResponse(200, {
        entries: table.audit.query({
          agent: url.searchParams.get("agent") || undefined,
          action: url.searchParams.get("action") || undefined,
          since: since === 0 ? undefined : since,
          limit,
        }),
      });
    }
    return jsonError(404, "not_found", `Nothing at ${req.method} ${path}.`);
  } catch (error) {
    if (error instanceof TableError) {
      const status = error.kind === "not_found" ? 404 : error.kind === "forbidden" ? 403 : 400;
      return jsonError(status, error.kind, error.message);
    }
    throw error;
  }
}

/**
 * `/api/search?q=&kinds=message,task&agent=&since=&limit=`: everything matches for the
 * operator; matches in snippets are marked with \u0001 and \u0002 (the page makes them <mark>).
 */
function _search(url: URL, deps: WebDeps): Response {
  const query = url.searchParams.get("q");
  if (!query) return jsonError(400, "bad_request", "q: required (the words to search for)");
  const kindsText = url.searchParams.get("kinds");
  const kinds: SearchKind[] = [];
  for (const word of kindsText ? kindsText.split(",") : []) {
    const kind = SEARCH_KINDS.find((k) => k === word);
    if (kind === undefined) {
      return jsonError(
        400,
        "bad_request",
        `kinds: '${word}' is not one of ${SEARCH_KINDS.join(", ")}`,
      );
    }
    kinds.push(kind);
  }
  const since = _time(url, "since", 0, deps.table.clock.now());
  if (since instanceof Response) return since;
  const limitText = url.searchParams.get("limit");
  const limit = limitText === null
    ? LIMITS.searchLimitDefault
    : _checked(() =>
      checkPageSize(/^\d+$/.test(limitText) ? Number(limitText) : limitText, LIMITS.searchLimitMax)
    );
  if (limit instanceof Response) return limit;
  const found = _checked(() =>
    deps.table.search.search({
      by: humanActor(deps.operator),
      query,
      kinds,
      agent: url.searchParams.get("agent") || undefined,
      since: since === 0 ? undefined : since,
      limit,
      marks: { open: "\u0001", close: "\u0002" },
    })
  );
  return found instanceof Response ? found : jsonResponse(200, found);
}

/** Every event, live (Last-Event-ID resumes). */
function _observe(req: Request, url: URL, deps: WebDeps): Response {
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
