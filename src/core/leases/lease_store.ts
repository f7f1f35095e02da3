/**
 * File leases: agents say which files they are editing, and the table refuses overlapping
 * exclusive claims. A reservation is granted whole or refused whole with every conflict; shared
 * leases coexist, an exclusive one conflicts with any overlap (path_overlap.ts). A lease lives
 * until it is released, its time runs out, its task is done or leaves the holder, or the holder
 * deregisters or is gone for good (away, with no session, event stream or process, for longer
 * than the grace, MemberDirectory.awayReleaseMs; an agent that is only quiet keeps its leases):
 * such a lease stops counting at once
 * and is removed (audited, the holder told) by the next lease command or maintenance round,
 * which also tells the agents waiting for the paths.
 */
import type { Actor } from "../actor.ts";
import { agentActor, SYSTEM_ACTOR } from "../actor.ts";
import { toIso } from "../clock.ts";
import { NotFoundError, TableError, ValidationError } from "../errors.ts";
import { checkFilePaths, checkLeasePath, checkLeasePaths } from "../input_rules/lease_paths.ts";
import { tooLongMessage } from "../input_rules/wording.ts";
import { LIMITS } from "../limits.ts";
import { cursorKey, type Page, pageOf, type PageRequest, pageSize } from "../pages.ts";
import { mayLeaseBroadly, mayReleaseLease } from "../permissions/permissions.ts";
import type { Principal } from "../permissions/principal.ts";
import { enforce } from "../permissions/refusal.ts";
import { int, text } from "../rows.ts";
import type { StoreContext } from "../store_context.ts";
import type { Task } from "../tasks/task_model.ts";
import {
  handedOverReason,
  type Lease,
  type LeaseConflict,
  type LeaseEnd,
  type LeaseWaiter,
  toLease,
  toLeaseWaiter,
} from "./lease.ts";
import { coverageProblem } from "./lease_coverage.ts";
import { literalDir, nearPaths } from "./near_paths.ts";
import { type OverlapBudget, overlapBudget, pathsOverlap } from "./path_overlap.ts";

export interface ReserveInput {
  by: Actor;
  paths: readonly string[];
  /** Default true. */
  exclusive?: boolean | undefined;
  /** Seconds; default LIMITS.leaseTtlDefaultS. */
  ttl?: number | undefined;
  reason?: string | undefined;
  /** The task the edit is for (the holder must be its assignee). */
  taskId?: number | undefined;
  /** When refused: be told when the paths are free. */
  notifyWhenFree?: boolean | undefined;
}

export interface ReserveResult {
  granted: boolean;
  leases: Lease[];
  conflicts: LeaseConflict[];
  /** Refused, and the agent will be told when the paths are free. */
  waiting: boolean;
}

/** Which leases a release or renewal is about: ids, paths, or (neither) all of the agent's. */
export interface LeaseSelection {
  by: Actor;
  ids?: readonly number[] | undefined;
  paths?: readonly string[] | undefined;
}

/** Why a file may not be edited: the other agent's exclusive lease that covers it. */
export interface FileCheck {
  file: string;
  blockedBy: Lease | null;
}

/** How the lease store tells an agent something by message (the table signs it). */
export type LeaseNotice = (recipient: string, content: string) => void;

export interface LeaseStoreDeps {
  ctx: StoreContext;
  notify: LeaseNotice;
  /** The longest time to live a lease may ask for, in seconds. */
  maxTtl?: number | undefined;
  /** Told of the paths of leases that just ended (tasks waiting on them are offered). */
  freed?: ((paths: readonly string[], by: Actor) => void) | undefined;
}

export class LeaseStore {
  readonly #ctx: StoreContext;
  readonly #notify: LeaseNotice;
  readonly #maxTtl: number;
  readonly #freed: (paths: readonly string[], by: Actor) => void;

  constructor(deps: LeaseStoreDeps) {
    this.#ctx = deps.ctx;
    this.#notify = deps.notify;
    this.#maxTtl = deps.maxTtl ?? LIMITS.leaseTtlMaxDefaultS;
    this.#freed = deps.freed ?? (() => {});
  }

  /** The longest time to live, in seconds. */
  get maxTtl(): number {
    return this.#maxTtl;
  }

