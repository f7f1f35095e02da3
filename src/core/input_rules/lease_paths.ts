/**
 * What a leased path may be: a file or glob relative to the repository root, POSIX (`/`
 * between folders), without `..`, not absolute, at most LIMITS.leasePathMax characters.
 * `./` and repeated slashes are dropped; a trailing `/` means everything under the folder
 * (`src/` is `src/**`).
 */
import { ValidationError } from "../errors.ts";
import { LIMITS } from "../limits.ts";
import { GLOB_SYNTAX, globProblem } from "../leases/glob.ts";
import { formatCount, tooLongMessage, tooManyMessage } from "./wording.ts";

/** What a lease path is, for error messages. */
export const LEASE_PATH_RULE = "a file or glob relative to the repository root, such as " +
  "src/**/*.ts or README.md";

/** The path in its one stored spelling, or a ValidationError naming `field`. */
export function checkLeasePath(path: string, field: string): string {
  if (!path.isWellFormed()) {
    // stored, a lone surrogate becomes U+FFFD, and two spellings of one path would be leased
    throw new ValidationError(
      `${field} '${path.toWellFormed()}' is not well-formed Unicode: it holds a lone ` +
        `surrogate (shown as U+FFFD); give the path as it is spelled on disk (${LEASE_PATH_RULE})`,
    );
  }
  const checked = _checkPath(path, field);
  const problem = globProblem(checked);
  if (problem !== null) {
    throw new ValidationError(`${field} '${path}' ${problem}; a glob may use ${GLOB_SYNTAX}`);
  }
  return checked;
}

/**
 * A file an edit touches, in the stored spelling (its name may hold any glob character). A lone
 * surrogate becomes U+FFFD, as in the name the file system is given, so the check is of that.
 */
export function checkFilePaths(files: readonly string[], field: string): string[] {
  return _checkList(files, field, (file, name) => _checkPath(file.toWellFormed(), name));
}

function _checkPath(path: string, field: string): string {
  if (path.trim() === "") {
    throw new ValidationError(`${field} must not be empty (${LEASE_PATH_RULE})`);
  }
  if (path.length > LIMITS.leasePathMax) {
    throw new ValidationError(tooLongMessage(field, path.length, LIMITS.leasePathMax));
  }
  const bad = (problem: string) =>
    new ValidationError(`${field} '${path}' ${problem} (${LEASE_PATH_RULE})`);
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) throw bad("contains a control character");
  if (path.includes("\\")) throw bad("contains a backslash; use / between folders");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) {
    throw bad("is absolute; give it relative to the repository root");
  }
  if (path.startsWith("!")) throw bad("is a negation; leases name what they cover");
  const segments = path.split("/");
  if (segments.includes("..")) throw bad("contains '..'; it must stay inside the repository");
  const kept = segments.filter((s) => s !== "" && s !== ".");
  if (kept.length === 0) throw bad("names no file");
  if (path.endsWith("/")) kept.push("**");
  // one spelling of each character (NFC), so that `cafe\u0301` and `café` are one file
  return kept.join("/").normalize("NFC");
}

/** A list of 1..LIMITS.leasePathsMax paths, each checked, duplicates dropped. */
export function checkLeasePaths(paths: readonly string[], field = "paths"): string[] {
  return _checkList(paths, field, checkLeasePath);
}

function _checkList(
  paths: readonly string[],
  field: string,
  check: (path: string, field: string) => string,
): string[] {
  if (paths.length === 0) {
    throw new ValidationError(
      `${field} must not be empty: give 1–${formatCount(LIMITS.leasePathsMax)} paths`,
    );
  }
  if (paths.length > LIMITS.leasePathsMax) {
    throw new ValidationError(tooManyMessage(field, paths.length, LIMITS.leasePathsMax));
  }
  return [...new Set(paths.map((p, i) => check(p, `${field}[${i}]`)))];
}
