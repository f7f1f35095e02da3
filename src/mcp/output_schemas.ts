/** Output schemas of the records tools return; they mirror the core types. */
import { z } from "zod";
import { SEARCH_KINDS } from "../core/search/search_query.ts";
import { COMMENT_TYPES } from "../core/tasks/task_activity.ts";
import { REVIEW_VERDICTS, TASK_PRIORITIES, TASK_STATUSES } from "../core/tasks/task_model.ts";

/**
 * Each schema is built on first use, once: only tools' result fields (built when a tool is
 * first called, or for a tools/list built live) and a few results' shapes read them, so a
 * starting server builds none.
 */
function _once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

const _time = _once(() => z.string().describe("ISO 8601 time, UTC"));

export const leaseSchema = _once(() =>
  z.object({
    id: z.number().int(),
    agent: z.string().describe("The holder"),
    path: z.string().describe("A file or glob, repository-relative"),
    exclusive: z.boolean(),
    reason: z.string().nullable(),
    task_id: z.number().int().nullable(),
    since: _time(),
    until: _time(),
  })
);

export const memberSchema = _once(() =>
  z.object({
    name: z.string(),
    role: z.string(),
    capabilities: z.array(z.string()),
    status: z.enum(["active", "inactive"]),
    presence: z.enum(["online", "away", "gone"]).describe(
      "online: a live session holds the name; away: no live session; gone: left the table",
    ),
    presence_since: _time(),
    has_credential: z.boolean(),
    registered_at: _time(),
    last_seen: _time(),
  })
);

/** A member in a list: what a reader needs to choose whom to ask. */
export const memberSummarySchema = _once(() =>
  memberSchema().pick({
    name: true,
    role: true,
    capabilities: true,
    presence: true,
    last_seen: true,
  })
);

export const roleSchema = _once(() =>
  z.object({
    name: z.string(),
    description: z.string(),
    guidelines: z.string().describe("How an agent in this role should behave"),
    capabilities: z.array(z.string()),
    tools: z.array(z.string()).describe("The tools this role may call"),
    privileges: z.array(z.string()),
    privileged: z.boolean().describe("Granted by an operator, never self-assigned"),
    task_affinity: z.array(z.string()).describe("Task types this role takes first"),
    escalation: z.string().nullable().describe("Who hears about this role's blockers"),
  })
);

/** What an agent holds when it comes back (core/agent_holdings.ts). */
export const holdingsSchema = _once(() =>
  z.object({
    tasks: z.array(z.object({
      id: z.number().int(),
      title: z.string(),
      status: z.string(),
      as: z.enum(["assignee", "reviewer"]).describe("reviewer: a review you took"),
    })).describe("Your open tasks and the reviews you took"),
    leases: z.array(z.object({
      id: z.number().int(),
      path: z.string(),
      exclusive: z.boolean(),
      task_id: z.number().int().nullable(),
      until: _time(),
    })),
    acks_owed: z.array(z.object({
      message_id: z.number().int(),
      sender: z.string(),
      excerpt: z.string(),
    })).describe("Messages you must acknowledge (acknowledge_message)"),
    unread: z.number().int(),
    more: z.object({
      tasks: z.number().int().optional(),
      leases: z.number().int().optional(),
      acks_owed: z.number().int().optional(),
    }).optional().describe("How many of each were left out"),
  })
);

/** A role in a list: get_role has its guidelines and tools. */
export const roleSummarySchema = _once(() =>
  roleSchema().pick({
    name: true,
    description: true,
    privileges: true,
    privileged: true,
    task_affinity: true,
  })
);

export const messageSchema = _once(() =>
  z.object({
    id: z.number().int(),
    sender: z.string(),
    recipient: z.string().nullable().describe("null for a broadcast"),
    broadcast: z.boolean(),
    content: z.string(),
    task_id: z.number().int().nullable(),
    thread_id: z.number().int().describe("the id of the message that started the thread"),
    reply_to: z.number().int().nullable(),
    subject: z.string().nullable(),
    ack_required: z.boolean().describe("recipients must call acknowledge_message"),
    created_at: _time(),
  })
);

/** A message just sent, as its sender gets it back: everything but the content it wrote. */
export const sentMessageSchema = _once(() => messageSchema().omit({ content: true }));

export const inboxMessageSchema = _once(() =>
  messageSchema().extend({
    unread: z.boolean().describe("true if you had not read it before this call"),
    archived: z.boolean(),
    acknowledged_at: _time().nullable().describe("when you acknowledged it"),
  })
);

export const threadMessageSchema = _once(() =>
  messageSchema().extend({
    read_by: z.array(z.string()).describe("recipients who have read it"),
    acks: z.object({
      acknowledged: z.array(
        z.object({ agent: z.string(), at: _time(), note: z.string().nullable() }),
      ),
      pending: z.array(z.string()).describe("recipients who still owe an acknowledgement"),
    }).nullable().describe("null unless the message asks for acknowledgement"),
  })
);

