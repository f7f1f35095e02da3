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

Deno.test("routes: one path, one route per method; the methods of a path for a 405", () => {
  const of = (path: string, method: string): Route => ({
    path,
    methods: [method],
    auth: "none",
    handle: () => new Response(`${method} ${path}`),
  });
  const table = new RouteTable([
    of("/api/tasks/:id", "GET"),
    of("/api/tasks/:id", "PATCH"),
    of("/api/tasks", "POST"),
  ]);
  assert.equal(table.match("/api/tasks/7", "PATCH")?.route.methods?.[0], "PATCH");
  assert.deepEqual(table.match("/api/tasks/7", "GET")?.params, { id: "7" });
  assert.equal(table.match("/api/tasks/7", "DELETE"), undefined);
  assert.deepEqual(table.allowed("/api/tasks/7"), ["GET", "PATCH"]);
  assert.deepEqual(table.allowed("/api/nothing"), []);
  assert.deepEqual(table.paths(), ["/api/tasks/:id", "/api/tasks"], "each path once");
});
