/**
 * Work finds workers: when a task becomes available to anyone (created without an assignee,
 * its last blocker done, given back to the board, the files it declares freed), the online
 * members whose role may take it are told (a task.available change, pushed as task_available),
 * at most LIMITS.workOfferMax of them, so a team of a thousand is not woken for one task.
 * A task sent back by a review stays its assignee's: the verdict tells them.
 */
import type { Actor } from "../actor.ts";
import { actorLabel } from "../actor.ts";
import { LIMITS } from "../limits.ts";
import { mayCallTool } from "../permissions/permissions.ts";
import { int, text } from "../rows.ts";
import type { StoreContext } from "../store_context.ts";
import { nearPaths } from "../leases/near_paths.ts";
import { type OverlapBudget, overlapBudget, pathsOverlap } from "../leases/path_overlap.ts";
import { SELECT_TASKS, type Task, toTask } from "./task_model.ts";

/** Why a task became available. */
export type AvailableWhy = "created" | "unblocked" | "released" | "paths freed";

export interface WorkOffersDeps {
  ctx: StoreContext;
  /**
   * Whether an exclusive lease of anyone covers one of the task's declared paths (within
   * `budget` when given: a comparison it cannot afford counts as leased).
   */
  pathsLeased: (taskId: number, budget?: OverlapBudget) => boolean;
}

export class WorkOffers {
  readonly #ctx: StoreContext;
  readonly #pathsLeased: (taskId: number, budget?: OverlapBudget) => boolean;

  constructor(deps: WorkOffersDeps) {
    this.#ctx = deps.ctx;
    this.#pathsLeased = deps.pathsLeased;
  }

  /**
   * Tells the takers (takers()) that `taskId` is available, when it is: pending, without an
   * assignee, blockers or open subtasks, its declared paths unleased. Call inside the
   * transaction that made it so. Returns who was told. `budget`: the caller's overlap budget.
   */
  offer(taskId: number, by: Actor, why: AvailableWhy, budget?: OverlapBudget): string[] {
    const row = this.#ctx.sql.get(
      `${SELECT_TASKS} WHERE id = ? AND status = 'pending' AND assignee IS NULL
         AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.blocker_id
                         WHERE d.task_id = tasks.id AND b.status <> 'done')
         AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = tasks.id
                         AND c.status <> 'done')`,
    ).get(taskId);
    if (!row || this.#pathsLeased(taskId, budget)) return [];
    const task = toTask(row);
    const takers = this.takers(task, actorLabel(by), why === "paths freed");
    if (takers.length > 0) {
      this.#ctx.publisher.publish({ type: "task.available", by, task, why, takers });
    }
    return takers;
  }

