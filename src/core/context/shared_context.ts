/**
 * Shared context: facts agents set and read by key, in namespaces. Every write makes a new
 * version; a write may name the version it expects, so two agents editing one spec cannot
 * overwrite each other unknowingly; a deletion is a tombstone version. What one agent writes
 * cannot erase another's: an expiry belongs to the version that set it (when it passes, readers
 * see the newest version still live, and the sweep removes only expired versions), and the
 * history keeps the last 50 versions plus each author's latest.
 */
import type { StoreContext } from "../store_context.ts";
import { checkContextKey, checkNamespace } from "../input_rules/context_names.ts";
import { checkContextValue } from "../input_rules/text_rules.ts";
import { formatCount } from "../input_rules/wording.ts";
import type { Actor } from "../actor.ts";
import { toIso } from "../clock.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import {
  cursorKey,
  type Page,
  type PageLimits,
  pageOf,
  type PageRequest,
  pageSize,
} from "../pages.ts";
import { mayDeleteContext } from "../permissions/permissions.ts";
import { enforce } from "../permissions/refusal.ts";
import { int, intOrNull, text, textOrNull } from "../rows.ts";

export const DEFAULT_NAMESPACE = "default";
export const VERSIONS_KEPT = 50;

export interface ContextEntry {
  ns: string;
  key: string;
  value: string;
  version: number;
  set_by: string;
  updated_at: string;
  expires_at: string | null;
}

export interface ContextVersion {
  version: number;
  set_by: string;
  at: string;
  size: number;
  deleted: boolean;
  expires_at: string | null;
}

export interface ContextKeySummary {
  ns: string;
  key: string;
  version: number;
  set_by: string;
  size: number;
  updated_at: string;
  expires_at: string | null;
}

/** Which keys a listing shows: one namespace (default all), keys starting with a prefix. */
export interface KeyFilter {
  ns?: string | undefined;
  prefix?: string | undefined;
}

export interface NamespaceSummary {
  ns: string;
  keys: number;
  updated_at: string;
}

export interface ShareInput {
  key: string;
  value: string;
  by: Actor;
  ns?: string | undefined;
  /**
   * Seconds until this version expires; 0: it never does; omitted: it expires when the
   * version it replaces would have (none when the key is new, deleted or expired).
   */
  ttl?: number | undefined;
  /** The version the writer last read (0: the key must not exist yet). */
  expectedVersion?: number | undefined;
}

