/**
 * The rule condition language: a small, declarative expression over an event's fields, parsed
 * once when a rule is loaded or created and evaluated without eval.
 *
 *   condition := or
 *   or        := and ("or" and)*
 *   and       := term ("and" term)*
 *   term      := "(" condition ")" | "not" term | field op value
 *   op        := "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in"
 *   value     := word | number | duration (30s, 5m, 2h, 1d) | "quoted" | [value, ...]
 *
 * e.g. `task.status = blocked`, `task.priority in [high, medium]`, `agent.idle > 5m`.
 */
import { parseDuration } from "../input_rules/times.ts";

/** Durations are read by the one time parser (input_rules/times.ts). */
export { parseDuration };

export type Operator = "=" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in";
export type Literal = string | number;

export type Condition =
  | { kind: "compare"; field: string; op: Operator; value: Literal | Literal[] }
  | { kind: "and" | "or"; left: Condition; right: Condition }
  | { kind: "not"; operand: Condition };

export class ConditionError extends Error {
  override name = "ConditionError";
}

const _SYMBOLS: Record<string, Operator> = {
  "=": "=",
  "!=": "!=",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

type Token = { type: "word" | "string" | "op" | "punct"; text: string; at: number };

function _tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(" || c === ")" || c === "[" || c === "]" || c === ",") {
      tokens.push({ type: "punct", text: c, at: i++ });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === "!=" || two === "<=" || two === ">=" || two === "==") {
      tokens.push({ type: "op", text: two === "==" ? "=" : two, at: i });
      i += 2;
      continue;
    }
    if (c === "=" || c === "<" || c === ">") {
      tokens.push({ type: "op", text: c, at: i++ });
      continue;
    }
    if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new ConditionError(`unterminated quote at character ${i + 1}`);
      tokens.push({ type: "string", text: source.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const match = source.slice(i).match(/^[A-Za-z0-9_.:@\-*]+/);
    if (!match) throw new ConditionError(`unexpected '${c}' at character ${i + 1}`);
    tokens.push({ type: "word", text: match[0], at: i });
    i += match[0].length;
  }
  return tokens;
}

/** Parses a condition; throws ConditionError saying what is wrong and where. */
export function parseCondition(source: string): Condition {
  const tokens = _tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const describe = (t: Token | undefined) =>
    t ? `'${t.text}' at character ${t.at + 1}` : "the end of the condition";
  const expect = (text: string) => {
    const t = tokens[pos];
    if (!t || t.text !== text) {
      throw new ConditionError(`expected '${text}' but found ${describe(t)}`);
    }
    pos++;
  };
  const isWord = (t: Token | undefined, text: string) =>
    t?.type === "word" && t.text.toLowerCase() === text;

  function literal(): Literal {
    const t = tokens[pos];
    if (!t || (t.type !== "word" && t.type !== "string")) {
      throw new ConditionError(`expected a value but found ${describe(t)}`);
    }
    pos++;
    if (t.type === "string") return t.text;
    const duration = parseDuration(t.text);
    if (duration !== undefined) return duration;
    if (/^-?\d+(\.\d+)?$/.test(t.text)) return Number(t.text);
    return t.text;
  }

  function value(): Literal | Literal[] {
    if (peek()?.text !== "[") return literal();
    pos++;
    const list: Literal[] = [];
    if (peek()?.text === "]") {
      pos++;
      return list;
    }
    for (;;) {
      list.push(literal());
      if (peek()?.text === ",") {
        pos++;
        continue;
      }
      expect("]");
      return list;
    }
  }

  function term(): Condition {
    const t = peek();
    if (t?.text === "(") {
      pos++;
      const inner = or();
      expect(")");
      return inner;
    }
    if (isWord(t, "not")) {
      pos++;
      return { kind: "not", operand: term() };
    }
    if (!t || t.type !== "word" || !/^[a-z_]+(\.[a-z_]+)*$/.test(t.text)) {
      throw new ConditionError(`expected a field such as task.status but found ${describe(t)}`);
    }
    pos++;
    let op: Operator;
    const next = peek();
    const symbol = next?.type === "op" ? _SYMBOLS[next.text] : undefined;
    if (symbol) {
      op = symbol;
      pos++;
    } else if (isWord(next, "in")) {
      op = "in";
      pos++;
    } else if (isWord(next, "not") && isWord(tokens[pos + 1], "in")) {
      op = "not in";
      pos += 2;
    } else {
      throw new ConditionError(
        `expected an operator (=, !=, <, <=, >, >=, in, not in) after ${t.text} but found ${
          describe(next)
        }`,
      );
    }
    const v = value();
    if ((op === "in" || op === "not in") !== Array.isArray(v)) {
      throw new ConditionError(
        op === "in" || op === "not in"
          ? `'${op}' needs a list such as [high, medium]`
          : `a list can only follow 'in' or 'not in'`,
      );
    }
    if (["<", "<=", ">", ">="].includes(op) && typeof v !== "number") {
      throw new ConditionError(`'${op}' compares numbers or durations (5m), not '${String(v)}'`);
    }
    return { kind: "compare", field: t.text, op, value: v };
  }

  function and(): Condition {
    let left = term();
    while (isWord(peek(), "and")) {
      pos++;
      left = { kind: "and", left, right: term() };
    }
    return left;
  }

  function or(): Condition {
    let left = and();
    while (isWord(peek(), "or")) {
      pos++;
      left = { kind: "or", left, right: and() };
    }
    return left;
  }

  if (tokens.length === 0) throw new ConditionError("the condition is empty");
  const condition = or();
  if (pos < tokens.length) throw new ConditionError(`unexpected ${describe(tokens[pos])}`);
  return condition;
}

/** Every field a condition reads. */
export function conditionFields(condition: Condition): string[] {
  switch (condition.kind) {
    case "compare":
      return [condition.field];
    case "not":
      return conditionFields(condition.operand);
    default:
      return [...conditionFields(condition.left), ...conditionFields(condition.right)];
  }
}

/** Evaluates a condition against `fields` (dotted names to values). Missing fields are null. */
export function evaluateCondition(
  condition: Condition,
  fields: Readonly<Record<string, unknown>>,
): boolean {
  switch (condition.kind) {
    case "and":
      return evaluateCondition(condition.left, fields) &&
        evaluateCondition(condition.right, fields);
    case "or":
      return evaluateCondition(condition.left, fields) ||
        evaluateCondition(condition.right, fields);
    case "not":
      return !evaluateCondition(condition.operand, fields);
    case "compare": {
      const actual = fields[condition.field] ?? null;
      const v = condition.value;
      switch (condition.op) {
        case "=":
          return _same(actual, v);
        case "!=":
          return !_same(actual, v);
        case "in":
          return Array.isArray(v) && v.some((item) => _same(actual, item));
        case "not in":
          return Array.isArray(v) && !v.some((item) => _same(actual, item));
        default: {
          if (typeof actual !== "number" || typeof v !== "number") return false;
          if (condition.op === "<") return actual < v;
          if (condition.op === "<=") return actual <= v;
          if (condition.op === ">") return actual > v;
          return actual >= v;
        }
      }
    }
  }
}

function _same(actual: unknown, expected: unknown): boolean {
  if (actual === null || actual === undefined) return expected === "null" || expected === null;
  if (typeof actual === "string" && typeof expected === "string") {
    return actual.toLowerCase() === expected.toLowerCase();
  }
  if (typeof actual === "boolean") return String(actual) === String(expected);
  return actual === expected;
}
