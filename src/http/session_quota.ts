/**
 * How many MCP sessions `serve` holds at once, over both HTTP transports (each costs about a
 * MiB): at most `perCredential` for one credential (callerKey) and `total` in all. A credential
 * at its cap that begins another session ends one of its own: first the least recently active
 * of those that never took a name (a client's health check — `claude mcp list` — opens a session
 * and never ends it), else its least recently active one (a client that restarts without ending
 * its session keeps working); a server at its total cap answers 503 with Retry-After (one
 * credential cannot end the sessions of another).
 */
import type { Logger } from "../log.ts";
import { jsonRpcError } from "./responses.ts";

/** The caps; see the README ("Security") for the defaults. */
export interface SessionCaps {
  total: number;
  perCredential: number;
}

export const DEFAULT_SESSION_CAPS: SessionCaps = { total: 100, perCredential: 20 };

/** One open session as the quota sees it. */
export interface QuotaEntry {
  /** When it was last used (ms). */
  lastActive(): number;
  /** Whether it ever took an agent's name (made a tool call as an agent). */
  bound(): boolean;
  /** Ends it (the transport then calls `release`). */
  close(): Promise<void>;
}

/** A place held for a session being set up: `attach` it once the session has an id. */
export interface QuotaSlot {
  attach(id: string, entry: QuotaEntry): void;
  /** Gives the place back (the set-up failed). */
  release(): void;
}

export class SessionQuota {
  readonly #caps: SessionCaps;
  readonly #entries = new Map<string, QuotaEntry & { owner: string }>();
  /** Places held by sessions still being set up, by owner. */
  readonly #pending = new Map<string, number>();
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #logger: Logger;

  /** `idleMs`: when an idle session expires (Retry-After is counted from the oldest one). */
  constructor(
    caps: SessionCaps,
    options: { idleMs: number; logger: Logger; now?: () => number },
  ) {
    this.#caps = caps;
    this.#idleMs = options.idleMs;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * A place for a new session of `owner`, ending one of its sessions when it is at its cap (one
   * that never took a name first, then the least recently active); or the 503 answer when the
   * server is full.
   */
  async admit(owner: string): Promise<{ slot: QuotaSlot } | { refused: Response }> {
    for (;;) {
      const own = [...this.#entries.values()].filter((e) => e.owner === owner);
      if (own.length + (this.#pending.get(owner) ?? 0) < this.#caps.perCredential) break;
      const oldest = own.sort((a, b) =>
        Number(a.bound()) - Number(b.bound()) || a.lastActive() - b.lastActive()
      )[0];
      if (!oldest) {
        return { refused: this.#full("this credential") };
      }
      const before = this.#entries.size;
      this.#logger.info(
        `an MCP session of ${owner} ended: that credential began one more than it may hold ` +
          `(${this.#caps.perCredential})`,
      );
      await oldest.close();
      if (this.#entries.size >= before) {
        // close() did not release it: take it out here, so the loop ends
        for (const [id, entry] of this.#entries) {
          if (entry === oldest) {
            this.#entries.delete(id);
          }
        }
      }
    }
    if (this.#entries.size + this.#pendingTotal() >= this.#caps.total) {
      return { refused: this.#full("the server") };
    }
    this.#pending.set(owner, (this.#pending.get(owner) ?? 0) + 1);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      const left = (this.#pending.get(owner) ?? 1) - 1;
      if (left > 0) this.#pending.set(owner, left);
      else this.#pending.delete(owner);
    };
    return {
      slot: {
        attach: (id, entry) => {
          release();
          this.#entries.set(id, { ...entry, owner });
        },
        release,
      },
    };
  }

  /** The session `id` ended. */
  release(id: string): void {
    this.#entries.delete(id);
  }

  #pendingTotal(): number {
    let total = 0;
    for (const count of this.#pending.values()) total += count;
    return total;
  }

  #full(who: string): Response {
    // Every session ends by itself after idleMs unused: the oldest frees a place first.
    const oldest = Math.min(...[...this.#entries.values()].map((e) => e.lastActive()));
    const wait = Number.isFinite(oldest) ? oldest + this.#idleMs - this.#now() : 60_000;
    const retry = Math.max(1, Math.ceil(wait / 1000));
    const response = jsonRpcError(
      503,
      -32005,
      `Too many MCP sessions: ${who} holds the most it may (${
        who === "the server" ? this.#caps.total : this.#caps.perCredential
      }). End sessions you no longer use (DELETE /mcp), or retry in ${retry} s.`,
    );
    response.headers.set("retry-after", String(retry));
    return response;
  }
}
