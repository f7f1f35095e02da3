/**
 * Who is calling over HTTP, from the credential the request carries. Three kinds, with
 * separate powers: the operator token (the web view, /api, any agent's events, and MCP as an
 * unbound session), an agent token (MCP bound to its agent, and its own events only), and an
 * optional join token (MCP that may register one new, unprivileged name). Comparisons are
 * constant-time; agent tokens are found by their hash.
 */
import { type Actor, agentActor, humanActor } from "../core/actor.ts";
import { hashCredential } from "../core/members/credentials.ts";
import type { Table } from "../core/table.ts";
import { tokensMatch } from "./access_token.ts";

export type Caller =
  | { readonly kind: "operator" }
  | { readonly kind: "join" }
  | {
    readonly kind: "agent";
    readonly name: string;
    readonly key: string;
    /** The join token minted this credential (false: the operator issued it). */
    readonly joined: boolean;
  };

export interface CallerTokens {
  /** The operator token; undefined: no tokens at all (--no-auth, loopback only). */
  operator: string | undefined;
  /** The join token, when serve accepts one. */
  join: string | undefined;
}

/**
 * The caller a credential stands for, or undefined when it stands for nobody. `hash`: the
 * credential's hash when the caller already has it (a check repeated on every event).
 */
export function identifyCaller(
  given: string | undefined,
  tokens: CallerTokens,
  table: Table,
  hash?: string,
): Caller | undefined {
  if (tokens.operator === undefined) return { kind: "operator" };
  if (given === undefined) return undefined;
  if (tokensMatch(given, tokens.operator)) return { kind: "operator" };
  if (tokens.join !== undefined && tokensMatch(given, tokens.join)) return { kind: "join" };
  const member = table.principals.byKeyHash(hash ?? hashCredential(given));
  return member
    ? { kind: "agent", name: member.name, key: given, joined: member.joined }
    : undefined;
}

/**
 * Whether the credential `given`, which identified `opened`, still does: the check a POST to a
 * legacy /sse session makes (identifyCaller, then the same caller as the one that began),
 * made again for something long-lived (an /events stream). False once an agent's credential
 * was replaced (`members token`), its member removed (a new holder of the name has another
 * credential), or the operator token changed. Cheap to repeat: the hash is taken once, and
 * each check is one indexed read.
 */
export function credentialCheck(
  opened: Caller,
  given: string | undefined,
  tokens: CallerTokens,
  table: Table,
): () => boolean {
  const hash = opened.kind === "agent" && given !== undefined ? hashCredential(given) : undefined;
  const key = callerKey(opened);
  return () => {
    const now = identifyCaller(given, tokens, table, hash);
    return now !== undefined && callerKey(now) === key;
  };
}

/**
 * Whether a caller's sessions count against the join token's share of the sessions: the join
 * token's own and those of the agent tokens it minted (session_quota.ts).
 */
export function joinedCaller(caller: Caller): boolean {
  return caller.kind === "join" || (caller.kind === "agent" && caller.joined);
}

/** One string per caller, to tell whether later requests come from the one that began. */
export function callerKey(caller: Caller): string {
  return caller.kind === "agent" ? `agent:${caller.name.toLowerCase()}` : caller.kind;
}

/** The actor a caller acts as where it is not an MCP session: null for a join token. */
export function callerActor(caller: Caller, operator = "human"): Actor | null {
  if (caller.kind === "operator") return humanActor(operator);
  if (caller.kind === "agent") return agentActor(caller.name);
  return null;
}
