/**
 * Reading the task board: one task, filtered lists, the next task for an agent, and a task's
 * detail with its feed. Nothing here writes.
 */
import { NotFoundError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { cursorKey, type Page, pageOf, type PageRequest, pageSize } from "../pages.ts";
import type { MessageReader } from "../permissions/permissions.ts";
import type { RoleCatalog } from "../role_catalog.ts";
import { int, text } from "../rows.ts";
import type { Lease } from "../leases/lease.ts";
import type { Statements } from "../../db/statements.ts";
import { renderFeedLine, type TaskActivityLog } from "./task_activity.ts";
import {
  SELECT_TASKS,
  type Task,
  TASK_STATUSES,
  type TaskDetail,
  type TaskStatus,
  toTask,
} from "./task_model.ts";
import type { TaskStructure } from "./task_structure.ts";

export interface TaskFilter {
  status?: TaskStatus | undefined;
  assignee?: string | undefined;
  reviewer?: string | undefined;
  parentId?: number | undefined;
  /**
   * A member (name and role): pending tasks it can take and whose type its role prefers come
   * first.
   */
  mineFirst?: { name: string; role: string } | undefined;
  /** Only tasks changed after this time (ms), in the order they changed (page only). */
  changedAfter?: number | undefined;
  /** At most this many (default LIMITS.listLimitMax), after skipping `offset` (default 0). */
  limit?: number | undefined;
  offset?: number | undefined;
}

export class TaskQueries {
  readonly #sql: Statements;
  readonly #roles: RoleCatalog;
  readonly #activity: TaskActivityLog;
  readonly #structure: TaskStructure;

  constructor(
    deps: {
      sql: Statements;
      roles: RoleCatalog;
      activity: TaskActivityLog;
      structure: TaskStructure;
    },
  ) {
    this.#sql = deps.sql;
    this.#roles = deps.roles;
    this.#activity = deps.activity;
    this.#structure = deps.structure;
  }

  get(id: number): Task {
    const row = this.#sql.get(`${SELECT_TASKS} WHERE id = ?`).get(id);
    if (!row) throw new NotFoundError(`task_id: no task with id ${id}. Call list_tasks.`);
    return toTask(row);
  }

  /** Tasks, highest priority first, then oldest first; optionally filtered. */
  list(filter: TaskFilter = {}): Task[] {
    return this.#select(filter, null, filter.limit ?? LIMITS.listLimitMax, filter.offset ?? 0)
      .map(toTask);
  }

  /**
   * A page of list(filter): `limit` (default and most: LIMITS.pages.tasks), starting after
   * the task `cursor` names (a next_cursor of an earlier page).
   */
  page(
    filter: Omit<TaskFilter, "limit" | "offset">,
    page: PageRequest = {},
  ): Page<Task> {
    const size = pageSize(page.limit, LIMITS.pages.tasks);
    if (filter.changedAfter !== undefined) {
      return this.#changed(filter, filter.changedAfter, size, page);
    }
    const after = page.cursor === undefined
      ? null
      : cursorKey(page.cursor, ["number", "number", "number"], "list_tasks");
    const rows = this.#select(filter, after, size + 1, 0);
    const { items, next_cursor } = pageOf(
      rows,
      size,
      (row) => [int(row, "k_mine"), int(row, "k_priority"), int(row, "id")],
    );
    return { items: items.map(toTask), ...(next_cursor === undefined ? {} : { next_cursor }) };
  }

  /** A page of the tasks changed after `since` (ms), oldest change first. */
  #changed(filter: TaskFilter, since: number, size: number, page: PageRequest): Page<Task> {
    const after = page.cursor === undefined
      ? null
      : cursorKey(page.cursor, ["number", "number"], "list_tasks");
    const rows = this.#sql.get(
      `${SELECT_TASKS} WHERE updated_at > :since
         AND (:status IS NULL OR status = :status)
         AND (:assignee IS NULL OR assignee = :assignee)
         AND (:reviewer IS NULL OR reviewer = :reviewer)
         AND (:parent IS NULL OR parent_id = :parent)
         AND (:after_at IS NULL OR (updated_at, id) > (:after_at, :after_id))
       ORDER BY updated_at, id LIMIT :limit`,
    ).all({
      since,
      status: filter.status ?? null,
      assignee: filter.assignee ?? null,
      reviewer: filter.reviewer ?? null,
      parent: filter.parentId ?? null,
      after_at: after?.[0] ?? null,
      after_id: after?.[1] ?? null,
      limit: size + 1,
    });
    const { items, next_cursor } = pageOf(
      rows,
      size,
      (row) => [int(row, "updated_at"), int(row, "id")],
    );
    return { items: items.map(toTask), ...(next_cursor === undefined ? {} : { next_cursor }) };
  }

  /** Rows of SELECT_TASKS in board order, with their sort key (k_mine, k_priority, id). */
  #select(
    filter: TaskFilter,
    after: (string | number)[] | null,
    limit: number,
    offset: number,
  ): Record<string, unknown>[] {
    const where: string[] = [];
    const params: Record<string, string | number | null> = { limit, offset };
    const add = (column: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = :${column}`);
      params[column] = value;
    };
    add("status", filter.status);
    add("assignee", filter.assignee);
    add("reviewer", filter.reviewer);
    add("parent_id", filter.parentId);
    const me = filter.mineFirst;
    if (me !== undefined) return this.#selectMineFirst(me, where, params, after);
    // Without mine_first every k_mine is 1: the order is (rank, id), which an index gives page
    // by page (tasks_by_status_rank, or tasks_by_rank without a status). A cursor is two ranges
    // of it: the rest of its rank, then the ranks after (one row-value range would walk the
    // rank from its start).
    const filters = where.map((w) => `${w} AND `).join("");
    const run = (condition: string, extra: Record<string, number>, rows: number) =>
      this.#sql.get(
        `${SELECT_TASKS_BY_RANK} WHERE ${filters}${condition}
         ORDER BY ${_RANK}, id LIMIT :limit OFFSET :offset`,
      ).all({ ...params, ...extra, limit: rows });
    if (after === null) return run("1", {}, limit);
    const [afterMine, afterRank, afterId] = after.map(Number) as [number, number, number];
    if (afterMine > 1) return [];
    if (afterMine < 1) return run("1", {}, limit);
    const rest = run(
      `${_RANK} = :rank AND id > :after_id`,
      { rank: afterRank, after_id: afterId },
      limit,
    );
    if (rest.length >= limit) return rest;
    return [...rest, ...run(`${_RANK} > :rank`, { rank: afterRank }, limit - rest.length)];
  }

  /** #select with the member's own pending work first (sorted in full: not by an index). */
  #selectMineFirst(
    me: { name: string; role: string },
    where: string[],
    params: Record<string, string | number | null>,
    after: (string | number)[] | null,
  ): Record<string, unknown>[] {
    return this.#sql.get(
      `SELECT * FROM (SELECT t.*,
           CASE WHEN status = 'pending' AND (assignee IS NULL OR assignee = :me)
             AND type IN (SELECT value FROM json_each(:affinity)) THEN 0 ELSE 1 END AS k_mine,
           ${_RANK} AS k_priority
         FROM (${SELECT_TASKS}${where.length ? ` WHERE ${where.join(" AND ")}` : ""}) t)
       WHERE :after_id IS NULL OR (k_mine, k_priority, id) > (:after_mine, :after_priority, :after_id)
       ORDER BY k_mine, k_priority, id
       LIMIT :limit OFFSET :offset`,
    ).all({
      ...params,
      me: me.name,
      affinity: JSON.stringify(this.#roles.get(me.role).task_affinity),
      after_mine: after?.[0] ?? null,
      after_priority: after?.[1] ?? null,
      after_id: after?.[2] ?? null,
    });
  }

  /**
   * The id of the pending, unblocked task without open subtasks (a container is done by its
   * subtasks) `member` should take next: one assigned to it first, then one whose type its role
   * prefers, then by priority and age; `blocker` names the lease that keeps a task's declared
   * paths from it (null: free), and such a task is passed over. Candidates are read a page at a
   * time, so however many busy tasks come first, free work further down is found.
   */
  nextFor(
    member: { name: string; role: string },
    blocker: (paths: readonly string[]) => Lease | null = () => null,
  ): number | null {
    return this.scanFor(member, blocker).id;
  }

  /** nextFor, with the tasks passed over for their paths and the lease in the way of each. */
  scanFor(
    member: { name: string; role: string },
    blocker: (paths: readonly string[]) => Lease | null = () => null,
  ): { id: number | null; leased: { taskId: number; lease: Lease }[] } {
    const leased: { taskId: number; lease: Lease }[] = [];
    const size = LIMITS.pages.tasks.max;
    let after: { mine: number; liked: number; priority: number; id: number } | null = null;
    for (;;) {
      const rows: Record<string, unknown>[] = this.#sql.get(
        `SELECT * FROM (SELECT id, CASE WHEN assignee = :me THEN 0 ELSE 1 END AS k_mine,
             CASE WHEN type IN (SELECT value FROM json_each(:affinity)) THEN 0 ELSE 1 END AS k_liked,
             CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END AS k_priority,
             (SELECT json_group_array(path) FROM task_paths p WHERE p.task_id = tasks.id) AS paths
           FROM tasks WHERE status = 'pending' AND (assignee IS NULL OR assignee = :me)
           AND NOT EXISTS (SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.blocker_id
                           WHERE d.task_id = tasks.id AND b.status <> 'done')
           AND NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = tasks.id
                           AND c.status <> 'done'))
         WHERE :after_id IS NULL
           OR (k_mine, k_liked, k_priority, id) > (:a_mine, :a_liked, :a_priority, :after_id)
         ORDER BY k_mine, k_liked, k_priority, id
         LIMIT :limit`,
      ).all({
        me: member.name,
        affinity: JSON.stringify(this.#roles.get(member.role).task_affinity),
        after_id: after?.id ?? null,
        a_mine: after?.mine ?? null,
        a_liked: after?.liked ?? null,
        a_priority: after?.priority ?? null,
        limit: size,
      });
      for (const row of rows) {
        const id = int(row, "id");
        const paths = JSON.parse(text(row, "paths")) as string[];
        const lease = paths.length === 0 ? null : blocker(paths);
        if (lease === null) return { id, leased };
        leased.push({ taskId: id, lease });
      }
      const last: Record<string, unknown> | undefined = rows.at(-1);
      if (rows.length < size || last === undefined) return { id: null, leased };
      after = {
        mine: int(last, "k_mine"),
        liked: int(last, "k_liked"),
        priority: int(last, "k_priority"),
        id: int(last, "id"),
      };
    }
  }

  /**
   * Why nextFor found nothing for `member`, in one line with counts: pending tasks waiting on
   * blockers, passed over for their leased paths (`leased`, from scanFor), with open subtasks,
   * assigned to others.
   */
  whyNothing(member: { name: string }, leased: { taskId: number; lease: Lease }[]): string {
    const row = this.#sql.get(
      `SELECT count(*) AS pending,
         coalesce(sum(assignee IS NOT NULL AND assignee <> :me), 0) AS others,
         coalesce(sum(EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = tasks.id
                              AND c.status <> 'done')), 0) AS containers,
         (SELECT json_group_array(DISTINCT d.blocker_id) FROM task_dependencies d
            JOIN tasks b ON b.id = d.blocker_id JOIN tasks w ON w.id = d.task_id
          WHERE b.status <> 'done' AND w.status = 'pending'
            AND (w.assignee IS NULL OR w.assignee = :me)) AS blockers,
         coalesce(sum((assignee IS NULL OR assignee = :me) AND EXISTS (
           SELECT 1 FROM task_dependencies d JOIN tasks b ON b.id = d.blocker_id
           WHERE d.task_id = tasks.id AND b.status <> 'done')), 0) AS waiting
       FROM tasks WHERE status = 'pending'`,
    ).get({ me: member.name });
    if (!row || int(row, "pending") === 0) return "No pending tasks.";
    const parts: string[] = [];
    const waiting = int(row, "waiting");
    if (waiting > 0) {
      const blockers = JSON.parse(text(row, "blockers")) as number[];
      parts.push(`${waiting} waiting on ${_refs(blockers)}`);
    }
    if (leased.length > 0) {
      const holders = new Map<string, string>();
      for (const { lease } of leased) {
        const until = lease.until.slice(11, 16);
        const known = holders.get(lease.agent);
        if (known === undefined || until > known) holders.set(lease.agent, until);
      }
      const who = [...holders].slice(0, 3).map(([agent, until]) => `${agent} until ${until}`);
      parts.push(
        `${leased.length} with paths leased by ${who.join(", ")}${
          holders.size > 3 ? ` and ${holders.size - 3} more` : ""
        } UTC`,
      );
    }
    const others = int(row, "others");
    if (others > 0) parts.push(`${others} assigned to others`);
    const containers = int(row, "containers");
    if (containers > 0) parts.push(`${containers} with open subtasks`);
    return `Nothing for you; pending: ${
      parts.join("; ")
    }. When one frees up, idle members are told ` +
      "(task_available).";
  }

  /** How many tasks are in each status (every status named, 0 when none). */
  countByStatus(): Record<TaskStatus, number> {
    const counts = { pending: 0, in_progress: 0, awaiting_review: 0, done: 0, blocked: 0 };
    for (
      const row of this.#sql.get("SELECT status, count(*) AS n FROM tasks GROUP BY status").all()
    ) {
      const status = TASK_STATUSES.find((s) => s === row["status"]);
      if (status !== undefined) counts[status] = int(row, "n");
    }
    return counts satisfies Record<TaskStatus, number>;
  }

  /**
   * The tasks `agent` holds, by id: its open work (pending, in progress, awaiting review) and
   * the reviews it took.
   */
  heldBy(
    agent: string,
  ): { id: number; title: string; status: string; as: "assignee" | "reviewer" }[] {
    return this.#sql.get(
      `SELECT id, title, status, 'assignee' AS held_as FROM tasks
         WHERE assignee = :agent AND status IN ('pending', 'in_progress', 'awaiting_review')
       UNION ALL
       SELECT id, title, status, 'reviewer' AS held_as FROM tasks
         WHERE reviewer = :agent AND status = 'awaiting_review' AND review_claimed_at IS NOT NULL
       ORDER BY id`,
    ).all({ agent }).map((row) => ({
      id: int(row, "id"),
      title: text(row, "title"),
      status: text(row, "status"),
      as: text(row, "held_as") === "reviewer" ? "reviewer" : "assignee",
    }));
  }

  /** The oldest task `agent` has in progress, if any (its id and title). */
  workingOn(agent: string): { id: number; title: string } | undefined {
    const row = this.#sql.get(
      `SELECT id, title FROM tasks WHERE assignee = ? AND status = 'in_progress'
       ORDER BY id LIMIT 1`,
    ).get(agent);
    return row ? { id: int(row, "id"), title: text(row, "title") } : undefined;
  }

  /** The id of a pending or in-progress task assigned to `agent`, if it has one. */
  openTaskOf(agent: string): number | null {
    const row = this.#sql.get(
      `SELECT id FROM tasks WHERE assignee = ? AND status IN ('pending', 'in_progress')
       ORDER BY id LIMIT 1`,
    ).get(agent);
    return row ? int(row, "id") : null;
  }

  /**
   * The task, a page of its subtasks (`subtasksPage`: LIMITS.pages.subtasks, oldest first;
   * task.subtasks counts them all), its newest activity and the linked messages `reader` may see (`page`: LIMITS.pages.feed, older ones
   * after `next_cursor`) oldest first, the rendered feed of those (one line per entry, its
   * content whole), and how many comments and messages it has in all.
   */
  detail(
    taskId: number,
    reader: MessageReader,
    page: PageRequest = {},
    subtasksPage: PageRequest = {},
  ): TaskDetail {
    const task = this.get(taskId);
    const subtasks = this.#structure.childrenPage(task.id, subtasksPage);
    const entries = this.#activity.feed(task.id, reader, page);
    const counts = this.#activity.counts(task.id, reader);
    return {
      task,
      subtasks: subtasks.items,
      ...(subtasks.next_cursor === undefined ? {} : { subtasks_next_cursor: subtasks.next_cursor }),
      blockers: this.#structure.blockers(task.id),
      entries: entries.items,
      comment_count: counts.comments,
      message_count: counts.messages,
      feed: entries.items.map((e) => renderFeedLine(e, true)).join("\n"),
      ...(entries.next_cursor === undefined ? {} : { next_cursor: entries.next_cursor }),
    };
  }
}

/** Task ids as "#3, #4 and 2 more". */
function _refs(ids: readonly number[]): string {
  const shown = ids.slice(0, 3).map((id) => `#${id}`).join(", ");
  return ids.length > 3 ? `${shown} and ${ids.length - 3} more` : shown;
}

/** A priority as its place in board order: the expression tasks_by_rank and _status_rank index. */
const _RANK = "CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END";

/** SELECT_TASKS with each row's sort key (k_mine is 1 unless mine_first says otherwise). */
const SELECT_TASKS_BY_RANK = (() => {
  const head = "SELECT tasks.*,";
  if (!SELECT_TASKS.startsWith(head)) throw new Error("SELECT_TASKS must begin with " + head);
  return `SELECT tasks.*, 1 AS k_mine, ${_RANK} AS k_priority,${SELECT_TASKS.slice(head.length)}`;
})();
