import { agentActor } from "../src/core/actor.ts";
import assert from "node:assert/strict";
import { NotFoundError } from "../src/core/errors.ts";
import { tempTable, testSession } from "./support/temp_table.ts";

Deno.test("register creates a member, and registering again is a return", () => {
  using t = tempTable();
  const first = t.table.members.register({
    session: testSession("Alice"),
    name: "Alice",
    role: "coder",
    capabilities: ["ts"],
  });
  assert.equal(first.created, true);
  assert.deepEqual(
    [first.member.name, first.member.role, first.member.capabilities],
    ["Alice", "coder", ["ts", "coding"]],
    "the role's capabilities are merged in",
  );
  t.clock.advance(1_000);
  const again = t.table.members.register({ session: testSession("alice"), name: "alice" });
  assert.equal(again.created, false);
  assert.equal(again.member.name, "Alice", "the first spelling is kept");
  assert.equal(again.member.role, "coder", "role kept when omitted");
  assert.deepEqual(again.member.capabilities, ["ts", "coding"]);
  const changed = t.table.members.register({
    session: testSession("Alice"),
    name: "Alice",
    role: "reviewer",
    capabilities: [],
  });
  assert.deepEqual([changed.member.role, changed.member.capabilities], ["reviewer", ["review"]]);
});

Deno.test("deregister marks inactive; list hides inactive unless asked; heartbeat returns", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("a"), name: "a" });
  t.table.members.register({ session: testSession("b"), name: "b" });
  t.table.members.deregister(agentActor("b"));
  assert.deepEqual(t.table.members.list().map((m) => m.name), ["a"]);
  assert.deepEqual(
    t.table.members.list({ includeInactive: true }).map((m) => [m.name, m.status]),
    [["a", "active"], ["b", "inactive"]],
  );
  t.clock.advance(5_000);
  const back = t.table.members.heartbeat(agentActor("b"));
  assert.equal(back.status, "active");
  assert.equal(back.last_seen, new Date(t.clock.now()).toISOString());
  assert.deepEqual(
    t.table.audit.query({ agent: "b" }).map((e) => e.action),
    ["member.returned", "member.deregistered", "member.registered"],
  );
});

Deno.test("an unknown name is a NotFoundError that suggests close names", () => {
  using t = tempTable();
  t.table.members.register({ session: testSession("claude-code"), name: "claude-code" });
  t.table.members.register({ session: testSession("codex"), name: "codex" });
  assert.throws(
    () => t.table.members.require("claude-cod", "recipient"),
    (error: unknown) =>
      error instanceof NotFoundError &&
      /recipient: no agent named 'claude-cod' has ever registered\. Did you mean 'claude-code'\?/
        .test(error.message),
  );
  assert.throws(
    () => t.table.members.require("zzzzzz"),
    /list_members with include_inactive=true/,
  );
});
