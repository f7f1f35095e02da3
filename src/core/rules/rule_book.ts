/**
 * The rules in force: the file rules this process was started with (shipped defaults and the
 * user's file), plus rules created at run time (kept in the database, so every process sees
 * them), with `enabled` switches for file rules kept in the database too. Changing rules needs
 * the manage_rules privilege.
 */
import type { AuditLog } from "../audit_log.ts";
import type { Clock } from "../clock.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import type { MemberStore } from "../members.ts";
import { int, text, textOrNull } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import type { Transactor } from "../../db/transaction.ts";
import {
  type CompiledRule,
  compileRule,
  type RuleDefinition,
  RuleDefinitionError,
  ruleDefinitionSchema,
} from "./rule_definition.ts";

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
  readonly #audit: AuditLog;
  readonly #fileRules: Map<string, CompiledRule>;
  readonly #compiled = new Map<string, CompiledRule>();
  #cache: { signature: string; rules: CompiledRule[] } | undefined;
  #members: MemberStore | undefined;

  constructor(
    deps: { tx: Transactor; sql: Statements; clock: Clock; audit: AuditLog },
    fileRules: readonly CompiledRule[],
  ) {
    this.#tx = deps.tx;
    this.#sql = deps.sql;
    this.#clock = deps.clock;
    this.#audit = deps.audit;
    this.#fileRules = new Map(fileRules.map((rule) => [rule.name, rule]));
  }

  /** Late binding: the member store is built after the rule book. */
  attach(members: MemberStore): void {
    this.#members = members;
  }

  /** Every rule, enabled or not, by name. Cached until the rules table changes. */
  all(): CompiledRule[] {
    const row = this.#sql.get(
      `SELECT count(*) AS n, coalesce(max(updated_at), 0) AS at, coalesce(sum(enabled), 0) AS on_,
         coalesce(sum(length(definition)), 0) AS size FROM rules`,
    ).get();
    const signature = `${row?.["n"]}:${row?.["at"]}:${row?.["on_"]}:${row?.["size"]}`;
    if (this.#cache?.signature === signature) return this.#cache.rules;
    const rules = this.#load();
    this.#cache = { signature, rules };
    return rules;
  }

  #load(): CompiledRule[] {
    const rows = this.#sql.get("SELECT * FROM rules").all();
    const overrides = new Map<string, boolean>();
    const runtime: CompiledRule[] = [];
    for (const row of rows) {
      const name = text(row, "name");
      const enabled = int(row, "enabled") === 1;
      const definition = textOrNull(row, "definition");
      if (definition === null) {
        overrides.set(name, enabled);
        continue;
      }
      const key = `${name}\u0000${definition}`;
      let rule = this.#compiled.get(key);
      if (!rule) {
        rule = compileRule(ruleDefinitionSchema.parse(JSON.parse(definition)), "runtime");
        this.#compiled.set(key, rule);
      }
      runtime.push({ ...rule, enabled });
    }
    const files = [...this.#fileRules.values()]
      .filter((rule) => !runtime.some((r) => r.name === rule.name))
      .map((rule) => ({ ...rule, enabled: overrides.get(rule.name) ?? rule.enabled }));
    return [...files, ...runtime].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The enabled rules. */
  active(): CompiledRule[] {
    return this.all().filter((rule) => rule.enabled);
  }

  list(): RuleView[] {
    return this.all().map(ruleView);
  }

  create(definition: RuleDefinition, by: string): RuleView {
    return this.#tx.run(() => {
      this.#members?.requirePrivilege(by, "manage_rules", "create rules");
      const rule = _compile(definition);
      if (this.#fileRules.has(rule.name) || this.#runtimeRow(rule.name)) {
        throw new ConflictError(
          `name: a rule named '${rule.name}' exists already; update_rule changes it, or pick ` +
            `another name.`,
        );
      }
      this.#sql.get(
        "INSERT INTO rules (name, definition, enabled, created_by, updated_at) VALUES (?, ?, ?, ?, ?)",
      ).run(rule.name, JSON.stringify(definition), rule.enabled ? 1 : 0, by, this.#clock.now());
      this.#audit.record({
        agent: by,
        action: "rule.created",
        target: rule.name,
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
    by: string,
  ): RuleView {
    return this.#tx.run(() => {
      this.#members?.requirePrivilege(by, "manage_rules", "change rules");
      const row = this.#runtimeRow(name);
      const file = this.#fileRules.get(name);
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
        ).run(name, patch.enabled === false ? 0 : 1, by, now);
      } else {
        const current: unknown = JSON.parse(text(row, "definition"));
        const merged = ruleDefinitionSchema.parse({
          ...(typeof current === "object" && current !== null ? current : {}),
          ...patch,
          name,
        });
        _compile(merged);
        this.#sql.get("UPDATE rules SET definition = ?, enabled = ?, updated_at = ? WHERE name = ?")
          .run(JSON.stringify(merged), merged.enabled ? 1 : 0, now, name);
      }
      this.#audit.record({ agent: by, action: "rule.updated", target: name, details: { patch } });
      return this.#view(name);
    });
  }

  delete(name: string, by: string): void {
    this.#tx.run(() => {
      this.#members?.requirePrivilege(by, "manage_rules", "delete rules");
      const row = this.#runtimeRow(name);
      if (!row || textOrNull(row, "definition") === null) {
        const file = this.#fileRules.get(name);
        if (file) {
          throw new ValidationError(
            `'${name}' is defined in ${file.source} and cannot be deleted at run time; disable ` +
              `it with update_rule(enabled=false).`,
          );
        }
        throw this.#unknown(name);
      }
      this.#sql.get("DELETE FROM rules WHERE name = ?").run(name);
      this.#audit.record({ agent: by, action: "rule.deleted", target: name });
    });
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
