/**
 * What is wrong with a role or rules file: every problem is one `file:line: message`. These
 * load without the YAML parser, so the command line can recognize them whatever it loaded.
 */
import { compareNames } from "../core/name_order.ts";

/** Role templates with problems. */
export class RoleFileError extends Error {
  override name = "RoleFileError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** A rules file with problems. */
export class RuleFileError extends Error {
  override name = "RuleFileError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

/** Sorts `file:line: message` problems by file, then line. */
export function byFileAndLine(a: string, b: string): number {
  const parse = (p: string) => {
    const match = p.match(/^(.*?):(\d+):/);
    return { file: match?.[1] ?? p, line: Number(match?.[2] ?? 0) };
  };
  const x = parse(a);
  const y = parse(b);
  return compareNames(x.file, y.file) || x.line - y.line;
}
