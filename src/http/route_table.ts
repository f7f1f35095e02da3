/**
 * Routing by a table: each entry names a path pattern (`/events/:agent`: `:name` is one path
 * segment; `/api/*`: `*` is the rest of the path), the methods it accepts, how a request must
 * authenticate, and its handler. The first entry whose pattern matches wins. A plain path (no
 * pattern syntax) is found by lookup: every MCP call goes through here.
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
 * operator token as a bearer), the
 * bearer token, or the bearer token also as `?token=` (EventSource clients cannot set headers).
 */
export type RouteAuth = "none" | "web" | "token" | "token_or_query";

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

/** The routes of an app, matched in order. */
export class RouteTable {
  readonly #entries: { route: Route; pattern: RegExp | undefined }[];
  /** Plain paths to their entry's index. */
  readonly #plain = new Map<string, number>();

  constructor(routes: readonly Route[]) {
    this.#entries = routes.map((route, i) => {
      const plain = !/[:*(){}?+\\]/.test(route.path);
      if (plain && !this.#plain.has(route.path)) this.#plain.set(route.path, i);
      return { route, pattern: plain ? undefined : _compile(route.path) };
    });
  }

  /** Every route's path pattern, in order. */
  paths(): string[] {
    return this.#entries.map(({ route }) => route.path);
  }

  /** The first route whose pattern matches `path`, with the pattern's named parts. */
  match(path: string): { route: Route; params: RouteRequest["params"] } | undefined {
    const plain = this.#plain.get(path);
    const before = plain ?? this.#entries.length;
    for (let i = 0; i < before; i++) {
      const { route, pattern } = this.#entries[i]!;
      const found = pattern?.exec(path);
      if (found) return { route, params: { ...found.groups } };
    }
    return plain === undefined ? undefined : { route: this.#entries[plain]!.route, params: {} };
  }
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
