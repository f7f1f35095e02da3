/**
 * The table: every store over one database connection and one clock, wired once. Read this
 * file to see how the domain fits together: stores make changes and publish them through the
 * Publisher, which feeds the audit log, task feeds, the event outbox and the rule engine; the
 * rule engine acts back on the stores through RuleActions.
 */
import type { DatabaseSync } from "node:sqlite";
import { AuditLog } from "./audit_log.ts";
import { Publisher } from "./changes/publisher.ts";
import { SYSTEM_ACTOR } from "./actor.ts";
import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import { SharedContextStore } from "./context/shared_context.ts";
import { Departures } from "./departures.ts";
import { EventOutbox } from "./event_outbox.ts";
import { handedOverReason } from "./leases/lease.ts";
import { LeaseStore } from "./leases/lease_store.ts";
import { TaskLeases } from "./leases/task_leases.ts";
import type { LocalProcesses } from "./members/local_processes.ts";
import {
  DEFAULT_AWAY_RELEASE_MS,
  DEFAULT_PRESENCE_MS,
  MemberDirectory,
} from "./members/member_directory.ts";
import { MemberStore } from "./members/member_store.ts";
import { MessageStore } from "./messages/message_store.ts";
import { MessageThreads } from "./messages/message_threads.ts";
import { Principals } from "./permissions/principal.ts";
import { OperatorSignIns } from "./operator_sign_ins.ts";
import { PollCursors } from "./poll_cursors.ts";
import { ServeAddress } from "./serve_address.ts";
import type { RoleCatalog } from "./role_catalog.ts";
import type { RuleActions } from "./rules/rule_actions.ts";
import { RuleBook } from "./rules/rule_book.ts";
import type { CompiledRule } from "./rules/rule_definition.ts";
import { RuleEngine } from "./rules/rule_engine.ts";
import { RuleSet } from "./rules/rule_set.ts";
import { TableSearch } from "./search/table_search.ts";
import { TaskActivityLog } from "./tasks/task_activity.ts";
import { TaskQueries } from "./tasks/task_queries.ts";
import { TaskStore } from "./tasks/task_store.ts";
import { TaskStructure } from "./tasks/task_structure.ts";
import { WorkOffers } from "./tasks/work_offers.ts";
import { Statements } from "../db/statements.ts";
import { Transactor } from "../db/transaction.ts";

export { DEFAULT_AWAY_RELEASE_MS, DEFAULT_PRESENCE_MS };

/** The domain over one database; the database itself is not reachable through it. */
export interface Table {
  readonly clock: Clock;
  /** Every write goes through it: one transaction per operation. */
  readonly tx: Transactor;
  readonly audit: AuditLog;
  readonly events: EventOutbox;
  /** The one way to record a change (its audit row, feed lines, events, rule triggers). */
  readonly publisher: Publisher;
  /** Resolves an actor to what permissions decide from (its label, role, privileges). */
  readonly principals: Principals;
  readonly members: MemberStore;
  /** Leaving the table, and open tasks of agents away too long going back to pending. */
  readonly departures: Departures;
  readonly messages: MessageStore;
  /** Threads and acknowledgements owed, as one reader may see them. */
  readonly threads: MessageThreads;
  /** Full-text search over messages, tasks, comments and shared context. */
  readonly search: TableSearch;
  readonly tasks: TaskStore;
  readonly context: SharedContextStore;
  /** File leases: who is editing which paths. */
  readonly leases: LeaseStore;
  /** Tasks with the paths they touch: create with paths, claim with leases. */
  readonly taskLeases: TaskLeases;
  /** Who is told that a task is free to take (task_available), and what an agent was offered. */
  readonly offers: WorkOffers;
  readonly pollCursors: PollCursors;
  /** The operator's web sessions and one-time sign-in codes (stored hashed). */
  readonly signIns: OperatorSignIns;
  /** Where the running serve listens (web-link's address). */
  readonly serveAddress: ServeAddress;
  readonly roles: RoleCatalog;
  readonly rules: RuleBook;
  readonly ruleEngine: RuleEngine;
}

