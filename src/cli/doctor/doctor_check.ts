/**
 * One finding of `team-table doctor`: ok, a problem (each with the command that fixes it), a
 * note (worth knowing, nothing wrong), or not checked (and why), with the facts it found as
 * named fields for --json.
 */

export type CheckStatus = "ok" | "problem" | "note" | "skipped";

/** Something wrong, and the command that puts it right. */
export interface Problem {
  problem: string;
  fix: string;
}

export interface CheckResult {
  status: CheckStatus;
  /** One line for the terminal. */
  summary: string;
  problems: Problem[];
  /** What was found, as named fields (bytes, modes, names...). */
  details: Record<string, unknown>;
}

export function passed(summary: string, details: Record<string, unknown> = {}): CheckResult {
  return { status: "ok", summary, problems: [], details };
}

export function failed(
  summary: string,
  problems: Problem[],
  details: Record<string, unknown> = {},
): CheckResult {
  return { status: problems.length > 0 ? "problem" : "ok", summary, problems, details };
}

export function skipped(why: string): CheckResult {
  return { status: "skipped", summary: why, problems: [], details: {} };
}

/** Nothing is wrong, but it is worth saying (a table not created yet). */
export function noted(summary: string, details: Record<string, unknown> = {}): CheckResult {
  return { status: "note", summary, problems: [], details };
}
