/**
 * A parsed YAML file that remembers where everything came from, so that problems found later
 * (by zod, or by our own checks) can be reported as `file:line: message`.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument } from "yaml";

export interface YamlSource {
  /** The document as plain data (unknown until a schema says otherwise). */
  value: unknown;
  /** `label:line` for the node at `path` (line 1 when it does not exist). */
  at(path: readonly PropertyKey[]): string;
  /** `label:line` for the key `key` of the map at `path`. */
  atKey(path: readonly PropertyKey[], key: string): string;
  /** True when something exists at `path`. */
  has(path: readonly PropertyKey[]): boolean;
}

/**
 * Parses `text`, named `label` in messages. A syntax error throws `invalid(problems)`: the
 * caller's own file error, each problem a `label:line: message`.
 */
export function parseYamlSource(
  text: string,
  options: { label: string; invalid: (problems: string[]) => Error },
): YamlSource {
  const label = options.label;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const line = (offset: number | undefined) =>
    `${label}:${offset === undefined ? 1 : lines.linePos(offset).line}`;
  if (doc.errors.length > 0) {
    throw options.invalid(
      doc.errors.map((e) => `${line(e.pos[0])}: ${e.message.split("\n")[0] ?? e.message}`),
    );
  }
  const node = (path: readonly PropertyKey[]) => doc.getIn(path.map(_segment), true);
  return {
    value: doc.toJS() ?? {},
    at: (path) => line(_offset(node(path))),
    atKey: (path, key) => {
      const map = path.length ? node(path) : doc.contents;
      if (isMap(map)) {
        for (const item of map.items) {
          if (isPair(item) && isScalar(item.key) && item.key.value === key) {
            return line(_offset(item.key));
          }
        }
      }
      return line(_offset(map));
    },
    has: (path) => node(path) !== undefined,
  };
}

function _segment(key: PropertyKey): string | number {
  return typeof key === "number" ? key : String(key);
}

function _offset(node: unknown): number | undefined {
  if (typeof node !== "object" || node === null || !("range" in node)) return undefined;
  const range = node.range;
  return Array.isArray(range) && typeof range[0] === "number" ? range[0] : undefined;
}