export class SharedContextStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  /** Writes a new version of `key`; returns it. */
  share(input: ShareInput): ContextEntry {
    checkContextKey(input.key);
    checkContextValue(input.value);
    if (input.ns !== undefined) checkNamespace(input.ns);
    if (
      input.ttl !== undefined &&
      !(Number.isInteger(input.ttl) && input.ttl >= 0 && input.ttl <= LIMITS.contextTtlMaxS)
    ) {
      throw new ValidationError(
        `ttl must be a whole number of seconds from 0 (never expires) to ` +
          `${LIMITS.contextTtlMaxS} (got ${input.ttl})`,
      );
    }
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by, "set_by");
      const setBy = who.label;
      const ns = input.ns ?? DEFAULT_NAMESPACE;
      const now = this.#ctx.clock.now();
      const live = this.#liveRow(ns, input.key, now);
      const current = live ? int(live, "version") : 0;
      if (input.expectedVersion !== undefined && input.expectedVersion !== current) {
        throw new ConflictError(
          live === undefined
            ? `expected_version: '${input.key}' in namespace '${ns}' does not exist (or expired ` +
              `or was deleted); pass expected_version 0 to create it.`
            : `expected_version: '${input.key}' in namespace '${ns}' is at version ${current}, ` +
              `written by '${text(live, "set_by")}' at ${toIso(int(live, "created_at"))}, ` +
              `not ${input.expectedVersion}. Read it again, merge, and retry with ` +
              `expected_version ${current}.`,
        );
      }
      if (who.agent !== null) this.#checkQuota(setBy, ns, input.key, _utf8Bytes(input.value), now);
      const version = this.#maxVersion(ns, input.key) + 1;
      const expiresAt = input.ttl === undefined
        ? (live ? intOrNull(live, "expires_at") : null)
        : input.ttl === 0
        ? null
        : now + input.ttl * 1000;
      this.#ctx.sql.get(
        `INSERT INTO context_entries
           (ns, key, version, value, set_by, created_at, expires_at, value_bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(ns, input.key, version, input.value, setBy, now, expiresAt, _utf8Bytes(input.value));
      this.#prune(ns, input.key, version);
      this.#ctx.publisher.publish({
        type: "context.shared",
        by: who.actor,
        ns,
        key: input.key,
        version,
        length: input.value.length,
        ttl: input.ttl ?? null,
      });
      return this.get({ key: input.key, ns });
    });
  }

  /**
   * The version readers see (the newest that has not expired), or the given `version` if it is
   * kept and has not expired (also of a deleted key: its history can be written back).
   */
  get(input: { key: string; ns?: string | undefined; version?: number | undefined }): ContextEntry {
    const ns = input.ns ?? DEFAULT_NAMESPACE;
    const now = this.#ctx.clock.now();
    const live = this.#liveRow(ns, input.key, now);
    if (input.version === undefined) {
      if (!live) throw this.#missing(ns, input.key);
      return _toEntry(live);
    }
    const row = this.#ctx.sql.get(
      "SELECT * FROM context_entries WHERE ns = ? AND key = ? AND version = ?",
    ).get(ns, input.key, input.version);
    if (!row || !this.#visible(row, now)) {
      const current = live ? `the current one is ${int(live, "version")}` : "none is live";
      throw new NotFoundError(
        `version: '${input.key}' in namespace '${ns}' has no version ${input.version} to read ` +
          `(${current}; the last ${VERSIONS_KEPT} and each author's latest are kept, until ` +
          `they expire). Call context_history.`,
      );
    }
    return _toEntry(row);
  }

  /** Every visible entry, in one namespace or in all of them. */
  list(options: { ns?: string | undefined; prefix?: string | undefined } = {}): ContextEntry[] {
    return this.#latestVisible(options).map(_toEntry);
  }

  /**
   * A page of list(options), by namespace and key: `limit` (LIMITS.pages.contextEntries),
   * after `cursor`.
   */
  listPage(options: KeyFilter, page: PageRequest = {}): Page<ContextEntry> {
    return this.#keyPage(
      options,
      page,
      LIMITS.pages.contextEntries,
      "get_shared_context",
      _toEntry,
    );
  }

  /** Keys with their latest version, author, size and expiry (values left out). */
  keys(options: KeyFilter = {}): ContextKeySummary[] {
    return this.#latestVisible(options).map(_toKeySummary);
  }

  /** A page of keys(options): `limit` (LIMITS.pages.contextKeys), after `cursor`. */
  keysPage(options: KeyFilter, page: PageRequest = {}): Page<ContextKeySummary> {
    return this.#keyPage(options, page, LIMITS.pages.contextKeys, "list_context", _toKeySummary);
  }

  /** Namespaces with live keys, with their key counts. */
  namespaces(): NamespaceSummary[] {
    return this.#namespaces("", -1);
  }

  /** A page of namespaces(): `limit` (LIMITS.pages.namespaces), after `cursor`. */
  namespacesPage(page: PageRequest = {}): Page<NamespaceSummary> {
    const size = pageSize(page.limit, LIMITS.pages.namespaces);
    const after = page.cursor === undefined
      ? ""
      : String(cursorKey(page.cursor, ["string"], "list_namespaces")[0]);
    return pageOf(this.#namespaces(after, size + 1), size, (n) => [n.ns]);
  }

  /**
   * From the per-namespace counts of keys whose head (newest stored version) is no deletion,
   * kept by triggers (schema 20): a head that has expired but is not yet swept is found by its
   * expiry, and its key counted by the version readers see instead (if any).
   */
  #namespaces(after: string, limit: number): NamespaceSummary[] {
    const now = this.#ctx.clock.now();
    const fix = new Map<string, { keys: number; updated: number | null }>();
    const expired = this.#ctx.sql.get(
      `SELECT ns, key FROM context_heads
       WHERE deleted = 0 AND expires_at IS NOT NULL AND expires_at <= ? AND ns > ?`,
    ).all(now, after);
    for (const head of expired) {
      const ns = text(head, "ns");
      const entry = fix.get(ns) ?? { keys: 0, updated: null };
      entry.keys--;
      const live = this.#liveRow(ns, text(head, "key"), now);
      if (live) {
        entry.keys++;
        entry.updated = Math.max(entry.updated ?? 0, int(live, "created_at"));
      }
      fix.set(ns, entry);
    }
    // A namespace whose every head expired drops out: read as many more as could.
    const rows = this.#ctx.sql.get(
      `SELECT n.ns, n.keys,
         (SELECT h.created_at FROM context_heads h
          WHERE h.ns = n.ns AND h.deleted = 0 AND (h.expires_at IS NULL OR h.expires_at > :now)
          ORDER BY h.created_at DESC LIMIT 1) AS updated
       FROM context_namespaces n WHERE n.ns > :after ORDER BY n.ns LIMIT :limit`,
    ).all({ now, after, limit: limit < 0 ? -1 : limit + fix.size });
    const namespaces: NamespaceSummary[] = [];
    for (const row of rows) {
      const ns = text(row, "ns");
      const change = fix.get(ns);
      const keys = int(row, "keys") + (change?.keys ?? 0);
      if (keys <= 0) continue;
      const updated = Math.max(intOrNull(row, "updated") ?? 0, change?.updated ?? 0);
      namespaces.push({ ns, keys, updated_at: toIso(updated) });
      if (namespaces.length === limit) break;
    }
    return namespaces;
  }

  /** The stored versions of a key that have not expired (deletions included), newest first. */
  history(input: { key: string; ns?: string | undefined }): ContextVersion[] {
    const ns = input.ns ?? DEFAULT_NAMESPACE;
    const now = this.#ctx.clock.now();
    const rows = this.#ctx.sql.get(
      "SELECT * FROM context_entries WHERE ns = ? AND key = ? ORDER BY version DESC",
    ).all(ns, input.key).filter((row) => int(row, "deleted") === 1 || this.#visible(row, now));
    if (rows.length === 0) throw this.#missing(ns, input.key);
    return rows
      .map((row) => ({
        version: int(row, "version"),
        set_by: text(row, "set_by"),
        at: toIso(int(row, "created_at")),
        size: (textOrNull(row, "value") ?? "").length,
        deleted: int(row, "deleted") === 1,
        expires_at: _time(intOrNull(row, "expires_at")),
      }));
  }

  /**
   * A page of history(input), newest first: `limit` (LIMITS.pages.contextHistory), older than
   * the version `cursor` names.
   */
  historyPage(
    input: { key: string; ns?: string | undefined },
    page: PageRequest = {},
  ): Page<ContextVersion> {
    const size = pageSize(page.limit, LIMITS.pages.contextHistory);
    const before = page.cursor === undefined
      ? Infinity
      : Number(cursorKey(page.cursor, ["number"], "context_history")[0]);
    const rows = this.history(input).filter((v) => v.version < before).slice(0, size + 1);
    return pageOf(rows, size, (v) => [v.version]);
  }

  /**
   * Deletes a key by writing a tombstone version (its history stays: every author's latest
   * version can still be read and written back). Only an agent that wrote every unexpired
   * version since the key was (re)created, or a holder of manage_context, may.
   */
  delete(input: { key: string; ns?: string | undefined; by: Actor }): ContextVersion {
    return this.#ctx.tx.run(() => {
      const who = this.#ctx.principals.resolve(input.by);
      const agent = who.label;
      const ns = input.ns ?? DEFAULT_NAMESPACE;
      const now = this.#ctx.clock.now();
      const live = this.#liveRow(ns, input.key, now);
      if (!live) throw this.#missing(ns, input.key);
      const author = text(live, "set_by");
      const authors = this.#authorsSinceCreated(ns, input.key, now);
      enforce(mayDeleteContext(who, { authors }), {
        who,
        what: `delete '${input.key}' (its versions are by ${
          authors.map((a) => `'${a}'`).join(", ")
        })`,
      }, this.#ctx.roles);
      const version = this.#maxVersion(ns, input.key) + 1;
      this.#ctx.sql.get(
        `INSERT INTO context_entries (ns, key, version, value, set_by, created_at, deleted)
         VALUES (?, ?, ?, NULL, ?, ?, 1)`,
      ).run(ns, input.key, version, agent, now);
      this.#prune(ns, input.key, version);
      this.#ctx.publisher.publish({
        type: "context.deleted",
        by: who.actor,
        ns,
        key: input.key,
        version,
        author,
      });
      return { version, set_by: agent, at: toIso(now), size: 0, deleted: true, expires_at: null };
    });
  }

  /**
   * Removes the versions that have expired (only those: an earlier version still live is what
   * readers see next). Oldest first, so that the search index moves to what is left. Returns
   * how many versions were removed.
   */
  sweepExpired(): number {
    return this.#ctx.tx.run(() => {
      const expired = this.#ctx.sql.get(
        `SELECT ns, key, version FROM context_entries
         WHERE expires_at IS NOT NULL AND expires_at <= ? AND deleted = 0
         ORDER BY ns, key, version`,
      ).all(this.#ctx.clock.now());
      const remove = this.#ctx.sql.get(
        "DELETE FROM context_entries WHERE ns = ? AND key = ? AND version = ?",
      );
      for (const row of expired) {
        remove.run(text(row, "ns"), text(row, "key"), int(row, "version"));
      }
      return expired.length;
    });
  }

  /**
   * The version readers see: the newest that is a deletion or has not expired; undefined when
   * that is a deletion, or there is none.
   */
  #liveRow(ns: string, key: string, now: number): Record<string, unknown> | undefined {
    const row = this.#ctx.sql.get(
      `SELECT * FROM context_entries WHERE ns = ? AND key = ?
         AND (deleted = 1 OR expires_at IS NULL OR expires_at > ?)
       ORDER BY version DESC LIMIT 1`,
    ).get(ns, key, now);
    return row && int(row, "deleted") === 0 ? row : undefined;
  }

  /** Who wrote the unexpired versions of a key since its last deletion, by name. */
  #authorsSinceCreated(ns: string, key: string, now: number): string[] {
    return this.#ctx.sql.get(
      `SELECT DISTINCT set_by FROM context_entries WHERE ns = ?1 AND key = ?2 AND deleted = 0
         AND (expires_at IS NULL OR expires_at > ?3)
         AND version > (SELECT coalesce(max(version), 0) FROM context_entries
                        WHERE ns = ?1 AND key = ?2 AND deleted = 1)
       ORDER BY set_by`,
    ).all(ns, key, now).map((row) => text(row, "set_by"));
  }

  /**
   * Refuses a write that would leave `agent` the author of more live keys, or more bytes of
   * live values, than LIMITS.contextKeysPerAgentMax and contextBytesPerAgentMax. Counted in
   * the database: the latest unexpired version of each key, other than the one being written.
   */
  #checkQuota(agent: string, ns: string, key: string, size: number, now: number): void {
    const row = this.#ctx.sql.get(
      `SELECT count(*) AS keys, coalesce(sum(e.value_bytes), 0) AS bytes
       FROM context_entries e
       WHERE e.set_by = :agent AND e.deleted = 0 AND (e.expires_at IS NULL OR e.expires_at > :now)
         AND NOT (e.ns = :ns AND e.key = :key)
         AND e.version = (SELECT max(version) FROM context_entries
                          WHERE ns = e.ns AND key = e.key)`,
    ).get({ agent, now, ns, key });
    const keys = (row ? int(row, "keys") : 0) + 1;
    const bytes = (row ? int(row, "bytes") : 0) + size;
    if (keys > LIMITS.contextKeysPerAgentMax) {
      throw new ValidationError(
        `key: ${agent} would author ${formatCount(keys)} live shared-context keys; the limit ` +
          `is ${formatCount(LIMITS.contextKeysPerAgentMax)} per agent. Delete keys you no ` +
          "longer need (delete_context), or give them a ttl.",
      );
    }
    if (bytes > LIMITS.contextBytesPerAgentMax) {
      throw new ValidationError(
        `value: ${agent}'s live shared-context values would hold ${formatCount(bytes)} bytes; ` +
          `the limit is ${formatCount(LIMITS.contextBytesPerAgentMax)} per agent. Delete ` +
          "values you no longer need (delete_context), or shorten them.",
      );
    }
  }

  #maxVersion(ns: string, key: string): number {
    const row = this.#ctx.sql.get(
      "SELECT coalesce(max(version), 0) AS v FROM context_entries WHERE ns = ? AND key = ?",
    ).get(ns, key);
    return row ? int(row, "v") : 0;
  }

  /**
   * Drops versions older than the last VERSIONS_KEPT, except each author's latest: writing
   * many versions never pushes out what another agent wrote.
   */
  #prune(ns: string, key: string, version: number): void {
    this.#ctx.sql.get(
      `DELETE FROM context_entries WHERE ns = :ns AND key = :key AND version <= :oldest
         AND version NOT IN (SELECT max(version) FROM context_entries
                             WHERE ns = :ns AND key = :key GROUP BY set_by)`,
    ).run({ ns, key, oldest: version - VERSIONS_KEPT });
  }

  /** A page of the latest visible entries by (ns, key), each as `map` makes it. */
  #keyPage<T>(
    options: KeyFilter,
    page: PageRequest,
    limits: PageLimits,
    list: string,
    map: (row: Record<string, unknown>) => T,
  ): Page<T> {
    const size = pageSize(page.limit, limits);
    const after = page.cursor === undefined
      ? undefined
      : cursorKey(page.cursor, ["string", "string"], list).map(String) as [string, string];
    const rows = this.#latestVisible(options, after, size + 1);
    const { items, next_cursor } = pageOf(rows, size, (row) => [text(row, "ns"), text(row, "key")]);
    return { items: items.map(map), ...(next_cursor === undefined ? {} : { next_cursor }) };
  }

  #latestVisible(options: KeyFilter, after?: [string, string], limit = -1) {
    const prefix = options.prefix === undefined
      ? null
      : `${options.prefix.replace(/[\\%_]/g, "\\$&")}%`;
    return this.#ctx.sql.get(
      `SELECT e.* FROM context_entries e
       WHERE (:ns IS NULL OR e.ns = :ns) AND (:prefix IS NULL OR e.key LIKE :prefix ESCAPE '\\')
         AND (:after_ns IS NULL OR (e.ns, e.key) > (:after_ns, :after_key))
         AND e.version = (SELECT max(version) FROM context_entries
                          WHERE ns = e.ns AND key = e.key
                            AND (deleted = 1 OR expires_at IS NULL OR expires_at > :now))
         AND e.deleted = 0 AND (e.expires_at IS NULL OR e.expires_at > :now)
       ORDER BY e.ns, e.key LIMIT :limit`,
    ).all({
      ns: options.ns ?? null,
      prefix,
      now: this.#ctx.clock.now(),
      after_ns: after?.[0] ?? null,
      after_key: after?.[1] ?? null,
      limit,
    });
  }

  #visible(row: Record<string, unknown>, now: number): boolean {
    const expires = intOrNull(row, "expires_at");
    return int(row, "deleted") === 0 && (expires === null || expires > now);
  }

  #missing(ns: string, key: string): NotFoundError {
    return new NotFoundError(
      `key: nothing is shared under '${key}' in namespace '${ns}' (or it expired or was ` +
        `deleted). Call list_context to see the keys.`,
    );
  }
}

function _toKeySummary(row: Record<string, unknown>): ContextKeySummary {
  return {
    ns: text(row, "ns"),
    key: text(row, "key"),
    version: int(row, "version"),
    set_by: text(row, "set_by"),
    size: (textOrNull(row, "value") ?? "").length,
    updated_at: toIso(int(row, "created_at")),
    expires_at: _time(intOrNull(row, "expires_at")),
  };
}

function _toEntry(row: Record<string, unknown>): ContextEntry {
  return {
    ns: text(row, "ns"),
    key: text(row, "key"),
    value: textOrNull(row, "value") ?? "",
    version: int(row, "version"),
    set_by: text(row, "set_by"),
    updated_at: toIso(int(row, "created_at")),
    expires_at: _time(intOrNull(row, "expires_at")),
  };
}

function _time(ms: number | null): string | null {
  return ms === null ? null : toIso(ms);
}

const _encoder = new TextEncoder();

/** The length of `value` in UTF-8, as stored in value_bytes. */
function _utf8Bytes(value: string): number {
  return _encoder.encode(value).length;
}
