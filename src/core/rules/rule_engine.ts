/**
 * Runs the rules. `emit` is called by the stores inside the transaction that made a change, so
 * a rule fires exactly once per event whichever process made it. Each action runs in a
 * savepoint: one that fails is recorded and undone alone, never the triggering change. Rules
 * that trigger rules stop at a depth limit. `tick` evaluates time-based rules (agent.idle); a
 * row in rule_firings makes sure that two processes never both act on one occurrence.
 * Every firing is written to the audit log and, for a task, to its feed, as `rule:<name>`.
 */
import { type Actor, ruleActor, SYSTEM_ACTOR } from "../actor.ts";
import type { Clock } from "../clock.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import type { Transactor } from "../../db/transaction.ts";
import { evaluateCondition } from "./condition.ts";
import { mayRuleObserve } from "../permissions/permissions.ts";
import type { RuleActions } from "./rule_actions.ts";
import type { CompiledRule, RuleAction, Trigger } from "./rule_definition.ts";
import type { RuleSet } from "./rule_set.ts";
import type { MemberDirectory } from "../members/member_directory.ts";
import type { TriggerSink, TriggerSubject } from "./trigger_sink.ts";

export const DEFAULT_CHAIN_LIMIT = 8;

/** What an action runs with: the rule, its actor name, the event's fields and subject. */
interface _ActionContext {
  rule: CompiledRule;
  actor: Actor;
  fields: Record<string, unknown>;
  subject: TriggerSubject;
}

export interface ActionOutcome {
  action: string;
  ok: boolean;
  result: string;
}

export class RuleEngine implements TriggerSink {
  readonly #tx: Transactor;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #book: RuleSet;
  readonly #directory: MemberDirectory;
  readonly #chainLimit: number;
  #actions: RuleActions | undefined;
  #depth = 0;

  constructor(
    deps: {
      tx: Transactor;
      sql: Statements;
      clock: Clock;
      rules: RuleSet;
      /** Who is online: only online agents count as idle (an away agent is not given work). */
      directory: MemberDirectory;
    },
    chainLimit = DEFAULT_CHAIN_LIMIT,
  ) {
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#book = deps.rules;
    this.#directory = deps.directory;
    this.#chainLimit = chainLimit;
  }

  /**
   * Gives the engine the commands its actions use. The stores that announce changes to the
   * engine are those commands, so this is wired once after both exist (createTable); until
   * then the engine refuses to run rather than drop a rule.
   */
  attach(actions: RuleActions): void {
    this.#actions = actions;
  }

  emit(trigger: Trigger, fields: Record<string, unknown>, subject: TriggerSubject): void {
    const actions = this.#wired();
    const rules = this.#book.active().filter((rule) => rule.on === trigger);
    if (rules.length === 0) return;
    if (this.#depth >= this.#chainLimit) {
      actions.record({
        type: "rule.chain_limit",
        by: SYSTEM_ACTOR,
        trigger,
        depth: this.#depth,
        limit: this.#chainLimit,
        rulesNotRun: rules.map((r) => r.name),
        taskId: subject.taskId,
        agent: subject.agent,
      });
      return;
    }
    for (const rule of rules) {
      // A rule never sees (nor reacts to) a message its creator could not read.
      if (!mayRuleObserve(rule.owner, fields)) continue;
      if (rule.condition && !evaluateCondition(rule.condition, fields)) continue;
      this.#fire(rule, trigger, fields, subject);
    }
  }

