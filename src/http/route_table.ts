/**
 * Routing by a table: each entry names a path pattern (`/events/:agent`: `:name` is one path
 * segment; `/api/*`: `*` is the rest of the path), the methods it accepts, how a request must
 * authenticate, and its handler. The first entry whose pattern matches and that accepts the
 * request's method wins.
 *
 * The patterns are plain regular expressions, not URLPattern: Deno's URLPattern keeps a
 * process-wide cache of up to 4,096 inputs it was asked to match, so a flood of distinct long
 * paths (refused requests) would keep ~60 MB (8 KB paths) to ~250 MB (the longest request line)
 * alive for good.
 */
import type { Caller } from "./caller.ts";
import { jsonError } from "./responses.ts";

/**
 * How a route's requests authenticate: not at all, the web view's session cookie (or the
 * operator token as a bearer), the bearer token, the bearer token also as `?token=`
 * (EventSource clients cannot set headers), or that or the key of a legacy SSE session in the
 * endpoint it announced (`sse_key`: it stands for the token that opened the session).
 */
export type RouteAuth = "none" | "web" | "token" | "token_or_query" | "sse_key";

/**
 * What a route's handler gets: the request, its URL, the pattern's named parts, who is calling
 * (null on routes without authentication) and where the request comes from.
 */
export interface RouteRequest {
  req: Request;
  url: URL;
  params: Readonly<Record<string, string | undefined>>;
  caller: Caller | null;
  /** "http 10.0.0.5": shown to whoever is refused a name this caller's session holds. */
  where: string;
  /** The client address ("10.0.0.5"; "unknown" when the server does not say). */
  address: string;
}

/** One entry of the table. */
export interface Route {
  path: string;
  /** The methods it accepts (others get 405 with Allow); absent: the handler decides. */
  methods?: readonly string[];
  auth: RouteAuth;
  handle(request: RouteRequest): Response | Promise<Response>;
}

/**
 * The routes of an app. A request takes the first route whose pattern matches its path and
 * that accepts its method; several routes may share a path, one per method.
 */
export class RouteTable {
  readonly #entries: { route: Route; pattern: RegExp | undefined }[];

  constructor(routes: readonly Route[]) {
    this.#entries = routes.map((route) => ({
      route,
      pattern: /[:*(){}?+\\]/.test(route.path) ? _compile(route.path) : undefined,
    }));
  }

  /** Every route's path pattern and methods, in order. */
  routes(): { path: string; methods: readonly string[] | undefined }[] {
    return this.#entries.map(({ route }) => ({ path: route.path, methods: route.methods }));
  }

  /** Every route's path pattern, in order, each once. */
  paths(): string[] {
    return [...new Set(this.#entries.map(({ route }) => route.path))];
  }

  /** The first route at `path` that accepts `method`, with the pattern's named parts. */
  match(
    path: string,
    method = "GET",
  ): { route: Route; params: RouteRequest["params"] } | undefined {
    for (const { route, pattern } of this.#entries) {
      const params = _params(path, route, pattern);
      if (params && (!route.methods || route.methods.includes(method))) return { route, params };
    }
    return undefined;
  }

  /** The methods the routes at `path` accept (none: no route there), for a 405's Allow. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const { route, pattern } of this.#entries) {
      if (_params(path, route, pattern)) { for (const m of route.methods ?? []) methods.add(m); }
    }
    return [...methods];
  }
}

/** The named parts of `path` when `route` matches it. */
function _params(
  path: string,
  route: Route,
  pattern: RegExp | undefined,
): RouteRequest["params"] | undefined {
  if (pattern === undefined) return route.path === path ? {} : undefined;
  const found = pattern.exec(path);
  return found ? { ...found.groups } : undefined;
}

/** `/events/:agent` -> /^\/events\/(?<agent>[^/]+)$/; `/api/*` -> /^\/api\/.*$/. */
function _compile(path: string): RegExp {
  const source = path.split(/(:[A-Za-z_]\w*|\*)/).map((part) => {
    if (part === "*") return ".*";
    if (part.startsWith(":")) return `(?<${part.slice(1)}>[^/]+)`;
    return part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }).join("");
  return new RegExp(`^${source}$`);
}

/** 405 for a method the route at `path` does not accept, with the Allow header. */
export function methodNotAllowed(path: string, allowed: readonly string[]): Response {
  const allow = allowed.join(", ");
  return jsonError(405, "method_not_allowed", `${path} accepts ${allow}.`, { allow });
}
