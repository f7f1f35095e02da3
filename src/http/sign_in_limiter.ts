/**
 * Failed web sign-ins, per client address, in memory (bounded): after `max` failures within
 * the window an address's wrong credentials are refused (429) until the oldest of them leaves
 * the window (the right one still signs in: sign_in_routes.ts). It also
 * decides when a failure is written to the audit log: a summary at most once per address per
 * window, and whenever an address becomes limited, with the count since its last entry;
 * counts still pending are written by `due` (serve calls it every minute) or at the address's
 * next sign-in. Beyond SIGN_IN_ADDRESSES_MAX addresses the quietest are forgotten, pending
 * counts included: memory stays bounded under a flood from many addresses.
 */

/** Failed sign-ins an address may make within the window. */
export const SIGN_IN_FAILURES_MAX = 10;
/** The window of the limit, and the least time between two audit entries of an address. */
export const SIGN_IN_WINDOW_MS = 60_000;
/** The most addresses remembered; beyond it the quietest are forgotten. */
export const SIGN_IN_ADDRESSES_MAX = 1_000;

/** What to write to the audit log about a failure, when anything. */
export interface SignInReport {
  failures: number;
  limitedUntil: number | undefined;
}

interface _Address {
  /** Times of the failures still within the window, oldest first (at most max). */
  failures: number[];
  /** Failures (and refused attempts) not yet in an audit entry. */
  unreported: number;
  reportedAt: number | undefined;
}

/** Counts failed sign-ins per address and says when an address must wait. */
export class SignInLimiter {
  readonly #addresses = new Map<string, _Address>();
  readonly #max: number;
  readonly #windowMs: number;

  constructor(options: { max?: number; windowMs?: number } = {}) {
    this.#max = options.max ?? SIGN_IN_FAILURES_MAX;
    this.#windowMs = options.windowMs ?? SIGN_IN_WINDOW_MS;
  }

  /** When `address` may try again (ms), if it is limited now. */
  limitedUntil(address: string, now: number): number | undefined {
    const entry = this.#addresses.get(address);
    if (!entry) return undefined;
    const live = entry.failures.filter((at) => at > now - this.#windowMs);
    entry.failures = live;
    const oldest = live[0];
    return live.length >= this.#max && oldest !== undefined ? oldest + this.#windowMs : undefined;
  }

  /**
   * Records an attempt that failed (`refused`: one turned away while limited, which does not
   * extend the limit); returns the audit summary to write now, if one is due.
   */
  failed(address: string, now: number, refused = false): SignInReport | undefined {
    const entry = this.#entry(address, now);
    const wasLimited = this.limitedUntil(address, now) !== undefined;
    if (!refused) entry.failures.push(now);
    entry.unreported++;
    const limitedUntil = this.limitedUntil(address, now);
    const justLimited = limitedUntil !== undefined && !wasLimited;
    const quiet = entry.reportedAt === undefined || now - entry.reportedAt >= this.#windowMs;
    if (!justLimited && !quiet) return undefined;
    const report = { failures: entry.unreported, limitedUntil };
    entry.unreported = 0;
    entry.reportedAt = now;
    return report;
  }

  /**
   * A successful sign-in clears the address's failures; returns the summary of those not yet
   * in the audit log, if any.
   */
  succeeded(address: string): SignInReport | undefined {
    const entry = this.#addresses.get(address);
    this.#addresses.delete(address);
    return entry && entry.unreported > 0
      ? { failures: entry.unreported, limitedUntil: undefined }
      : undefined;
  }

  /**
   * The summaries now due for addresses whose last entry is a window old and that failed since
   * (called periodically, so that no failure stays out of the audit log); quiet addresses are
   * forgotten.
   */
  due(now: number): { address: string; report: SignInReport }[] {
    const reports: { address: string; report: SignInReport }[] = [];
    for (const [address, entry] of this.#addresses) {
      const quiet = entry.reportedAt === undefined || now - entry.reportedAt >= this.#windowMs;
      if (!quiet) continue;
      if (entry.unreported > 0) {
        reports.push({
          address,
          report: { failures: entry.unreported, limitedUntil: this.limitedUntil(address, now) },
        });
        entry.unreported = 0;
        entry.reportedAt = now;
      } else if (this.limitedUntil(address, now) === undefined && entry.failures.length === 0) {
        this.#addresses.delete(address);
      }
    }
    return reports;
  }

  #entry(address: string, now: number): _Address {
    const found = this.#addresses.get(address);
    if (found) return found;
    if (this.#addresses.size >= SIGN_IN_ADDRESSES_MAX) this.#forget(now);
    const entry: _Address = { failures: [], unreported: 0, reportedAt: undefined };
    this.#addresses.set(address, entry);
    return entry;
  }

  /** Makes room: addresses with no failure in the window, else the longest remembered. */
  #forget(now: number): void {
    for (const [address, entry] of this.#addresses) {
      const last = entry.failures.at(-1);
      if (last === undefined || last <= now - this.#windowMs) this.#addresses.delete(address);
    }
    const first = this.#addresses.keys().next();
    if (this.#addresses.size >= SIGN_IN_ADDRESSES_MAX && !first.done) {
      this.#addresses.delete(first.value);
    }
  }
}