  /**
   * Evaluates the time-based rules now (agent.idle, message.ack_overdue). Returns how many
   * firings happened here (another process may have taken some).
   */
  tick(): number {
    this.#wired();
    return this.#tx.run(() => {
      let fired = 0;
      const now = this.#clock.now();
      for (const rule of this.#book.active()) {
        if (rule.on === "message.ack_overdue" && rule.overdueMs !== undefined) {
          fired += this.#ackOverdue(rule, rule.overdueMs, now);
          continue;
        }
        if (rule.on !== "agent.idle" || rule.idleMs === undefined) continue;
        const idle = this.#sql.get(
          `SELECT name, role, last_seen FROM members WHERE status = 'active' AND last_seen <= ?
             AND session_id IS NOT NULL AND seen_at >= ?
           ORDER BY last_seen`,
        ).all(now - rule.idleMs, this.#directory.staleBefore(now));
        for (const row of idle) {
          const agent = text(row, "name");
          const lastSeen = int(row, "last_seen");
          const fields = {
            "agent.name": agent,
            "agent.role": text(row, "role"),
            "agent.idle": now - lastSeen,
          };
          if (rule.condition && !evaluateCondition(rule.condition, fields)) continue;
          const claimed = this.#sql.get(
            "INSERT OR IGNORE INTO rule_firings (rule, subject, fired_at) VALUES (?, ?, ?)",
          ).run(rule.name, `${agent.toLowerCase()}@${lastSeen}`, now).changes;
          if (Number(claimed) === 0) continue;
          this.#fire(rule, "agent.idle", fields, { agent });
          fired++;
        }
      }
      return fired;
    });
  }

  /**
   * Fires `rule` once per message and recipient whose acknowledgement is owed for longer than
   * `afterMs` (rule_firings keeps it once across processes and ticks).
   */
  #ackOverdue(rule: CompiledRule, afterMs: number, now: number): number {
    let fired = 0;
    const owed = this.#sql.get(
      `SELECT d.agent, d.ack_requested_at, m.id, m.sender, m.task_id, m.content, m.subject,
         m.thread_id
       FROM deliveries d JOIN messages m ON m.id = d.message_id
       WHERE d.ack_requested_at IS NOT NULL AND d.acked_at IS NULL AND d.ack_requested_at <= ?
         AND m.archived_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM rule_firings f WHERE f.rule = ?
                         AND f.subject = 'ack:' || m.id || ':' || lower(d.agent))
       ORDER BY d.ack_requested_at LIMIT 500`,
    ).all(now - afterMs, rule.name);
    for (const row of owed) {
      const agent = text(row, "agent");
      const id = int(row, "id");
      const taskId = intOrNull(row, "task_id");
      const fields = {
        "message.id": id,
        "message.sender": text(row, "sender"),
        "message.recipient": agent,
        "message.task_id": taskId,
        "message.content": text(row, "content"),
        "message.subject": textOrNull(row, "subject"),
        "message.thread_id": intOrNull(row, "thread_id") ?? id,
        "ack.age": now - int(row, "ack_requested_at"),
      };
      if (!mayRuleObserve(rule.owner, fields)) continue;
      if (rule.condition && !evaluateCondition(rule.condition, fields)) continue;
      const claimed = this.#sql.get(
        "INSERT OR IGNORE INTO rule_firings (rule, subject, fired_at) VALUES (?, ?, ?)",
      ).run(rule.name, `ack:${id}:${agent.toLowerCase()}`, now).changes;
      if (Number(claimed) === 0) continue;
      this.#fire(rule, "message.ack_overdue", fields, { taskId: taskId ?? undefined, agent });
      fired++;
    }
    return fired;
  }

  #fire(
    rule: CompiledRule,
    trigger: Trigger,
    fields: Record<string, unknown>,
    subject: TriggerSubject,
  ): void {
    const actor = ruleActor(rule.name, rule.owner);
    const startedAt = this.#clock.now();
    const outcomes: ActionOutcome[] = [];
    this.#depth++;
    try {
      for (const action of rule.then) {
        outcomes.push(this.#attempt(action, { rule, actor, fields, subject }));
      }
    } finally {
      this.#depth--;
    }
    this.#wired().record({
      type: "rule.fired",
      by: actor,
      rule: rule.name,
      trigger,
      depth: this.#depth,
      outcomes,
      taskId: subject.taskId,
      agent: subject.agent,
      at: startedAt,
    });
  }

  #wired(): RuleActions {
    if (this.#actions) return this.#actions;
    throw new Error("the rule engine has no actions attached; createTable wires them");
  }

  /** Runs one action in a savepoint; a failure is rolled back alone and reported. */
  #attempt(
    action: RuleAction,
    ctx: _ActionContext,
  ): ActionOutcome {
    const name = Object.keys(action)[0] ?? "action";
    try {
      const result = this.#tx.savepoint(() => this.#run(action, ctx));
      return { action: name, ok: true, result };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { action: name, ok: false, result: message };
    }
  }

  #run(action: RuleAction, ctx: _ActionContext): string {
    const table = this.#wired();
    const { actor, fields, subject } = ctx;
    const taskId = subject.taskId;
    if ("set_status" in action) {
      const current = table.getTask(_need(taskId));
      if (current.status === action.set_status) {
        return `task #${current.id} is ${current.status}`;
      }
      const task = table.setStatus({ taskId: current.id, status: action.set_status, by: actor });
      return `task #${task.id} is ${task.status}`;
    }
    if ("comment" in action) {
      table.comment({ taskId: _need(taskId), content: _fill(action.comment, fields), by: actor });
      return `commented on task #${taskId}`;
    }
    if ("notify" in action) {
      const spec = typeof action.notify === "string" ? { to: action.notify } : action.notify;
      const content = spec.message !== undefined
        ? _fill(spec.message, fields)
        : _describe(ctx.rule, fields);
      return this.#message(spec.to, content, ctx);
    }
    if ("send_message" in action) {
      return this.#message(action.send_message.to, _fill(action.send_message.content, fields), ctx);
    }
    if ("assign" in action) {
      if (action.assign === "next_pending_task") {
        const agent = fields["agent.name"];
        if (typeof agent !== "string") throw new Error("next_pending_task needs an agent event");
        const busy = table.openTaskOf(agent);
        if (busy !== null) return `skipped: ${agent} already has task #${busy}`;
        const next = table.nextTaskFor(agent);
        if (next === null) return `no pending task for ${agent}`;
        table.assign({ taskId: next, agent, by: actor });
        return `task #${next} assigned to ${agent}`;
      }
      const [target] = this.#targets(action.assign, fields);
      if (!target) return `skipped: ${action.assign} names nobody`;
      const current = table.getTask(_need(taskId));
      if (current.assignee?.toLowerCase() === target.toLowerCase()) {
        return `task #${current.id} assigned to ${current.assignee}`;
      }
      const task = table.assign({ taskId: current.id, agent: target, by: actor });
      return `task #${task.id} assigned to ${task.assignee}`;
    }
    const spec = action.create_task;
    const assignee = spec.assignee === undefined
      ? undefined
      : this.#targets(spec.assignee, fields)[0];
    const task = table.createTask({
      title: _fill(spec.title, fields),
      description: spec.description === undefined ? undefined : _fill(spec.description, fields),
      priority: spec.priority,
      type: spec.type,
      assignee,
      parentId: spec.subtask ? _need(taskId) : undefined,
      by: actor,
    });
    return `created task #${task.id}`;
  }

  #message(
    to: string,
    content: string,
    ctx: { actor: Actor; fields: Record<string, unknown>; subject: TriggerSubject },
  ): string {
    const by = ctx.fields["event.by"];
    const targets = this.#targets(to, ctx.fields).filter((name) =>
      typeof by !== "string" || name.toLowerCase() !== by.toLowerCase()
    );
    if (targets.length === 0) return `skipped: ${to} names nobody to tell (or only the actor)`;
    for (const recipient of targets) {
      this.#wired().sendMessage({
        recipient,
        content,
        taskId: ctx.subject.taskId,
        by: ctx.actor,
      });
    }
    return `told ${targets.join(", ")}`;
  }

  /** Agent names for a target: a field (task.assignee...), role:NAME, agent:NAME or a name. */
  #targets(target: string, fields: Record<string, unknown>): string[] {
    if (target.startsWith("role:")) return this.#wired().membersWithRole(target.slice(5));
    if (target.startsWith("agent:")) return [target.slice(6)];
    if (/^[a-z_]+\.[a-z_]+$/.test(target)) {
      const value = fields[target];
      return typeof value === "string" && !value.startsWith("rule:") ? [value] : [];
    }
    return [target];
  }
}

