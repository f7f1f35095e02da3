import assert from "node:assert/strict";
import { agentActor, humanActor, ruleActor } from "../src/core/actor.ts";
import { ForbiddenError } from "../src/core/errors.ts";
import {
  mayCallTool,
  mayClaimReview,
  mayClaimTask,
  mayDeleteContext,
  mayReassignTask,
  mayRetractMessage,
  maySelfAssignRole,
  mayUpdateTask,
  mayUsePrivilege,
  toolsOf,
} from "../src/core/permissions/permissions.ts";
import type { Principal } from "../src/core/permissions/principal.ts";
import { enforce, refusal } from "../src/core/permissions/refusal.ts";
import { type Privilege, PRIVILEGES, type Role, RoleCatalog } from "../src/core/role_catalog.ts";
import { ROLES } from "./support/temp_table.ts";

function agent(name: string, role: string, privileges: readonly Privilege[] = []): Principal {
  return {
    actor: agentActor(name),
    label: name,
    agent: name,
    role,
    privileges: new Set(privileges),
  };
}

function other(actor: ReturnType<typeof ruleActor>, label: string): Principal {
  return { actor, label, agent: null, role: null, privileges: new Set(PRIVILEGES) };
}

const task = { id: 7, creator: "alice", assignee: "bob", reviewer: null };

Deno.test("task parties may update; others only with update_any_task; names ignore case", () => {
  assert.equal(mayUpdateTask(agent("Alice", "agent"), task).allowed, true);
  assert.equal(mayUpdateTask(agent("BOB", "agent"), task).allowed, true);
  const carol = mayUpdateTask(agent("carol", "agent"), task);
  assert.deepEqual(carol, {
    allowed: false,
    privilege: "update_any_task",
    only: "its creator ('alice'), its assignee ('bob') or its reviewer (none)",
  });
  assert.equal(mayUpdateTask(agent("carol", "lead", ["update_any_task"]), task).allowed, true);
  assert.equal(mayUpdateTask(other(ruleActor("r"), "rule:r"), task).allowed, true);
  assert.equal(mayReassignTask(agent("bob", "agent"), task).allowed, true);
  assert.equal(
    mayReassignTask(agent("dave", "agent"), { ...task, reviewer: "dave" }).allowed,
    false,
    "a reviewer may update but not reassign",
  );
});

Deno.test("claims: an assigned task is its assignee's; a review is never one's own work", () => {
  assert.equal(mayClaimTask(agent("carol", "agent"), { ...task, assignee: null }).allowed, true);
  assert.equal(mayClaimTask(agent("carol", "agent"), task).allowed, false);
  assert.equal(mayClaimTask(agent("carol", "lead", ["claim_assigned"]), task).allowed, true);
  const own = mayClaimReview(agent("bob", "lead", ["claim_assigned"]), task);
  assert.equal(own.allowed, false);
  assert.ok("reason" in own && /bob's own work/.test(own.reason), "no privilege overrides it");
  assert.equal(mayClaimReview(agent("carol", "agent"), task).allowed, true);
  assert.equal(
    mayClaimReview(agent("carol", "agent"), { ...task, reviewer: "dave" }).allowed,
    false,
  );
});

Deno.test("messages, context and privileges", () => {
  assert.equal(mayRetractMessage(agent("alice", "agent"), { sender: "alice" }).allowed, true);
  assert.equal(mayRetractMessage(agent("bob", "agent"), { sender: "alice" }).allowed, false);
  assert.equal(
    mayRetractMessage(agent("bob", "admin", ["delete_any_message"]), { sender: "alice" }).allowed,
    true,
  );
  assert.equal(mayDeleteContext(agent("bob", "agent"), { authors: ["alice"] }).allowed, false);
  assert.equal(
    mayDeleteContext(agent("bob", "agent"), { authors: ["alice", "bob"] }).allowed,
    false,
    "writing on alice's key does not make it bob's to delete",
  );
  assert.equal(mayDeleteContext(agent("bob", "agent"), { authors: ["Bob"] }).allowed, true);
  assert.equal(
    mayDeleteContext(other(humanActor("ops"), "human:ops"), { authors: ["a"] }).allowed,
    true,
  );
  assert.equal(mayUsePrivilege(agent("bob", "agent"), "purge_messages").allowed, false);
  const lead = ROLES.get("lead");
  assert.equal(maySelfAssignRole(lead, "agent").allowed, false);
  assert.equal(maySelfAssignRole(lead, "lead").allowed, true, "a granted role is kept");
  assert.equal(maySelfAssignRole(ROLES.get("coder"), undefined).allowed, true);
});

Deno.test("tools: '*' minus exclude, or an explicit list; register always", () => {
  const worker = ROLES.get("async-worker");
  assert.equal(mayCallTool(worker, "broadcast"), false);
  assert.equal(mayCallTool(worker, "register"), true);
  const plain = ROLES.get("agent");
  assert.equal(mayCallTool(plain, "create_rule"), false, "needs manage_rules, which it lacks");
  assert.equal(mayCallTool(plain, "list_rules"), true);
  assert.equal(mayCallTool(ROLES.get("lead"), "create_rule"), true);
  assert.deepEqual(toolsOf(ROLES, "admin"), [...ROLES.allTools]);
});

Deno.test("a refusal names the privilege and the roles that hold it in this table", () => {
  const custom = new RoleCatalog([
    _role("agent", []),
    _role("janitor", ["purge_messages"]),
    _role("chief", ["purge_messages", "update_any_task"]),
  ], ["purge_messages", "update_task"]);
  const bob = agent("bob", "agent");
  assert.throws(
    () =>
      enforce(mayUsePrivilege(bob, "purge_messages"), { who: bob, what: "purge messages" }, custom),
    (error: unknown) =>
      error instanceof ForbiddenError &&
      error.message ===
        "'bob' may not purge messages: role 'agent' lacks the privilege purge_messages " +
          "(roles with it: chief, janitor).",
  );
  const verdict = mayUpdateTask(bob, { creator: "alice", assignee: null, reviewer: null });
  assert.ok(!verdict.allowed);
  assert.equal(
    refusal(verdict, { who: bob, what: "update task 3", field: "task_id" }, custom).message,
    "task_id: 'bob' may not update task 3: only its creator ('alice'), its assignee (none) or " +
      "its reviewer (none) may, and role 'agent' lacks the privilege update_any_task (roles " +
      "with it: chief).",
  );
  assert.doesNotThrow(() => enforce({ allowed: true }, { who: bob, what: "x" }, custom));
});

function _role(name: string, privileges: Privilege[]): Role {
  return {
    name,
    description: name,
    guidelines: name,
    capabilities: [],
    tools: "*",
    exclude: [],
    privileges,
    privileged: privileges.length > 0,
    task_affinity: [],
    escalation: null,
    source: "test",
  };
}
