/**
 * The rules in force: the file rules this process was started with (shipped defaults and the
 * user's file), plus rules created at run time (kept in the database, so every process sees
 * them), with `enabled` switches for file rules kept in the database too. Read-only; the
 * RuleBook changes them.
 */
import { int, text, textOrNull } from "../rows.ts";
import type { Statements } from "../../db/statements.ts";
import { type CompiledRule, compileRule, ruleDefinitionSchema } from "./rule_definition.ts";
import { compareNames } from "../name_order.ts";

export class RuleSet {
  readonly #sql: Statements;
  readonly #fileRules: Map<string, CompiledRule>;
  readonly #compiled = new Map<string, CompiledRule>();
  #cache: { signature: string; rules: CompiledRule[] } | undefined;

  constructor(sql: Statements, fileRules: readonly CompiledRule[]) {
    this.#sql = sql;
    this.#fileRules = new Map(fileRules.map((rule) => [rule.name, rule]));
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
        rule = compileRule(ruleDefinitionSchema().parse(JSON.parse(definition)), "runtime");
        this.#compiled.set(key, rule);
      }
      runtime.push({ ...rule, enabled, owner: text(row, "created_by") });
    }
    const files = [...this.#fileRules.values()]
      .filter((rule) => !runtime.some((r) => r.name === rule.name))
      .map((rule) => ({ ...rule, enabled: overrides.get(rule.name) ?? rule.enabled }));
    return [...files, ...runtime].sort((a, b) => compareNames(a.name, b.name));
  }

  /** The enabled rules. */
  active(): CompiledRule[] {
    return this.all().filter((rule) => rule.enabled);
  }

  /** The rule of that name from a file, if there is one. */
  fileRule(name: string): CompiledRule | undefined {
    return this.#fileRules.get(name);
  }
}
