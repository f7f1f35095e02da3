/**
 * How many MCP sessions `serve` holds at once, over both HTTP transports (each costs about a
 * MiB): at most `perCredential` for one credential (callerKey) and `total` in all. A credential
 * at its cap that begins another session ends one of its own: first the least recently active
 * of those that never took a name (a client's health check — `claude mcp list` — opens a session
 * and never ends it), else its least recently active one (a client that restarts without ending
 * its session keeps working); a server at its total cap answers 503 with Retry-After (one
 * credential cannot end the sessions of another).
 *
 * The join token's sessions and those of the agent tokens it minted share `join` places, at most
 * `joinPerAddress` of them from one client address, so that credentials nobody vetted cannot fill
 * the server: the rest stays for the operator token and the agent tokens the operator issued.
 */
import type { Logger } from "../log.ts";
import { jsonRpcError } from "./responses.ts";

/** The caps; see the README ("Security") for the defaults. */
export interface SessionCaps {
  total: number;
  perCredential: number;
  /** Sessions of join-token credentials in all (default: half of `total`, rounded up). */
  join?: number | undefined;
  /** Sessions of join-token credentials from one address (default: `perCredential`). */
  joinPerAddress?: number | undefined;
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

/** Who holds a place: the credential (callerKey), and its address when the join token vouched. */
interface Holder {
  owner: string;
  /** The client address of a join-token credential's session; undefined for the others. */
  joinedFrom: string | undefined;
}

export class SessionQuota {
  readonly #caps: { [K in keyof SessionCaps]-?: number };
  readonly #entries = new Map<string, QuotaEntry & Holder>();
  /** Places held by sessions still being set up. */
  readonly #pending = new Set<Holder>();
  readonly #idleMs: number;
  readonly #now: () => number;
  readonly #logger: Logger;

  /** `idleMs`: when an idle session expires (Retry-After is counted from the oldest one). */
  constructor(
    caps: SessionCaps,
    options: { idleMs: number; logger: Logger; now: () => number },
  ) {
    this.#caps = {
      total: caps.total,
      perCredential: caps.perCredential,
      join: caps.join ?? Math.ceil(caps.total / 2),
      joinPerAddress: caps.joinPerAddress ?? caps.perCredential,
    };
    this.#idleMs = options.idleMs;
    this.#logger = options.logger;
    this.#now = options.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * A place for a new session of `owner`, ending one of its sessions when it is at its cap (one
   * that never took a name first, then the least recently active); or the 503 answer when the
   * server is full, or (`joinedFrom`: the address of a join-token credential) when the join
   * token's share, or that address's, is.
   */
  async admit(
    owner: string,
    joinedFrom?: string,
  ): Promise<{ slot: QuotaSlot } | { refused: Response }> {
    for (;;) {
      const own = [...this.#entries.values()].filter((e) => e.owner === owner);
      if (own.length + this.#pendingOf((h) => h.owner === owner) < this.#caps.perCredential) {
        break;
      }
      const oldest = own.sort((a, b) =>
        Number(a.bound()) - Number(b.bound()) || a.lastActive() - b.lastActive()
      )[0];
      if (!oldest) {
        return { refused: this.#full("this credential", this.#caps.perCredential) };
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
    if (this.#entries.size + this.#pending.size >= this.#caps.total) {
      return { refused: this.#full("the server", this.#caps.total) };
    }
    if (joinedFrom !== undefined) {
      const joined = (h: Holder) => h.joinedFrom !== undefined;
      if (this.#count(joined) >= this.#caps.join) {
        return {
          refused: this.#full(
            "the join token's credentials (its own and the agent tokens it made)",
            this.#caps.join,
            joined,
          ),
        };
      }
      const here = (h: Holder) => h.joinedFrom === joinedFrom;
      if (this.#count(here) >= this.#caps.joinPerAddress) {
        return {
          refused: this.#full(
            `the join token's credentials from ${joinedFrom}`,
            this.#caps.joinPerAddress,
            here,
          ),
        };
      }
    }
    const holder: Holder = { owner, joinedFrom };
    this.#pending.add(holder);
    const release = () => this.#pending.delete(holder);
    return {
      slot: {
        attach: (id, entry) => {
          release();
          this.#entries.set(id, { ...entry, ...holder });
        },
        release,
      },
    };
  }

  /** The session `id` ended. */
  release(id: string): void {
    this.#entries.delete(id);
  }

  #pendingOf(match: (holder: Holder) => boolean): number {
    let n = 0;
    for (const holder of this.#pending) if (match(holder)) n++;
    return n;
  }

  #count(match: (holder: Holder) => boolean): number {
    let n = this.#pendingOf(match);
    for (const entry of this.#entries.values()) if (match(entry)) n++;
    return n;
  }

  #full(who: string, most: number, among: (holder: Holder) => boolean = () => true): Response {
    // Every session ends by itself after idleMs unused: the oldest frees a place first.
    const oldest = Math.min(
      ...[...this.#entries.values()].filter(among).map((e) => e.lastActive()),
    );
    const wait = Number.isFinite(oldest) ? oldest + this.#idleMs - this.#now() : 60_000;
    const retry = Math.max(1, Math.ceil(wait / 1000));
    const response = jsonRpcError(
      503,
      -32005,
      `Too many MCP sessions: ${who} holds the most it may (${most}). End sessions you no ` +
        `longer use (DELETE /mcp), or retry in ${retry} s.`,
    );
    response.headers.set("retry-after", String(retry));
    return response;
  }
}