  /** Reserves every path or none; a refusal lists each conflict (and is audited). */
  reserve(input: ReserveInput): ReserveResult {
    const paths = checkLeasePaths(input.paths);
    const ttl = this.#ttl(input.ttl);
    if (input.reason !== undefined) _checkReason(input.reason);
    const exclusive = input.exclusive ?? true;
    return this.#ctx.tx.run(() => {
      const who = this.#holder(input.by);
      this.#endLapsed();
      this.#checkCoverage(who, paths);
      if (input.taskId !== undefined) this.#checkTask(input.taskId, who.agent);
      const conflicts = this.#conflicts(who.agent, paths, exclusive);
      if (conflicts.length > 0) {
        const waiting = input.notifyWhenFree === true;
        if (waiting) this.#wait(who.agent, paths, exclusive, ttl);
        this.#ctx.publisher.publish({
          type: "lease.refused",
          by: who.actor,
          agent: who.agent,
          paths,
          exclusive,
          conflicts,
          waiting,
        });
        return { granted: false, leases: [], conflicts, waiting };
      }
      const leases = this.#grant(who.agent, paths, {
        exclusive,
        ttl,
        reason: input.reason ?? null,
        taskId: input.taskId ?? null,
      });
      const sharers = exclusive ? [] : this.#sharers(who.agent, paths);
      this.#ctx.publisher.publish({
        type: "lease.granted",
        by: who.actor,
        agent: who.agent,
        leases,
        sharers,
      });
      return { granted: true, leases, conflicts: [], waiting: false };
    });
  }

  /**
   * Ends leases: the caller's own (by ids or paths; all of them when neither is given), or,
   * by id, another agent's, which needs manage_leases and a reason (the holder is told).
   */
  release(input: LeaseSelection & { reason?: string | undefined }): Lease[] {
    if (input.reason !== undefined) _checkReason(input.reason);
    const paths = input.paths === undefined ? undefined : checkLeasePaths(input.paths);
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      this.#endLapsed();
      const chosen = this.#select(who, input.ids, paths);
      const byHolder = new Map<string, Lease[]>();
      for (const lease of chosen) {
        enforce(
          mayReleaseLease(who, lease),
          { who, what: `release lease ${lease.id} on ${lease.path}`, field: "ids" },
          this.#ctx.roles,
        );
        const key = lease.agent.toLowerCase();
        byHolder.set(key, [...(byHolder.get(key) ?? []), lease]);
      }
      for (const leases of byHolder.values()) {
        const holder = leases[0]?.agent ?? "";
        const forced = who.agent === null || who.agent.toLowerCase() !== holder.toLowerCase();
        if (forced && input.reason === undefined) {
          throw new ValidationError(
            `reason is required to release another agent's lease (${holder} holds ` +
              `${leases.map((l) => l.id).join(", ")}); say why, and ${holder} is told`,
          );
        }
        const reason = forced ? `released by ${who.label}: ${input.reason}` : "released";
        this.#end(leases, forced ? "forced" : "released", reason, who.actor);
        if (forced) {
          this.#notify(
            holder,
            `${who.label} released your lease on ${leases.map((l) => l.path).join(", ")}: ` +
              `${input.reason}.`,
          );
        }
      }
      this.#tellWaiters();
      return chosen;
    });
  }

  /** Extends the caller's leases (by ids or paths; all when neither) to `ttl` seconds from now. */
  renew(input: LeaseSelection & { ttl?: number | undefined }): Lease[] {
    const ttl = this.#ttl(input.ttl);
    const paths = input.paths === undefined ? undefined : checkLeasePaths(input.paths);
    return this.#ctx.tx.run(() => {
      const who = this.#holder(input.by);
      this.#endLapsed();
      const chosen = this.#select(who, input.ids, paths);
      const foreign = chosen.find((l) => l.agent.toLowerCase() !== who.agent.toLowerCase());
      if (foreign) {
        throw new ValidationError(
          `ids: lease ${foreign.id} is held by ${foreign.agent}; only its holder renews it`,
        );
      }
      const until = this.#ctx.clock.now() + ttl * 1_000;
      for (const lease of chosen) {
        this.#ctx.sql.get("UPDATE leases SET expires_at = ? WHERE id = ?").run(until, lease.id);
      }
      const leases = chosen.map((l) => this.#get(l.id));
      if (leases.length > 0) {
        this.#ctx.publisher.publish({
          type: "lease.renewed",
          by: who.actor,
          agent: who.agent,
          leases,
        });
      }
      return leases;
    });
  }

  /** Live leases, oldest first: all, or those overlapping `path`, held by `agent`, for a task. */
  list(
    filter: { path?: string | undefined; agent?: string | undefined; taskId?: number | undefined } =
      {},
  ): Lease[] {
    return this.#listed(filter, 0, Infinity);
  }

  /** A page of list(filter), oldest first: `limit` (LIMITS.pages.leases), after `cursor`. */
  page(
    filter: { path?: string | undefined; agent?: string | undefined; taskId?: number | undefined },
    page: PageRequest = {},
  ): Page<Lease> {
    const size = pageSize(page.limit, LIMITS.pages.leases);
    const after = page.cursor === undefined
      ? 0
      : Number(cursorKey(page.cursor, ["number"], "list_leases")[0]);
    return pageOf(this.#listed(filter, after, size + 1), size, (lease) => [lease.id]);
  }

  /** Up to `count` live leases after id `after` matching `filter`, read in SQL by their indexes. */
  #listed(
    filter: { path?: string | undefined; agent?: string | undefined; taskId?: number | undefined },
    after: number,
    count: number,
  ): Lease[] {
    const path = filter.path === undefined ? undefined : checkLeasePath(filter.path, "path");
    const where = ["l.id > :after"];
    const params: Record<string, string | number> = { after };
    if (filter.agent !== undefined) {
      where.push("l.agent = :agent");
      params["agent"] = filter.agent;
    }
    if (filter.taskId !== undefined) {
      where.push("l.task_id = :task");
      params["task"] = filter.taskId;
    }
    if (path !== undefined) {
      const near = nearPaths(path, "l.dir");
      where.push(near.where);
      Object.assign(params, near.params);
    }
    const budget = overlapBudget();
    const found: Lease[] = [];
    for (const lease of this.#liveWhere(where.join(" AND "), params)) {
      if (path !== undefined && !pathsOverlap(path, lease.path, budget)) continue;
      found.push(lease);
      if (found.length >= count) break;
    }
    return found;
  }

  /** Agents waiting for paths to free up, oldest first. */
  waiters(): LeaseWaiter[] {
    return this.#ctx.sql.get("SELECT * FROM lease_waiters WHERE expires_at > ? ORDER BY id")
      .all(this.#ctx.clock.now()).map(toLeaseWaiter);
  }

  /**
   * For each file (repository-relative), the exclusive lease of another agent that covers it,
   * if any. `agent` null: every exclusive lease counts. Reads only. The matching shares one
   * call's step budget; a lease it cannot afford to match counts as covering (blocked).
   */
  check(input: { agent: string | null; files: readonly string[] }): FileCheck[] {
    const files = checkFilePaths(input.files, "PATH");
    const me = input.agent?.toLowerCase();
    const budget = overlapBudget();
    return files.map((file) => {
      const near = nearPaths(file, "l.dir");
      const others = [...this.#liveWhere(`l.exclusive = 1 AND ${near.where}`, near.params)]
        .filter((l) => l.agent.toLowerCase() !== me);
      const blockedBy = others.find((lease) => pathsOverlap(file, lease.path, budget)) ?? null;
      return { file, blockedBy };
    });
  }

  /**
   * Whether the paths `taskId` declares are leased by an agent other than `agent` (within
   * `budget`: a comparison it cannot afford counts as leased).
   */
  /**
   * A task sent back by its review: leases to its assignee again the paths its hand-over ended
   * (the leases it held for the task then; nothing when the hand-over ended none of its),
   * unless another agent holds one of them. Returns undefined when there is nothing to lease
   * again, else whether it did and, if not, the lease in the way (when one is). Its own quota
   * or coverage refusing it counts as not leased; nothing else changes.
   */
  leaseAgain(task: Task): { leased: boolean; blocker?: Lease } | undefined {
    if (task.assignee === null) return undefined;
    const agent = task.assignee;
    const paths = this.#ctx.sql.get(
      `SELECT path FROM ended_leases
       WHERE task_id = :task AND agent = :agent COLLATE NOCASE AND reason = :handed
         AND ended_at = (SELECT max(ended_at) FROM ended_leases WHERE task_id = :task)
       ORDER BY path`,
    ).all({ task: task.id, agent, handed: handedOverReason(task.id) })
      .map((row) => text(row, "path"));
    if (paths.length === 0) return undefined;
    const blocker = this.blockerFor(agent)(paths);
    if (blocker !== null) return { leased: false, blocker };
    try {
      const leased = this.#ctx.tx.savepoint(() =>
        this.reserve({
          by: agentActor(agent),
          paths,
          taskId: task.id,
          reason: `task #${task.id}: ${task.title}`.slice(0, 200),
        }).granted
      );
      return { leased };
    } catch (error) {
      if (error instanceof TableError) return { leased: false };
      throw error;
    }
  }

  taskPathsBusy(taskId: number, agent: string, budget = overlapBudget()): boolean {
    const paths = this.taskPaths(taskId);
    return paths.length > 0 && this.#blocked(agent, paths, true, budget);
  }

  /**
   * Returns, for some paths, the first live lease of an agent other than `agent` that stands in
   * the way of an exclusive lease on them (null: none). For a scan over many tasks (next_task):
   * each path's nearby leases are read by index once, reads and comparisons share one budget,
   * and once it is spent the others' leases are read once whole and compared as spent
   * (two files exactly; a glob counts as in the way).
   */
  blockerFor(agent: string): (paths: readonly string[]) => Lease | null {
    const near = new Map<string, Lease[]>();
    const budget = overlapBudget();
    let all: Lease[] | undefined;
    const nearOf = (path: string): Lease[] => {
      let leases = near.get(path);
      if (leases === undefined) {
        leases = this.#othersNear(agent, path, true, budget) ??
          (all ??= [...this.#liveWhere("1", {})].filter((l) => !_sameName(l.agent, agent)));
        near.set(path, leases);
      }
      return leases;
    };
    return (paths) => {
      for (const path of paths) {
        const lease = nearOf(path).find((l) => pathsOverlap(path, l.path, budget));
        if (lease !== undefined) return lease;
      }
      return null;
    };
  }

  /**
   * Ends the leases its assignee holds for `taskId` (the work was handed over) and tells the
   * waiters. Call inside the transaction that hands it over.
   */
  endForTask(taskId: number, reason: string, by: Actor): Lease[] {
    return this.#ctx.tx.run(() => {
      const held = [...this.#liveWhere("l.task_id = :task", { task: taskId })];
      const byHolder = new Map<string, Lease[]>();
      for (const lease of held) {
        const key = lease.agent.toLowerCase();
        byHolder.set(key, [...(byHolder.get(key) ?? []), lease]);
      }
      for (const leases of byHolder.values()) this.#end(leases, "task", reason, by);
      if (held.length > 0) this.#tellWaiters();
      return held;
    });
  }

  /** The paths a task declares it will touch. */
  taskPaths(taskId: number): string[] {
    return this.#ctx.sql.get("SELECT path FROM task_paths WHERE task_id = ? ORDER BY path")
      .all(taskId).map((row) => text(row, "path"));
  }

  /** Records the paths a task will touch. Call inside the transaction that creates it. */
  declareTaskPaths(taskId: number, paths: readonly string[]): string[] {
    const checked = checkLeasePaths(paths);
    for (const path of checked) {
      this.#ctx.sql.get("INSERT OR IGNORE INTO task_paths (task_id, path, dir) VALUES (?, ?, ?)")
        .run(taskId, path, literalDir(path));
    }
    return checked;
  }

  /**
   * Leases that ended by themselves but are still stored (the next lease command or
   * maintenance round removes them), with why (reads only).
   */
  lapsed(): { lease: Lease; cause: LeaseEnd; reason: string }[] {
    return this.#lapsedRows();
  }

  /** Removes the leases that ended by themselves, tells their holders and the waiters. */
  endLapsed(): number {
    return this.#ctx.tx.run(() => {
      const ended = this.#endLapsed();
      this.#tellWaiters();
      return ended;
    });
  }

  #endLapsed(): number {
    const lapsed = this.#lapsedRows();
    // The leases marked for a look that have not lapsed are looked at: unmarked (schema 20).
    this.#ctx.sql.get("UPDATE leases SET recheck = 0 WHERE recheck = 1").run();
    const groups = new Map<string, { cause: LeaseEnd; reason: string; leases: Lease[] }>();
    for (const { lease, cause, reason } of lapsed) {
      const key = `${lease.agent.toLowerCase()}\u0000${reason}`;
      const group = groups.get(key) ?? { cause, reason, leases: [] };
      group.leases.push(lease);
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      this.#end(group.leases, group.cause, group.reason, SYSTEM_ACTOR);
    }
    const now = this.#ctx.clock.now();
    this.#ctx.sql.get("DELETE FROM lease_waiters WHERE expires_at <= ?").run(now);
    this.#ctx.sql.get("DELETE FROM ended_leases WHERE ended_at < ?").run(
      now - LIMITS.leaseEndedKeepS * 1_000,
    );
    return lapsed.length;
  }

  #end(leases: readonly Lease[], cause: LeaseEnd, reason: string, by: Actor): void {
    const first = leases[0];
    if (first === undefined) return;
    const now = this.#ctx.clock.now();
    for (const lease of leases) {
      this.#ctx.sql.get(
        `INSERT OR REPLACE INTO ended_leases (id, agent, path, reason, ended_at, task_id)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(lease.id, lease.agent, lease.path, reason, now, lease.task_id);
      this.#ctx.sql.get("DELETE FROM leases WHERE id = ?").run(lease.id);
    }
    this.#ctx.publisher.publish({
      type: "lease.released",
      by,
      agent: first.agent,
      leases: [...leases],
      cause,
      reason,
    });
    this.#freed(leases.map((l) => l.path), by);
  }

  /** Waiters whose paths are free now are told (a message and a lease_freed event). */
  #tellWaiters(): void {
    const budget = overlapBudget(); // one for the round: a waiter it cannot afford waits on
    for (const waiter of this.waiters()) {
      if (this.#blocked(waiter.agent, waiter.paths, waiter.exclusive, budget)) continue;
      this.#ctx.sql.get("DELETE FROM lease_waiters WHERE id = ?").run(waiter.id);
      this.#ctx.publisher.publish({
        type: "lease.freed",
        by: SYSTEM_ACTOR,
        agent: waiter.agent,
        paths: waiter.paths,
      });
      if (this.#ctx.directory.find(waiter.agent)) {
        this.#notify(
          waiter.agent,
          `The paths you waited for are free: ${_someOf(waiter.paths)}. Reserve them with ` +
            "reserve_paths.",
        );
      }
    }
  }

  /** Waits for `paths`; asking again for the same paths renews the wait, never a second one. */
  #wait(agent: string, paths: readonly string[], exclusive: boolean, ttl: number): void {
    const now = this.#ctx.clock.now();
    const same = new Set(paths);
    for (const waiter of this.waiters()) {
      if (
        waiter.agent.toLowerCase() === agent.toLowerCase() &&
        waiter.paths.length === same.size && waiter.paths.every((p) => same.has(p))
      ) {
        this.#ctx.sql.get("DELETE FROM lease_waiters WHERE id = ?").run(waiter.id);
      }
    }
    const count = (where: string, ...args: (string | number)[]) =>
      Number(
        this.#ctx.sql.get(`SELECT COUNT(*) AS n FROM lease_waiters WHERE expires_at > ?${where}`)
          .get(now, ...args)?.n ?? 0,
      );
    const mine = count(" AND lower(agent) = ?", agent.toLowerCase());
    if (mine >= LIMITS.leaseWaitersPerAgentMax) {
      throw new ValidationError(
        `notify_when_free: ${agent} already waits for ${mine} sets of paths; the limit is ` +
          `${LIMITS.leaseWaitersPerAgentMax}. Wait for those, or ask without notify_when_free.`,
      );
    }
    if (count("") >= LIMITS.leaseWaitersMax) {
      throw new ValidationError(
        `notify_when_free: ${LIMITS.leaseWaitersMax} waits are open on this table, the limit; ` +
          "ask again later, without notify_when_free.",
      );
    }
    this.#ctx.sql.get(
      `INSERT INTO lease_waiters (agent, paths, exclusive, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
    ).run(agent, JSON.stringify(paths), exclusive ? 1 : 0, now, now + ttl * 1_000);
  }

  #grant(
    agent: string,
    paths: readonly string[],
    terms: { exclusive: boolean; ttl: number; reason: string | null; taskId: number | null },
  ): Lease[] {
    const now = this.#ctx.clock.now();
    const until = now + terms.ttl * 1_000;
    const mine = this.#liveOf(agent);
    const added = paths.filter((p) => !mine.some((l) => l.path === p)).length;
    if (mine.length + added > LIMITS.leasesPerAgentMax) {
      throw new ValidationError(
        `paths: ${agent} would hold ${mine.length + added} leases; the limit is ` +
          `${LIMITS.leasesPerAgentMax}. Release some with release_paths, or lease a glob.`,
      );
    }
    return paths.map((path) => {
      const same = mine.find((l) => l.path === path);
      const values = [terms.exclusive ? 1 : 0, terms.reason, terms.taskId, until];
      if (same) {
        this.#ctx.sql.get(
          "UPDATE leases SET exclusive = ?, reason = ?, task_id = ?, expires_at = ? WHERE id = ?",
        ).run(...values, same.id);
        return this.#get(same.id);
      }
      const id = Number(
        this.#ctx.sql.get(
          `INSERT INTO leases (exclusive, reason, task_id, expires_at, agent, path, created_at, dir)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(...values, agent, path, now, literalDir(path)).lastInsertRowid,
      );
      return this.#get(id);
    });
  }

  /**
   * The live leases of other agents that stand in the way of `paths`: at most
   * LIMITS.leaseConflictsListedMax, compared within one call's overlap budget.
   */
  #conflicts(agent: string, paths: readonly string[], exclusive: boolean): LeaseConflict[] {
    const budget = overlapBudget();
    const found: LeaseConflict[] = [];
    for (const path of paths) {
      for (const lease of this.#othersNear(agent, path, exclusive)) {
        if (!pathsOverlap(path, lease.path, budget)) continue;
        found.push({ path, lease });
        if (found.length >= LIMITS.leaseConflictsListedMax) return found;
      }
    }
    return found;
  }

  /**
   * Whether some live lease of another agent stands in the way of `paths` (stops at the
   * first). Its reads spend `budget` too; a path it cannot afford to read counts as in the way.
   */
  #blocked(
    agent: string,
    paths: readonly string[],
    exclusive: boolean,
    budget = overlapBudget(),
  ): boolean {
    return paths.some((path) => {
      const near = this.#othersNear(agent, path, exclusive, budget);
      return near === null || near.some((lease) => pathsOverlap(path, lease.path, budget));
    });
  }

  /**
   * The live leases of agents other than `agent` that may overlap `path` (by index), only the
   * exclusive ones unless `exclusive`. With `budget`, the read spends
   * LIMITS.leaseNearReadSteps per folder of the path; null when it cannot afford it.
   */
  #othersNear(agent: string, path: string, exclusive: boolean): Lease[];
  #othersNear(
    agent: string,
    path: string,
    exclusive: boolean,
    budget: OverlapBudget,
  ): Lease[] | null;
  #othersNear(
    agent: string,
    path: string,
    exclusive: boolean,
    budget?: OverlapBudget,
  ): Lease[] | null {
    const near = nearPaths(path, "l.dir");
    if (budget !== undefined) {
      if (budget.left <= 0) return null;
      budget.left -= near.probes * LIMITS.leaseNearReadSteps;
    }
    const shared = exclusive ? "" : "l.exclusive = 1 AND ";
    return [...this.#liveWhere(`${shared}${near.where}`, near.params)]
      .filter((lease) => !_sameName(lease.agent, agent));
  }

  /** Other agents holding shared leases that overlap `paths`. */
  #sharers(agent: string, paths: readonly string[]): string[] {
    const names = this.#conflicts(agent, paths, true).map((c) => c.lease.agent);
    return [...new Set(names)];
  }

  #select(who: Principal, ids?: readonly number[], paths?: readonly string[]): Lease[] {
    if (ids !== undefined) {
      return ids.map((id) => {
        const [lease] = this.#liveWhere("l.id = :id", { id });
        if (!lease) throw new NotFoundError(this.#noLiveLease(id));
        return lease;
      });
    }
    const mine = who.agent === null ? [] : this.#liveOf(who.agent);
    if (paths === undefined) return mine;
    return paths.map((path) => {
      const lease = mine.find((l) => l.path === path);
      if (!lease) {
        throw new ValidationError(
          `paths: you hold no lease on '${path}'; list_leases shows yours`,
        );
      }
      return lease;
    });
  }

  /** Why `id` names no live lease: what it was and when it ended, when that is known. */
  #noLiveLease(id: number): string {
    const ended = this.#ctx.sql.get("SELECT * FROM ended_leases WHERE id = ?").get(id);
    if (!ended) return `ids: no live lease with id ${id}; list_leases shows the live ones`;
    return `ids: lease ${id} (${text(ended, "agent")}'s, on '${text(ended, "path")}') ended at ` +
      `${toIso(int(ended, "ended_at"))}: ${text(ended, "reason")}. A lease id is never ` +
      `reused; list_leases shows the live ones`;
  }

  /** The live leases `agent` holds, oldest first (by the agent index). */
  #liveOf(agent: string): Lease[] {
    return [...this.#liveWhere("l.agent = :agent", { agent })];
  }

  /** Live leases matching `where` (SQL over `l`, the leases row), oldest first. */
  *#liveWhere(where: string, params: Record<string, string | number>): Generator<Lease> {
    for (const row of this.#state(`NOT (${_ENDED}) AND ${where}`, params)) yield toLease(row);
  }

  /**
   * The leases that have ended by themselves but are still stored, with why; only the
   * candidates are read (_LAPSE_CANDIDATES), by index.
   */
  #lapsedRows(): { lease: Lease; cause: LeaseEnd; reason: string }[] {
    const now = this.#ctx.clock.now();
    return [...this.#state(`l.id IN (${_LAPSE_CANDIDATES}) AND ${_ENDED}`, {})].flatMap((row) => {
      const lease = toLease(row);
      const ended = _ended(lease, row, now);
      return ended === null ? [] : [{ lease, ...ended }];
    });
  }

  /** Lease rows with their holder's and task's state, filtered by `where` in SQL. */
  #state(
    where: string,
    params: Record<string, string | number>,
  ): IterableIterator<Record<string, unknown>> {
    const now = this.#ctx.clock.now();
    return this.#ctx.sql.get(
      `SELECT l.*, m.name IS NULL OR m.status <> 'active' AS left_table,
         (m.session_id IS NULL OR m.seen_at < :stale) AND m.seen_at < :gone AS away,
         m.seen_at AS seen_at, t.status AS task_status,
         t.id IS NOT NULL AND t.assignee = l.agent AS task_kept
       FROM leases l LEFT JOIN members m ON m.name = l.agent
         LEFT JOIN tasks t ON t.id = l.task_id
       WHERE ${where}
       ORDER BY l.id`,
    ).iterate({
      ...params,
      now,
      stale: this.#ctx.directory.staleBefore(now),
      gone: this.#ctx.directory.goneBefore(now),
    });
  }

  #get(id: number): Lease {
    const row = this.#ctx.sql.get("SELECT * FROM leases WHERE id = ?").get(id);
    if (!row) throw new ValidationError(`ids: no lease with id ${id}`);
    return toLease(row);
  }

  /** Only agents hold leases. */
  /** Refuses leases beyond what one agent may cover, unless it holds manage_leases. */
  #checkCoverage(who: Principal & { agent: string }, paths: readonly string[]): void {
    if (mayLeaseBroadly(who).allowed) return;
    const held = this.#liveOf(who.agent).map((l) => l.path);
    const problem = coverageProblem(paths, held);
    if (problem === undefined) return;
    const wholeTree = "A whole-tree lease (a change across the repository) is taken by a " +
      "member with manage_leases, who can then hand the work over; otherwise lease the folders " +
      "you will edit (src/**, docs/*.md).";
    enforce(mayLeaseBroadly(who), {
      who,
      field: problem.kind === "everywhere" ? `paths[${problem.index}]` : "paths",
      what: problem.kind === "everywhere"
        ? `lease '${problem.path}': it names no top-level folder or file, so it reaches into ` +
          `every folder`
        : `hold ${problem.count} leases whose first segment is a glob (the most without it: ` +
          `${LIMITS.leaseTopLevelGlobsMax})`,
      advice: wholeTree,
    }, this.#ctx.roles);
  }

  #holder(actor: Actor): Principal & { agent: string } {
    const who = this.#ctx.principals.resolve(actor);
    if (who.agent === null) {
      throw new ValidationError(`agent_name: only agents hold leases, not ${who.label}`);
    }
    return { ...who, agent: who.agent };
  }

  #checkTask(taskId: number, agent: string): void {
    const row = this.#ctx.sql.get("SELECT status, assignee FROM tasks WHERE id = ?").get(taskId);
    if (!row) throw new ValidationError(`task_id: no task with id ${taskId}. Call list_tasks.`);
    const assignee = row["assignee"];
    if (
      text(row, "status") === "done" || typeof assignee !== "string" ||
      assignee.toLowerCase() !== agent.toLowerCase()
    ) {
      throw new ValidationError(
        `task_id: task ${taskId} is not an open task assigned to ${agent}; claim it first ` +
          "(claim_task with paths takes the task and its leases together)",
      );
    }
  }

  #ttl(ttl: number | undefined): number {
    if (ttl === undefined) return Math.min(LIMITS.leaseTtlDefaultS, this.#maxTtl);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > this.#maxTtl) {
      throw new ValidationError(
        `ttl must be a whole number of seconds from 1 to ${this.#maxTtl} (got ${ttl})`,
      );
    }
    return ttl;
  }
}

