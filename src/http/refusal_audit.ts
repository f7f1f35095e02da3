/**
 * Audit entries for refused requests (no or a wrong credential), bounded so that a flood cannot
 * fill the database or bury the real entries: at most one row per client address per window (a
 * minute), carrying how many requests were refused and a few sample paths cut short; at most
 * `maxRowsPerWindow` rows in a window over all addresses (what is over the cap is counted in
 * one later row and a log line); and at most `maxAddresses` addresses remembered (the oldest is
 * forgotten first, its count going to that later row).
 */
import type { Logger } from "../log.ts";

/** One refused request. */
export interface Refusal {
  address: string;
  method: string;
  path: string;
  reason: "no token" | "wrong token";
}

/** One audit row to write: the target path and the details. */
export interface RefusalRow {
  path: string;
  details: Record<string, unknown>;
}

/** The bounds; each has a default (see REFUSAL_AUDIT_DEFAULTS). */
export interface RefusalAuditOptions {
  /** The window: one row per address per window. */
  windowMs: number;
  /** Rows over all addresses per window; what is over it is summed up in one later row. */
  maxRowsPerWindow: number;
  /** Addresses remembered at once; the one refused longest ago is forgotten first. */
  maxAddresses: number;
  /** Sample paths kept per row, and their length. */
  samplePaths: number;
  samplePathChars: number;
}

export const REFUSAL_AUDIT_DEFAULTS: RefusalAuditOptions = {
  windowMs: 60_000,
  maxRowsPerWindow: 30,
  maxAddresses: 1_000,
  samplePaths: 3,
  samplePathChars: 200,
};

interface _Address {
  /** When this address's last row was written (or skipped over the cap). */
  writtenAt: number;
  /** Refusals not yet in a row. */
  count: number;
  firstAt: number;
  methods: Set<string>;
  reasons: Set<string>;
  paths: string[];
}

export class RefusalAudit {
  readonly #write: (row: RefusalRow) => void;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #options: RefusalAuditOptions;
  readonly #addresses = new Map<string, _Address>();
  #windowStart = Number.NEGATIVE_INFINITY;
  #rowsInWindow = 0;
  /** Refusals (and their addresses) left out of rows: over the cap, or forgotten. */
  #unwritten = { refusals: 0, addresses: 0, since: 0 };

  constructor(deps: {
    /** Writes one audit row (the caller's transaction and publisher). */
    write(row: RefusalRow): void;
    logger: Logger;
    now: () => number;
    options?: Partial<RefusalAuditOptions>;
  }) {
    this.#write = deps.write;
    this.#logger = deps.logger;
    this.#now = deps.now;
    this.#options = { ...REFUSAL_AUDIT_DEFAULTS, ...deps.options };
  }

  /** How many addresses are remembered. */
  get size(): number {
    return this.#addresses.size;
  }

  /** Counts one refusal; writes its address's row when none was written this window. */
  refuse(refusal: Refusal): void {
    const at = this.#now();
    let entry = this.#addresses.get(refusal.address);
    if (entry) {
      this.#addresses.delete(refusal.address); // re-inserted below: the map stays oldest first
    } else {
      this.#forgetOldest();
      entry = {
        writtenAt: Number.NEGATIVE_INFINITY,
        count: 0,
        firstAt: at,
        methods: new Set(),
        reasons: new Set(),
        paths: [],
      };
    }
    this.#addresses.set(refusal.address, entry);
    if (entry.count === 0) entry.firstAt = at;
    entry.count++;
    entry.methods.add(_detached(refusal.method, 16));
    entry.reasons.add(refusal.reason);
    const path = _detached(refusal.path, this.#options.samplePathChars);
    if (entry.paths.length < this.#options.samplePaths && !entry.paths.includes(path)) {
      entry.paths.push(path);
    }
    if (at - entry.writtenAt >= this.#options.windowMs) this.#flushAddress(refusal.address, entry);
  }

  /**
   * Writes the rows that are due: addresses whose window has passed with refusals not yet
   * written, and the note of what was left out. Forgets addresses quiet for a whole window.
   * Call it periodically and at shutdown (`final`: everything pending is written).
   */
  flush(final = false): void {
    const at = this.#now();
    for (const [address, entry] of [...this.#addresses]) {
      const due = final || at - entry.writtenAt >= this.#options.windowMs;
      if (!due) continue;
      if (entry.count > 0) this.#flushAddress(address, entry);
      else this.#addresses.delete(address);
    }
    this.#rollWindow(at);
  }

  #flushAddress(address: string, entry: _Address): void {
    const at = this.#now();
    this.#rollWindow(at);
    entry.writtenAt = at;
    if (this.#rowsInWindow >= this.#options.maxRowsPerWindow) {
      if (this.#unwritten.refusals === 0) {
        this.#logger.warn(
          `refused requests: over ${this.#options.maxRowsPerWindow} audit rows this minute; ` +
            "further refusals are only counted (one row sums them up)",
        );
      }
      this.#leaveOut(entry);
      return;
    }
    this.#rowsInWindow++;
    this.#emit({
      path: entry.paths[0] ?? "",
      details: {
        address,
        count: entry.count,
        methods: [...entry.methods],
        reason: [...entry.reasons].sort().join(", "),
        sample_paths: entry.paths,
        first_at: new Date(entry.firstAt).toISOString(),
      },
    });
    _reset(entry);
  }

  /** A new window: the cap starts over, and what was left out in the last one gets its row. */
  #rollWindow(at: number): void {
    if (at - this.#windowStart < this.#options.windowMs) return;
    this.#windowStart = at;
    this.#rowsInWindow = 0;
    if (this.#unwritten.refusals === 0) return;
    const { refusals, addresses, since } = this.#unwritten;
    this.#unwritten = { refusals: 0, addresses: 0, since: 0 };
    this.#rowsInWindow++;
    this.#emit({
      path: "*",
      details: {
        address: "*",
        count: refusals,
        addresses,
        first_at: new Date(since).toISOString(),
        note: "refusals over the audit cap or from forgotten addresses: counted, not itemized",
      },
    });
  }

  /** Writes a row; a failure (a busy database) is logged, never the refused request's error. */
  #emit(row: RefusalRow): void {
    try {
      this.#write(row);
    } catch (error) {
      this.#logger.warn(
        `could not audit refused requests: ${error instanceof Error ? error.message : error}`,
      );
    }
  }

  #leaveOut(entry: _Address): void {
    if (entry.count === 0) return;
    if (this.#unwritten.refusals === 0) this.#unwritten.since = entry.firstAt;
    this.#unwritten.refusals += entry.count;
    this.#unwritten.addresses++;
    _reset(entry);
  }

  #forgetOldest(): void {
    while (this.#addresses.size >= this.#options.maxAddresses) {
      const oldest = this.#addresses.entries().next().value;
      if (!oldest) return;
      this.#addresses.delete(oldest[0]);
      this.#leaveOut(oldest[1]);
    }
  }
}

function _reset(entry: _Address): void {
  entry.count = 0;
  entry.methods.clear();
  entry.reasons.clear();
  entry.paths = [];
}

/**
 * The first `chars` characters of `text`, as a string of its own: V8 makes a `slice` (and
 * URL's `pathname`) a view that keeps the whole original alive, so 1,000 addresses x 3 sample
 * paths from requests with long paths or queries would keep tens of megabytes.
 */
function _detached(text: string, chars: number): string {
  return JSON.parse(JSON.stringify(text.slice(0, chars)));
}
