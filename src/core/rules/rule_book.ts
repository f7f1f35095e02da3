/**
 * Changing the rules at run time: create, update (a file rule: only `enabled`) and delete.
 * Every change needs the manage_rules privilege and is published like any other change. The
 * rules in force are read from the RuleSet.
 */
import type { Actor } from "../actor.ts";
import type { Publisher } from "../changes/publisher.ts";
import type { Clock } from "../clock.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { cursorKey, type Page, pageOf, type PageRequest, pageSize } from "../pages.ts";
import { mayUsePrivilege } from "../permissions/permissions.ts";
import type { Principal, Principals } from "../permissions/principal.ts";
import { enforce } from "../permissions/refusal.ts";
import type { RoleCatalog } from "../role_catalog.ts";
import { text, textOrNull } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import type { Transactor } from "../../db/transaction.ts";
import {
  type CompiledRule,
  compileRule,
  type RuleDefinition,
  RuleDefinitionError,
  ruleDefinitionSchema,
} from "./rule_definition.ts";
import type { RuleSet } from "./rule_set.ts";

export interface RuleView {
  name: string;
  description: string | null;
  on: string;
  if: string | null;
  then: unknown[];
  enabled: boolean;
  source: string;
}

export class RuleBook {
  readonly #tx: Transactor;
  readonly #sql: Statements;
  readonly #clock: Clock;
  readonly #roles: RoleCatalog;
  readonly #principals: Principals;
  readonly #publisher: Publisher;
  readonly #rules: RuleSet;

  constructor(deps: {
    tx: Transactor;
    sql: Statements;
    clock: Clock;
    roles: RoleCatalog;
    principals: Principals;
    publisher: Publisher;
    rules: RuleSet;
  }) {
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#roles = deps.roles;
    this.#principals = deps.principals;
    this.#publisher = deps.publisher;
    this.#rules = deps.rules;
  }

  /** Every rule, enabled or not, by name. */
  all(): CompiledRule[] {
    return this.#rules.all();
  }

  /** The enabled rules. */
  active(): CompiledRule[] {
    return this.#rules.active();
  }

  list(): RuleView[] {
    return this.all().map(ruleView);
  }

  /** A page of the rules by name: `limit` (LIMITS.pages.rules), after `cursor`. */
  page(page: PageRequest = {}): Page<RuleView> {
    const size = pageSize(page.limit, LIMITS.pages.rules);
    const after = page.cursor === undefined
      ? ""
      : String(cursorKey(page.cursor, ["string"], "list_rules")[0]);
    const rows = this.list().filter((rule) => rule.name > after)
      .sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0).slice(0, size + 1);
    return pageOf(rows, size, (rule) => [rule.name]);
  }

  create(definition: RuleDefinition, by: Actor): RuleView {
    return this.#tx.run(() => {
      const who = this.#manager(by, "create rules");
      const rule = _compile(definition);
      if (this.#rules.fileRule(rule.name) || this.#runtimeRow(rule.name)) {
        throw new ConflictError(
          `name: a rule named '${rule.name}' exists already; update_rule changes it, or pick ` +
            `another name.`,
        );
      }
      this.#sql.get(
        "INSERT INTO rules (name, definition, enabled, created_by, updated_at) VALUES (?, ?, ?, ?, ?)",
      ).run(
        rule.name,
        JSON.stringify(definition),
        rule.enabled ? 1 : 0,
        who.label,
        this.#clock.now(),
      );
      this.#publisher.publish({
        type: "rule.created",
        by: who.actor,
        name: rule.name,
        details: { definition },
      });
      return this.#view(rule.name);
    });
  }

  /**
   * Changes a rule: any field of a runtime rule; only `enabled` of a file rule (its file is
   * its definition).
   */
  update(
    name: string,
    patch: Partial<Omit<RuleDefinition, "name">>,
    by: Actor,
  ): RuleView {
    return this.#tx.run(() => {
      const who = this.#manager(by, "change rules");
      const row = this.#runtimeRow(name);
      const file = this.#rules.fileRule(name);
      if (!row && !file) throw this.#unknown(name);
      const now = this.#clock.now();
      if (!row || textOrNull(row, "definition") === null) {
        const other = Object.keys(patch).filter((key) => key !== "enabled");
        if (other.length) {
          throw new ValidationError(
            `'${name}' is defined in ${file?.source}; only 'enabled' can be changed at run time ` +
              `(not ${other.join(", ")}). Edit the rule file, or create a new rule.`,
          );
        }
        this.#sql.get(
          `INSERT INTO rules (name, definition, enabled, created_by, updated_at)
           VALUES (?, NULL, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled,
             updated_at = excluded.updated_at`,
        ).run(name, patch.enabled === false ? 0 : 1, who.label, now);
      } else {
        const current: unknown = JSON.parse(text(row, "definition"));
        const merged = ruleDefinitionSchema().parse({
          ...(typeof current === "object" && current !== null ? current : {}),
          ...patch,
          name,
        });
        _compile(merged);
        this.#sql.get("UPDATE rules SET definition = ?, enabled = ?, updated_at = ? WHERE name = ?")
          .run(JSON.stringify(merged), merged.enabled ? 1 : 0, now, name);
      }
      this.#publisher.publish({ type: "rule.updated", by: who.actor, name, details: { patch } });
      return this.#view(name);
    });
  }

  delete(name: string, by: Actor): void {
    this.#tx.run(() => {
      const who = this.#manager(by, "delete rules");
      const row = this.#runtimeRow(name);
      if (!row || textOrNull(row, "definition") === null) {
        const file = this.#rules.fileRule(name);
        if (file) {
          throw new ValidationError(
            `'${name}' is defined in ${file.source} and cannot be deleted at run time; disable ` +
              `it with update_rule(enabled=false).`,
          );
        }
        throw this.#unknown(name);
      }
      this.#sql.get("DELETE FROM rules WHERE name = ?").run(name);
      this.#publisher.publish({ type: "rule.deleted", by: who.actor, name, details: {} });
    });
  }

  /** The actor, if it may manage rules (manage_rules). */
  #manager(by: Actor, what: string): Principal {
    const who = this.#principals.resolve(by);
    enforce(mayUsePrivilege(who, "manage_rules"), { who, what }, this.#roles);
    return who;
  }

  #view(name: string): RuleView {
    const rule = this.all().find((r) => r.name === name);
    if (!rule) throw this.#unknown(name);
    return ruleView(rule);
  }

  #runtimeRow(name: string): Record<string, unknown> | undefined {
    return this.#sql.get("SELECT * FROM rules WHERE name = ?").get(name);
  }

  #unknown(name: string): NotFoundError {
    const names = this.all().map((r) => r.name);
    return new NotFoundError(
      `name: there is no rule '${name}'. Rules: ${names.join(", ") || "none"}.`,
    );
  }
}

export function ruleView(rule: CompiledRule): RuleView {
  return {
    name: rule.name,
    description: rule.description ?? null,
    on: rule.on,
    if: rule.if ?? null,
    then: rule.then,
    enabled: rule.enabled,
    source: rule.source,
  };
}

function _compile(definition: RuleDefinition): CompiledRule {
  try {
    return compileRule(definition, "runtime");
  } catch (error) {
    if (error instanceof RuleDefinitionError) {
      throw new ValidationError(`${error.field}: ${error.message}`);
    }
    throw error;
  }
}
