/**
 * The web view's JSON API, as data: one entry per endpoint (method, path, handler). The route
 * table (create_handler.ts) serves them behind the web view's credential, the README lists
 * them (API_ENDPOINTS, checked by tests/readme_test.ts), and changes are refused first when
 * they may be forged (web_access.ts). A human acts as `human:<operator>`.
 */
import { z } from "zod";
import { type Actor, actorLabel, humanActor } from "../core/actor.ts";
import { TableError, ValidationError } from "../core/errors.ts";
import { checkAgentName, checkRecipient, EVERYONE } from "../core/input_rules/agent_names.ts";
import { checkContextKey, checkNamespace } from "../core/input_rules/context_names.ts";
import { checkPageSize } from "../core/input_rules/numbers.ts";
import {
  checkContent,
  checkDescription,
  checkResult,
  checkTitle,
} from "../core/input_rules/text_rules.ts";
import { invalidTimeMessage, parseTime } from "../core/input_rules/times.ts";
import { LIMITS } from "../core/limits.ts";
import { SEARCH_KINDS, type SearchKind } from "../core/search/search_query.ts";
import type { Table } from "../core/table.ts";
import type { PageRequest } from "../core/pages.ts";
import { awaySummary, membersAtAGlance } from "../core/table_summary.ts";
import { TASK_PRIORITIES, TASK_STATUSES } from "../core/tasks/task_model.ts";
import { readJsonBody } from "./json_body.ts";
import { boardCard, boardColumn } from "./web_board.ts";
import { jsonError, jsonResponse } from "./responses.ts";
import { methodNotAllowed, type Route, type RouteRequest, RouteTable } from "./route_table.ts";
import { refuseForgedChange, type WebAuth } from "./web_access.ts";

export interface WebDeps {
  table: Table;
  auth: WebAuth;
  operator: string;
}

/** What an endpoint's handler gets. */
interface ApiRequest extends Pick<RouteRequest, "req" | "url" | "params"> {
  table: Table;
  /** The human acting: human:<operator>. */
  human: Actor;
}

