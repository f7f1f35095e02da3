import assert from "node:assert/strict";
import { RouteTable } from "../src/http/route_table.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("a flood of refused requests with distinct long paths keeps nothing after GC", async () => {
  // In a child with --expose-gc: 8,000 refusals (8 KB paths, 1,000 client addresses).
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--v8-flags=--expose-gc",
      "tests/support/refusal_flood.ts",
      "8000",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const { warm, end, addresses } = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(addresses, 1_000, "the audit remembers at most 1,000 addresses");
  // Before: +42 MB (URLPattern's input cache, and sample paths that kept their 8 KB originals).
  assert.ok(end - warm < 8, `heap after GC grew ${(end - warm).toFixed(1)} MB (${warm} -> ${end})`);
});

Deno.test("route patterns: exact paths, one named segment, a rest wildcard", () => {
  const table = new RouteTable(
    ["/health", "/events/:agent", "/api/*", "/.well-known/*", "/"].map((path) => ({
      path,
      auth: "none" as const,
      handle: () => new Response(path),
    })),
  );
  const match = (path: string) => {
    const found = table.match(path);
    return found && { path: found.route.path, params: found.params };
  };
  assert.deepEqual(match("/health"), { path: "/health", params: {} });
  assert.equal(match("/health/x"), undefined);
  assert.equal(match("/healthz"), undefined);
  assert.deepEqual(match("/events/bob"), { path: "/events/:agent", params: { agent: "bob" } });
  assert.deepEqual(match("/events/a%20b"), { path: "/events/:agent", params: { agent: "a%20b" } });
  assert.equal(match("/events/"), undefined);
  assert.equal(match("/events/bob/more"), undefined);
  assert.deepEqual(match("/api/tasks/3"), { path: "/api/*", params: {} });
  assert.deepEqual(match("/api/"), { path: "/api/*", params: {} });
  assert.equal(match("/api"), undefined);
  assert.deepEqual(match("/.well-known/oauth"), { path: "/.well-known/*", params: {} });
  assert.equal(match("/Xwell-known/oauth"), undefined, "the dot is literal");
  assert.deepEqual(match("/"), { path: "/", params: {} });
  assert.equal(match("/nothing"), undefined);
});