export const pendingAckSchema = _once(() =>
  z.object({
    message_id: z.number().int(),
    thread_id: z.number().int(),
    sender: z.string(),
    recipient: z.string().describe("who owes the acknowledgement"),
    subject: z.string().nullable(),
    excerpt: z.string(),
    requested_at: _time(),
    age_s: z.number().int(),
    overdue: z.boolean(),
  })
);

/** One of your messages still awaiting acknowledgements: who did, who has not. */
export const awaitedAckSchema = _once(() =>
  z.object({
    message_id: z.number().int(),
    thread_id: z.number().int(),
    recipient: z.string().nullable().describe("null: a broadcast"),
    subject: z.string().nullable(),
    excerpt: z.string(),
    sent_at: _time(),
    age_s: z.number().int(),
    overdue: z.boolean(),
    acknowledged: z.array(z.string()),
    pending: z.array(z.string()).describe("Who has not acknowledged yet"),
    acknowledged_count: z.number().int(),
    pending_count: z.number().int(),
  })
);

export const searchHitSchema = _once(() =>
  z.object({
    kind: z.enum(SEARCH_KINDS),
    id: z.number().int().nullable().describe("message, task or comment id"),
    task_id: z.number().int().nullable(),
    thread_id: z.number().int().nullable(),
    ns: z.string().nullable(),
    key: z.string().nullable(),
    title: z.string(),
    snippet: z.string().describe("the matches between ** marks"),
    by: z.string(),
    at: _time(),
    open: z.string().describe("the call that opens it"),
  })
);

export const taskSchema = _once(() =>
  z.object({
    id: z.number().int(),
    title: z.string(),
    description: z.string(),
    type: z.string().nullable(),
    status: z.enum(TASK_STATUSES),
    priority: z.enum(TASK_PRIORITIES),
    creator: z.string(),
    assignee: z.string().nullable(),
    reviewer: z.string().nullable(),
    parent_id: z.number().int().nullable().describe("the task this is a subtask of"),
    blocked_by: z.array(z.number().int()).describe("tasks this one waits for (done or not)"),
    result: z.string().nullable(),
    review_note: z.object({
      verdict: z.enum(REVIEW_VERDICTS).nullable(),
      note: z.string().nullable(),
      by: z.string(),
      at: _time(),
    }).nullable().describe("the last review (result stays the author's), until the next hand-over"),
    created_at: _time(),
    updated_at: _time(),
    claimed_at: _time().nullable(),
    review_claimed_at: _time().nullable(),
    completed_at: _time().nullable(),
    paths: z.array(z.string()).optional().describe(
      "files or globs it declared; a claim leases them",
    ),
    subtasks: z.object({ done: z.number().int(), total: z.number().int() }).optional().describe(
      "it is done when all its subtasks are",
    ),
  })
);

/** A task in a list: what a reader needs to choose; get_task_detail has the rest. */
export const taskSummarySchema = _once(() =>
  taskSchema().pick({
    id: true,
    title: true,
    type: true,
    status: true,
    priority: true,
    creator: true,
    assignee: true,
    reviewer: true,
    parent_id: true,
    blocked_by: true,
    updated_at: true,
    paths: true,
    subtasks: true,
  })
);

/** A task to work on: the summary (no time) with what to do and the last result and review. */
export const taskWorkSchema = _once(() =>
  taskSummarySchema().omit({ updated_at: true }).extend(
    taskSchema().pick({ description: true, result: true, review_note: true }).shape,
  )
);

/** What a change did to a task: its id and status, and each other field that changed. */
export const taskChangeSchema = _once(() =>
  taskWorkSchema().partial().required({ id: true, status: true })
);

/** A lease as a claim reports it: its id (to release it by), path and end. */
export const leaseRefSchema = _once(() =>
  leaseSchema().pick({ id: true, path: true, until: true })
);

export const taskRefSchema = _once(() =>
  z.object({
    id: z.number().int(),
    title: z.string(),
    status: z.string(),
    assignee: z.string().nullable(),
  })
);

export const taskCommentSchema = _once(() =>
  z.object({
    id: z.number().int(),
    task_id: z.number().int(),
    agent: z.string(),
    type: z.enum(COMMENT_TYPES),
    content: z.string(),
    at: _time(),
  })
);

export const feedEntrySchema = _once(() =>
  z.object({
    at: _time(),
    type: z.enum([...COMMENT_TYPES, "message"]),
    agent: z.string(),
    content: z.string(),
    recipient: z.string().nullable().describe("for messages: the recipient, '*' for a broadcast"),
    message_id: z.number().int().nullable(),
    line: z.string().describe("the entry as a feed line"),
  })
);

export const contextEntrySchema = _once(() =>
  z.object({
    ns: z.string(),
    key: z.string(),
    value: z.string(),
    version: z.number().int(),
    set_by: z.string(),
    updated_at: _time(),
    expires_at: _time().nullable().describe("null: it does not expire"),
  })
);

export const auditEntrySchema = _once(() =>
  z.object({
    id: z.number().int(),
    at: _time(),
    agent: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
);

export const contextVersionSchema = _once(() =>
  z.object({
    version: z.number().int(),
    set_by: z.string(),
    at: _time(),
    size: z.number().int(),
    deleted: z.boolean(),
    expires_at: _time().nullable(),
  })
);