interface ApiEndpoint {
  method: "GET" | "POST" | "PATCH";
  /** `:name` is one path segment (route_table.ts). */
  path: string;
  handle(request: ApiRequest): Response | Promise<Response>;
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

/** `limit` (1 to `max`; absent: the list's default) and `cursor` (a next_cursor) of a page. */
function _page(url: URL, max: number): PageRequest | Response {
  const text = url.searchParams.get("limit");
  const limit = text === null
    ? undefined
    : _checked(() => checkPageSize(/^\d+$/.test(text) ? Number(text) : text, max));
  if (limit instanceof Response) return limit;
  const cursor = url.searchParams.get("cursor") || undefined;
  return { limit, cursor };
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

/** The id in a path (`/api/tasks/:id`): a positive integer, else a 400 naming it. */
function _id(params: ApiRequest["params"], name: string): number | Response {
  const text = params[name] ?? "";
  return /^[1-9]\d{0,15}$/.test(text)
    ? Number(text)
    : jsonError(400, "bad_request", `${name}: '${text}' is not an id (a positive integer)`);
}

/** Every endpoint of /api, in the order the README lists them. */
const _ENDPOINTS: readonly ApiEndpoint[] = [
  {
    method: "GET",
    path: "/api/overview",
    handle: ({ url, table, human }) => {
      const since = _time(url, "since", table.clock.now() - 24 * 3_600_000, table.clock.now());
      if (since instanceof Response) return since;
      const counts = table.tasks.countByStatus();
      // The first page of each list; done tasks only counted (the page pages on).
      const board = Object.fromEntries(TASK_STATUSES.map((status) => {
        const column = status === "done" ? { items: [] } : boardColumn(table, status);
        return [status, { ...column, total: counts[status] }];
      }));
      const members = table.members.page({ includeInactive: true });
      return jsonResponse(200, {
        operator: actorLabel(human),
        now: new Date(table.clock.now()).toISOString(),
        counts,
        away: awaySummary(table, since),
        member_names: table.members.names(),
        members: { ...members, items: membersAtAGlance(table, members.items) },
        board,
        leases: table.leases.page({}),
        lease_waiters: table.leases.waiters(),
        last_event_id: table.events.latestId(),
      });
    },
  },
  {
    method: "GET",
    path: "/api/board",
    handle: ({ url, table }) => {
      const status = TASK_STATUSES.find((s) => s === url.searchParams.get("status"));
      if (status === undefined) {
        return jsonError(
          400,
          "bad_request",
          `status: required, one of ${TASK_STATUSES.join(", ")}`,
        );
      }
      const page = _page(url, LIMITS.pages.tasks.max);
      if (page instanceof Response) return page;
      return jsonResponse(200, boardColumn(table, status, page));
    },
  },
  {
    method: "GET",
    path: "/api/board/:id",
    handle: ({ params, table }) => {
      const id = _id(params, "id");
      if (id instanceof Response) return id;
      return jsonResponse(200, {
        card: boardCard(table, table.tasks.get(id)),
        counts: table.tasks.countByStatus(),
      });
    },
  },
  {
    method: "GET",
    path: "/api/members",
    handle: ({ url, table }) => {
      const page = _page(url, LIMITS.pages.members.max);
      if (page instanceof Response) return page;
      const members = table.members.page({ includeInactive: true }, page);
      return jsonResponse(200, { ...members, items: membersAtAGlance(table, members.items) });
    },
  },
  {
    method: "GET",
    path: "/api/leases",
    handle: ({ url, table }) => {
      const page = _page(url, LIMITS.pages.leases.max);
      if (page instanceof Response) return page;
      return jsonResponse(200, {
        leases: table.leases.page({}, page),
        waiters: table.leases.waiters(),
      });
    },
  },
  {
    method: "GET",
    path: "/api/tasks/:id",
    handle: ({ params, table }) => {
      const id = _id(params, "id");
      if (id instanceof Response) return id;
      return jsonResponse(200, table.tasks.detail(id, { limit: LIMITS.pages.feed.max }));
    },
  },
  {
    method: "POST",
    path: "/api/tasks",
    handle: async ({ req, table, human }) => {
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
    },
  },
  {
    method: "PATCH",
    path: "/api/tasks/:id",
    handle: async ({ req, params, table, human }) => {
      const taskId = _id(params, "id");
      if (taskId instanceof Response) return taskId;
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
    },
  },
  {
    method: "POST",
    path: "/api/tasks/:id/comments",
    handle: async ({ req, params, table, human }) => {
      const taskId = _id(params, "id");
      if (taskId instanceof Response) return taskId;
      const body = await readJsonBody(req);
      if (!body.ok) return body.response;
      const parsed = _postComment.safeParse(body.value);
      if (!parsed.success) return _badRequest(parsed.error.issues);
      const content = _checked(() => checkContent(parsed.data.content));
      if (content instanceof Response) return content;
      table.tasks.comment({ taskId, by: human, content });
      return jsonResponse(201, { ok: true });
    },
  },
  {
    method: "GET",
    path: "/api/messages",
    handle: ({ url, table }) => {
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
    },
  },
  {
    method: "POST",
    path: "/api/messages",
    handle: async ({ req, table, human }) => {
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
        ? table.messages.broadcast({ by: human, content, taskId: task_id }).message
        : table.messages.send({ by: human, recipient: to, content, taskId: task_id });
      return jsonResponse(201, { message });
    },
  },
  {
    method: "GET",
    path: "/api/context",
    handle: ({ url, table }) => {
      const ns = _namespace(url);
      if (ns instanceof Response) return ns;
      return jsonResponse(200, {
        namespaces: table.context.namespaces(),
        keys: table.context.keys({ ns }),
      });
    },
  },
  {
    method: "GET",
    path: "/api/context/history",
    handle: ({ url, table }) => {
      const key = url.searchParams.get("key");
      if (!key) return jsonError(400, "bad_request", "key: required");
      const ns = _namespace(url);
      if (ns instanceof Response) return ns;
      const checkedKey = _checked(() => checkContextKey(key));
      if (checkedKey instanceof Response) return checkedKey;
      return jsonResponse(200, { versions: table.context.history({ key: checkedKey, ns }) });
    },
  },
  {
    method: "GET",
    path: "/api/audit",
    handle: ({ url, table }) => {
      const since = _time(url, "since", 0, table.clock.now());
      if (since instanceof Response) return since;
      const page = _page(url, LIMITS.pages.audit.max);
      if (page instanceof Response) return page;
      const { items, next_cursor } = table.audit.page({
        agent: url.searchParams.get("agent") || undefined,
        action: url.searchParams.get("action") || undefined,
        since: since === 0 ? undefined : since,
      }, page);
      return jsonResponse(200, { entries: items, ...(next_cursor ? { next_cursor } : {}) });
    },
  },
  { method: "GET", path: "/api/search", handle: _search },
  {
    method: "GET",
    path: "/api/threads/:message_id",
    handle: ({ params, table, human }) => {
      const messageId = _id(params, "message_id");
      if (messageId instanceof Response) return messageId;
      return jsonResponse(200, table.threads.thread({ by: human, messageId }));
    },
  },
];

/** What `/api` answers, as the README lists it ("GET /api/tasks/{id}"). */
export const API_ENDPOINTS: readonly string[] = _ENDPOINTS.map((e) =>
  `${e.method} ${e.path.replace(/:(\w+)/g, "{$1}")}`
);

/**
 * The endpoints as routes of the route table, behind the web view's credential, and last
 * `/api/*`: anything else under /api, once let in, is a 405 (a known path) or a 404.
 */
export function apiRoutes(deps: WebDeps): Route[] {
  const human = humanActor(deps.operator);
  const routes = _ENDPOINTS.map((endpoint): Route => ({
    path: endpoint.path,
    methods: [endpoint.method],
    auth: "web",
    handle: async ({ req, url, params }) => {
      const access = deps.auth.access(req, url);
      if (access === undefined) {
        throw new Error("the route table let in a web request without access");
      }
      const forged = refuseForgedChange(req, url, access);
      if (forged) return forged;
      try {
        return await endpoint.handle({ req, url, params, table: deps.table, human });
      } catch (error) {
        if (error instanceof TableError) {
          const status = error.kind === "not_found" ? 404 : error.kind === "forbidden" ? 403 : 400;
          return jsonError(status, error.kind, error.message);
        }
        throw error;
      }
    },
  }));
  const known = new RouteTable(routes);
  const rest: Route = {
    path: "/api/*",
    auth: "web",
    handle: ({ req, url }) => {
      const allowed = known.allowed(url.pathname);
      return allowed.length > 0
        ? methodNotAllowed(url.pathname, allowed)
        : jsonError(404, "not_found", `Nothing at ${req.method} ${url.pathname}.`);
    },
  };
  return [...routes, rest];
}

/**
 * `/api/search?q=&kinds=message,task&agent=&since=&limit=`: everything matches for the
 * operator; matches in snippets are marked with \u0001 and \u0002 (the page makes them <mark>).
 */
function _search({ url, table, human }: ApiRequest): Response {
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
  const since = _time(url, "since", 0, table.clock.now());
  if (since instanceof Response) return since;
  const limitText = url.searchParams.get("limit");
  const limit = limitText === null
    ? LIMITS.searchLimitDefault
    : _checked(() =>
      checkPageSize(/^\d+$/.test(limitText) ? Number(limitText) : limitText, LIMITS.searchLimitMax)
    );
  if (limit instanceof Response) return limit;
  const found = _checked(() =>
    table.search.search({
      by: human,
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