/** Builds the domain over an open database. The caller owns (and closes) the database. */
export function createTable(deps: {
  db: DatabaseSync;
  roles: RoleCatalog;
  /** Rules from files (shipped defaults and the user's); runtime rules live in the database. */
  rules?: readonly CompiledRule[];
  clock?: Clock;
  /** How deep rules may trigger rules (default 8). */
  ruleChainLimit?: number;
  /** Messages per sender per 60 s (default 30; 0: no limit). */
  messageRateLimit?: number;
  /** How long a session may go unseen before its name is free (default 60 s). */
  presenceMs?: number;
  /** How long an agent may be away before its open tasks go back to pending (default 10 min). */
  awayReleaseMs?: number;
  /** The longest time to live a file lease may ask for, in seconds (default a day). */
  leaseMaxTtl?: number;
  /** This machine's processes: a name a dead stdio process here held is free at once. */
  localProcesses?: LocalProcesses | undefined;
}): Table {
  const { db, roles } = deps;
  const clock = deps.clock ?? systemClock;
  const sql = new Statements(db);
  const tx = new Transactor(db);
  const audit = new AuditLog(sql, clock);
  const events = new EventOutbox({ sql, clock, tx });
  const activity = new TaskActivityLog(sql, clock);
  const presenceMs = deps.presenceMs ?? DEFAULT_PRESENCE_MS;
  const directory = new MemberDirectory({
    sql,
    clock,
    presenceMs,
    awayReleaseMs: deps.awayReleaseMs ?? DEFAULT_AWAY_RELEASE_MS,
  });
  const principals = new Principals({ members: directory, roles });
  const structure = new TaskStructure(sql);
  const queries = new TaskQueries({ sql, roles, activity, structure });
  const ruleSet = new RuleSet(sql, deps.rules ?? []);
  const ruleEngine = new RuleEngine(
    { tx, sql, clock, rules: ruleSet, directory },
    deps.ruleChainLimit,
  );
  const publisher = new Publisher({ audit, events, activity, triggers: ruleEngine });
  const rules = new RuleBook({ tx, sql, clock, roles, principals, publisher, rules: ruleSet });
  const base = { tx, sql, clock, roles, directory, principals, publisher };
  const leases = new LeaseStore({
    ctx: base,
    maxTtl: deps.leaseMaxTtl,
    notify: (recipient, content) => void messages.send({ by: SYSTEM_ACTOR, recipient, content }),
    freed: (paths, by) => offers.offerFreed(paths, by),
  });
  const offers = new WorkOffers({
    ctx: base,
    pathsLeased: (taskId, budget) => leases.taskPathsBusy(taskId, "", budget),
  });
  const tasks = new TaskStore({
    ...base,
    queries,
    structure,
    activity,
    blockerFor: (agent) => leases.blockerFor(agent),
    messenger: (input) => void messages.send(input),
    offer: (taskId, by, why) => void offers.offer(taskId, by, why),
    declarePaths: (taskId, paths) => void leases.declareTaskPaths(taskId, paths),
    handedOver: (taskId, by) => void leases.endForTask(taskId, handedOverReason(taskId), by),
    sentBack: (task) => leases.leaseAgain(task),
  });
  const messages = new MessageStore({ ...base, tasks, rateLimit: deps.messageRateLimit });
  ruleEngine.attach(_ruleActions({ tasks, messages, queries, directory, publisher }));
  const members = new MemberStore(base, deps.localProcesses);
  const departures = new Departures({
    ctx: base,
    members,
    tasks,
    messages,
  });
  return {
    clock,
    tx,
    audit,
    events,
    publisher,
    principals,
    members,
    departures,
    messages,
    threads: new MessageThreads({ sql, clock, roles, principals, tasks: queries }),
    search: new TableSearch({ sql, clock, principals }),
    tasks,
    context: new SharedContextStore(base),
    leases,
    taskLeases: new TaskLeases({ tx, tasks, leases }),
    offers,
    pollCursors: new PollCursors({ tx, sql }),
    signIns: new OperatorSignIns({ sql, tx, clock }),
    serveAddress: new ServeAddress({ sql, tx, clock }),
    roles,
    rules,
    ruleEngine,
  };
}

/** The commands rule actions use, acting through the same stores as everyone else. */
function _ruleActions(deps: {
  tasks: TaskStore;
  messages: MessageStore;
  queries: TaskQueries;
  directory: MemberDirectory;
  publisher: Publisher;
}): RuleActions {
  const { tasks, messages, queries, directory, publisher } = deps;
  return {
    getTask: (id) => queries.get(id),
    setStatus: ({ taskId, status, by }) => tasks.update({ taskId, status, by }),
    comment: ({ taskId, content, by }) => void tasks.comment({ taskId, content, by }),
    assign: ({ taskId, agent, by }) => tasks.reassign({ taskId, newAssignee: agent, by }),
    sendMessage: (input) => void messages.send(input),
    createTask: (input) => tasks.create(input),
    nextTaskFor: (agent) => {
      const member = directory.require(agent, "assign");
      return queries.nextFor(member);
    },
    openTaskOf: (agent) => queries.openTaskOf(agent),
    membersWithRole: (role) => directory.withRoles([role]),
    record: (change) => publisher.publish(change),
  };
}