  /**
   * The newest task offered to `agent` (task_available) after event `afterId` that is still
   * free to take (pending, no assignee), from its newest 50 events; `upTo`: the newest event
   * looked at (look after it next time).
   */
  offeredTo(
    agent: string,
    afterId: number,
  ): { upTo: number; task?: { id: number; title: string } } {
    const rows = this.#ctx.sql.get(
      `SELECT e.id AS event_id, t.id, t.title,
         t.status = 'pending' AND t.assignee IS NULL AS free
       FROM (SELECT id, type, payload FROM events WHERE recipient = ? AND id > ?
             ORDER BY id DESC LIMIT 50) e
       LEFT JOIN tasks t ON e.type = 'task_available'
         AND t.id = json_extract(e.payload, '$.task.id')
       ORDER BY e.id DESC`,
    ).all(agent, afterId);
    const first = rows[0];
    if (first === undefined) return { upTo: afterId };
    const offered = rows.find((row) => row["free"] === 1);
    return {
      upTo: int(first, "event_id"),
      ...(offered ? { task: { id: int(offered, "id"), title: text(offered, "title") } } : {}),
    };
  }

  /**
   * Offers the pending tasks without an assignee that declare a path overlapping `paths`
   * (files just released) and are now free to take: at most LIMITS.workOffersPerRelease,
   * highest priority then oldest first. Reads at most LIMITS.workOfferPathsReadMax declared
   * paths near the freed ones (by index); all its comparisons share one overlap budget, past
   * which a task is tried anyway and its own paths count as leased (so it is not offered).
   * Returns how many declared paths it read and the tasks it offered.
   */
  offerFreed(paths: readonly string[], by: Actor): { read: number; offered: number[] } {
    if (paths.length === 0) return { read: 0, offered: [] };
    const budget = overlapBudget();
    const candidates = this.#declaredNear(paths, budget);
    candidates.sort((a, b) => a.rank - b.rank || a.taskId - b.taskId);
    const tried = new Set<number>();
    const offered: number[] = [];
    for (const { taskId, path, freed } of candidates) {
      if (offered.length >= LIMITS.workOffersPerRelease) break;
      if (tried.has(taskId) || !pathsOverlap(freed, path, budget)) continue;
      tried.add(taskId);
      if (this.offer(taskId, by, "paths freed", budget).length > 0) offered.push(taskId);
    }
    return { read: candidates.length, offered };
  }

  /**
   * The paths declared by pending tasks without an assignee that may overlap one of `freed`
   * (task_paths.dir), at most LIMITS.workOfferPathsReadMax in all and while `budget` affords
   * the reads, each with the freed path it is near and its task's priority rank (0: high).
   */
  #declaredNear(
    freed: readonly string[],
    budget: OverlapBudget,
  ): { taskId: number; path: string; freed: string; rank: number }[] {
    const found: { taskId: number; path: string; freed: string; rank: number }[] = [];
    for (const path of new Set(freed)) {
      const left = LIMITS.workOfferPathsReadMax - found.length;
      if (left <= 0 || budget.left <= 0) break;
      const near = nearPaths(path, "p.dir");
      budget.left -= near.probes * LIMITS.leaseNearReadSteps;
      const rows = this.#ctx.sql.get(
        `SELECT p.task_id, p.path,
           CASE t.priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END AS rank
         FROM task_paths p JOIN tasks t ON t.id = p.task_id
         WHERE ${near.where} AND t.status = 'pending' AND t.assignee IS NULL
         ORDER BY rank, p.task_id LIMIT :left`,
      ).all({ ...near.params, left });
      for (const row of rows) {
        found.push({
          taskId: int(row, "task_id"),
          path: text(row, "path"),
          freed: path,
          rank: int(row, "rank"),
        });
      }
    }
    return found;
  }

  /**
   * Who is told that `task` is available: idle online members (no task in progress) other
   * than `by` (unless `byMayTake`: its own hand-over freed the files; then it comes first)
   * whose role may claim tasks and prefers the task's type (any such role when none
   * online prefers it, or the task has no type); at most LIMITS.workOfferMax, the list turned
   * by the task's id so that a batch of tasks wakes different members. A busy member is not
   * told: it asks next_task when it finishes.
   */
  takers(task: Task, by: string | null, byMayTake = false): string[] {
    const able = this.#ctx.roles.list().filter((role) => mayCallTool(role, "claim_task"));
    const type = task.type;
    const preferring = type === null
      ? []
      : able.filter((role) => role.task_affinity.includes(type)).map((r) => r.name);
    const params = { stale: this.#ctx.directory.staleBefore(), me: by ?? "", roles: "" };
    // Read by the statements below: online members of `:roles`, then those with no task in
    // progress; each stops at what it needs, so a team of a thousand costs a few rows.
    const online = `m.status = 'active' AND m.session_id IS NOT NULL AND m.seen_at >= :stale
      AND m.role IN (SELECT value FROM json_each(:roles))`;
    const idle = `${online} AND NOT EXISTS (SELECT 1 FROM tasks t
      WHERE t.assignee = m.name AND t.status = 'in_progress')`;
    const others = `${idle} AND m.name <> :me COLLATE NOCASE`;
    params.roles = JSON.stringify(able.map((r) => r.name));
    if (preferring.length > 0) {
      const sql =
        `SELECT 1 FROM members m WHERE ${online} AND m.name <> :me COLLATE NOCASE LIMIT 1`;
      const any = this.#ctx.sql.get(sql).get(
        _used(sql, { ...params, roles: JSON.stringify(preferring) }),
      );
      if (any) params.roles = JSON.stringify(preferring);
    }
    // Who made it available and may take it (its files freed by its own hand-over) comes
    // first: its result says the task is next for it, so fewer others race it for nothing.
    const self = byMayTake && by !== null
      ? this.#names(`${idle} AND m.name = :me COLLATE NOCASE`, params, 1)
      : [];
    // The rest from a name turned by the task's id, wrapping round.
    const counting = `SELECT count(*) AS n FROM members m WHERE ${online}`;
    const count = this.#ctx.sql.get(counting).get(_used(counting, params));
    const n = count ? int(count, "n") : 0;
    const turning =
      `SELECT m.name FROM members m WHERE ${online} ORDER BY m.name LIMIT 1 OFFSET :at`;
    const pivot = n === 0
      ? undefined
      : this.#ctx.sql.get(turning).get(_used(turning, { ...params, at: task.id % n }));
    const from = pivot ? text(pivot, "name") : "";
    const want = LIMITS.workOfferMax - self.length;
    const after = this.#names(`${others} AND m.name >= :from`, { ...params, from }, want);
    const before = after.length >= want
      ? []
      : this.#names(`${others} AND m.name < :from`, { ...params, from }, want - after.length);
    return [...self, ...after, ...before].slice(0, LIMITS.workOfferMax);
  }

  #names(where: string, params: Record<string, string | number>, limit: number): string[] {
    if (limit <= 0) return [];
    const sql = `SELECT m.name FROM members m WHERE ${where} ORDER BY m.name LIMIT :limit`;
    return this.#ctx.sql.get(sql).all(_used(sql, { ...params, limit }))
      .map((row) => text(row, "name"));
  }
}

/** The named parameters `sql` uses (node:sqlite refuses one it does not). */
function _used(
  sql: string,
  params: Record<string, string | number>,
): Record<string, string | number> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`:${k}`)));
}