function _checkReason(reason: string): void {
  if (reason.length > LIMITS.leaseReasonMax) {
    throw new ValidationError(tooLongMessage("reason", reason.length, LIMITS.leaseReasonMax));
  }
}

/**
 * SQL: the lease row `l` (joined with its holder `m` and task `t`) has ended by itself; the
 * same causes as _ended, which words them.
 */
const _ENDED = `(m.name IS NULL OR m.status <> 'active' OR l.expires_at <= :now
  OR coalesce((m.session_id IS NULL OR m.seen_at < :stale) AND m.seen_at < :gone, 0)
  OR (l.task_id IS NOT NULL AND (t.id IS NULL OR t.status = 'done'
      OR coalesce(t.assignee <> l.agent, 1))))`;

/**
 * SQL: the ids of the leases that may have ended by themselves (a superset of _ENDED's, each
 * part by an index): expired, held by a member away past the grace, or marked when their task
 * or holder changed (the triggers of schema 20). UNION ALL: a UNION would sort, scanning the
 * tables; CROSS JOIN: from the away members to their leases, not the other way.
 */
const _LAPSE_CANDIDATES = `SELECT id FROM leases WHERE expires_at <= :now
  UNION ALL SELECT id FROM leases WHERE recheck = 1
  UNION ALL SELECT a.id FROM members w CROSS JOIN leases a ON a.agent = w.name
    WHERE w.seen_at < :gone AND (w.session_id IS NULL OR w.seen_at < :stale)`;

