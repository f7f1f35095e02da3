import assert from "node:assert/strict";
import { type Route, RouteTable } from "../src/http/route_table.ts";

const route = (path: string): Route => ({ path, auth: "none", handle: () => new Response(path) });

Deno.test("routes: plain paths by lookup, patterns in order, the first match wins", () => {
  const table = new RouteTable([
    route("/mcp"),
    route("/events/:agent"),
    route("/api/*"),
    route("/api/status"),
    route("/health"),
  ]);
  assert.equal(table.match("/mcp")?.route.path, "/mcp");
  assert.equal(table.match("/health")?.route.path, "/health");
  assert.deepEqual(table.match("/events/bob")?.params, { agent: "bob" });
  assert.equal(table.match("/api/status")?.route.path, "/api/*", "an earlier pattern wins");
  assert.equal(table.match("/mcp/"), undefined);
  assert.equal(table.match("/nothing"), undefined);
});
