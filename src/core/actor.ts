/**
 * Who acts on the table. An agent acts as itself (a member's name); a rule as `rule:NAME`; a
 * human (the operator, from the web view or the CLI) as `human:NAME`; the table itself (its
 * maintenance) as the system. Every command takes one of these; permissions decide from it.
 */
export type Actor =
  | { readonly kind: "agent"; readonly name: string }
  | {
    readonly kind: "rule";
    readonly name: string;
    /**
     * Whom a runtime rule acts for: the label of who created it (a member's name, or
     * `human:NAME`); its actions have that one's powers. Absent for shipped and file rules,
     * which act with the operator's.
     */
    readonly owner?: string | undefined;
  }
  | { readonly kind: "human"; readonly name: string }
  | { readonly kind: "system" };

/** How a rule's and a human's labels begin; no member name may (input_rules/agent_names.ts). */
export const RULE_PREFIX = "rule:";
export const HUMAN_PREFIX = "human:";

export type AgentActor = Extract<Actor, { kind: "agent" }>;

/** An agent acting under its member name. */
export function agentActor(name: string): AgentActor {
  return { kind: "agent", name };
}

/** A workflow rule acting on an event, for its `owner` (a runtime rule's creator) if any. */
export function ruleActor(name: string, owner?: string): Actor {
  return owner === undefined ? { kind: "rule", name } : { kind: "rule", name, owner };
}

/** A human operator (web view, CLI). */
export function humanActor(name: string): Actor {
  return { kind: "human", name };
}

/** How the table itself signs what it does (messages it sends); no member may be called so. */
export const TABLE_LABEL = "team-table";

/** The table itself (maintenance, refused requests). */
export const SYSTEM_ACTOR: Actor = { kind: "system" };

/**
 * How the actor is written in the audit log, task feeds and message senders: the agent's
 * name, `rule:NAME`, `human:NAME`, or null for the system.
 */
export function actorLabel(actor: Actor): string | null {
  switch (actor.kind) {
    case "agent":
      return actor.name;
    case "rule":
      return `${RULE_PREFIX}${actor.name}`;
    case "human":
      return `${HUMAN_PREFIX}${actor.name}`;
    case "system":
      return null;
  }
}