function _need(taskId: number | undefined): number {
  if (taskId === undefined) throw new Error("this action needs a task, and the event has none");
  return taskId;
}

/** Replaces {field} placeholders with the event's values. */
function _fill(template: string, fields: Record<string, unknown>): string {
  return template.replace(/\{([a-z_]+\.[a-z_]+)\}/g, (whole, key: string) => {
    const value = fields[key];
    return value === undefined || value === null ? whole : String(value);
  });
}

function _describe(rule: CompiledRule, fields: Record<string, unknown>): string {
  const task = fields["task.id"];
  if (task !== undefined) {
    return `Rule ${rule.name}: task #${String(task)} "${String(fields["task.title"])}" is now ${
      String(fields["task.status"])
    }${fields["event.by"] ? ` (by ${String(fields["event.by"])})` : ""}.`;
  }
  if (rule.on === "message.ack_overdue") {
    const subject = fields["message.subject"];
    return `Rule ${rule.name}: ${String(fields["message.recipient"])} has not acknowledged ` +
      `message #${String(fields["message.id"])} from ${String(fields["message.sender"])}` +
      `${typeof subject === "string" ? ` ("${subject}")` : ""} after ${
        Math.round(Number(fields["ack.age"]) / 60_000)
      } min.`;
  }
  return `Rule ${rule.name} fired on ${rule.on}.`;
}
