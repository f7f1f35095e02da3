/** File leases: reserve_paths, release_paths, renew_paths, list_leases. */
import { z } from "zod";
import type { LeaseConflict } from "../../core/leases/lease.ts";
import { LIMITS } from "../../core/limits.ts";
import {
  actorField,
  agentNameField,
  boolField,
  idField,
  integerField,
  stringListField,
  textField,
} from "../fields.ts";
import { leaseSchema } from "../output_schemas.ts";
import type { ToolSettings } from "../tool_settings.ts";
import { type AnyTool, tool } from "../register_tool.ts";
import { nextCursorOutput, pageInput, pageResult } from "./page_fields.ts";

/** Repository-relative files or globs. */
export function leasePathsField(field: string) {
  return stringListField(field, LIMITS.leasePathsMax, LIMITS.leasePathMax).describe(
    "Files or globs (src/**/*.ts)",
  );
}

/** A lease's time to live in seconds. */
export function leaseTtlField(settings: ToolSettings) {
  return integerField("ttl", 1, settings.leaseMaxTtl).optional().describe(
    `Seconds (default ${Math.min(LIMITS.leaseTtlDefaultS, settings.leaseMaxTtl)})`,
  );
}

const _ids = z.array(idField("each entry of ids")).max(LIMITS.leasePathsMax, {
  error: () => `ids has more than ${LIMITS.leasePathsMax} lease ids`,
});

const _conflictSchema = z.object({
  path: z.string().describe("Your requested path"),
  lease_id: z.number().int(),
  holder: z.string(),
  held_path: z.string(),
  exclusive: z.boolean(),
  since: z.string(),
  until: z.string(),
  reason: z.string().nullable(),
  task_id: z.number().int().nullable(),
});

function _conflict(c: LeaseConflict): z.input<typeof _conflictSchema> {
  const { lease } = c;
  return {
    path: c.path,
    lease_id: lease.id,
    holder: lease.agent,
    held_path: lease.path,
    exclusive: lease.exclusive,
    since: lease.since,
    until: lease.until,
    reason: lease.reason,
    task_id: lease.task_id,
  };
}

/** Said with a refusal that did not ask to wait. */
const _WAIT_HINT = "Nothing changed. Work on something else, or call again with " +
  "notify_when_free: true to get a message when these paths are free.";

export function leaseTools(settings: ToolSettings): AnyTool[] {
  const tools: AnyTool[] = [];
  tools.push(tool({
    name: "reserve_paths",
    title: "Reserve files",
    description: "Lease files you will edit, all or none. Exclusive (default) conflicts with any " +
      "overlapping lease, shared only with exclusive ones; refused: granted=false and the " +
      "conflicts. Ends on release, ttl, its task handed over, done or reassigned, or your leaving.",
    get input() {
      return {
        paths: leasePathsField("paths"),
        exclusive: boolField("exclusive").optional().describe("Default true"),
        ttl: leaseTtlField(settings),
        reason: textField("reason", 1, LIMITS.leaseReasonMax).optional().describe(
          "What for",
        ),
        task_id: idField("task_id").optional().describe("Its task"),
        notify_when_free: boolField("notify_when_free").optional().describe(
          "If refused, message me when free",
        ),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return {
        granted: z.boolean(),
        leases: z.array(leaseSchema()),
        conflicts: z.array(_conflictSchema),
        waiting: z.boolean(),
        hint: z.string().optional(),
      };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    run(args, { table, session }) {
      const result = table.leases.reserve({
        by: session.actor(args.agent_name, "agent_name"),
        paths: args.paths,
        exclusive: args.exclusive,
        ttl: args.ttl,
        reason: args.reason,
        taskId: args.task_id,
        notifyWhenFree: args.notify_when_free,
      });
      const refused = !result.granted && !result.waiting;
      return {
        ...result,
        conflicts: result.conflicts.map(_conflict),
        ...(refused ? { hint: _WAIT_HINT } : {}),
      };
    },
  }));

  tools.push(tool({
    name: "release_paths",
    title: "Release files",
    description: "End your leases by ids or paths (neither: all). Another agent's (by id) needs " +
      "manage_leases and a reason; its holder is told.",
    get input() {
      return {
        ids: _ids.optional().describe("Lease ids"),
        paths: leasePathsField("paths").optional(),
        reason: textField("reason", 1, LIMITS.leaseReasonMax).optional().describe(
          "Why (required for another agent's lease)",
        ),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { released: z.array(leaseSchema()), count: z.number().int() };
    },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
    run(args, { table, session }) {
      const released = table.leases.release({
        by: session.actor(args.agent_name, "agent_name"),
        ids: args.ids,
        paths: args.paths,
        reason: args.reason,
      });
      return { released, count: released.length };
    },
  }));

  tools.push(tool({
    name: "renew_paths",
    title: "Renew leases",
    description: "Extend your leases (by ids or paths; neither: all) to ttl from now.",
    get input() {
      return {
        ids: _ids.optional().describe("Lease ids"),
        paths: leasePathsField("paths").optional(),
        ttl: leaseTtlField(settings),
        agent_name: actorField("agent_name"),
      };
    },
    get output() {
      return { leases: z.array(leaseSchema()), count: z.number().int() };
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    run(args, { table, session }) {
      const leases = table.leases.renew({
        by: session.actor(args.agent_name, "agent_name"),
        ids: args.ids,
        paths: args.paths,
        ttl: args.ttl,
      });
      return { leases, count: leases.length };
    },
  }));

  tools.push(tool({
    name: "list_leases",
    title: "Who edits what",
    description:
      "Live file leases: all, or those overlapping a path, held by an agent, or for a task.",
    get input() {
      return {
        path: textField("path", 1, LIMITS.leasePathMax).optional().describe("A file or glob"),
        agent: agentNameField("agent").optional().describe("Holder"),
        task_id: idField("task_id").optional(),
        ...pageInput(LIMITS.pages.leases),
      };
    },
    get output() {
      return { leases: z.array(leaseSchema()), count: z.number().int(), ...nextCursorOutput };
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    run(args, { table }) {
      return pageResult(
        "leases",
        table.leases.page({ path: args.path, agent: args.agent, taskId: args.task_id }, args),
      );
    },
  }));
  return tools;
}