/** Whether two member names are one (names compare without case). */
function _sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Up to 1,000 characters of `paths` with how many more there are: a notice of 100 long paths
 * would pass a message's length limit and fail the lease end that sends it.
 */
function _someOf(paths: readonly string[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const path of paths) {
    if (shown.length > 0 && length + path.length > 1_000) break;
    shown.push(path);
    length += path.length + 2;
  }
  const more = paths.length - shown.length;
  return shown.join(", ") + (more > 0 ? ` and ${more} more` : "");
}

/** Why a lease has ended by itself, from its row joined with its holder and its task. */
function _ended(
  lease: Lease,
  row: Record<string, unknown>,
  now: number,
): { cause: LeaseEnd; reason: string } | null {
  if (int(row, "left_table") === 1) {
    return { cause: "left", reason: `${lease.agent} left the table` };
  }
  if (Date.parse(lease.until) <= now) return { cause: "expired", reason: "its time ran out" };
  if (int(row, "away") === 1) {
    const since = toIso(int(row, "seen_at")).slice(11, 16);
    return { cause: "away", reason: `${lease.agent} has been away since ${since} UTC` };
  }
  if (lease.task_id === null) return null;
  const status = row["task_status"];
  if (status === "done") return { cause: "task", reason: `task #${lease.task_id} is done` };
  if (row["task_kept"] !== 1) {
    return { cause: "task", reason: `task #${lease.task_id} is no longer ${lease.agent}'s` };
  }
  return null;
}
