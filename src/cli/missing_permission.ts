/**
 * Deno's "Requires net access to ..., run again with the --allow-net flag" is advice for
 * `deno run`. A team-table started from a checkout with too few permissions gets one line
 * instead: which permission, for which command, and how to get a `team-table` that has them.
 */
const _KINDS: Record<string, string> = {
  net: "network",
  env: "environment",
  read: "read",
  write: "write",
  run: "run",
  sys: "system information",
  ffi: "ffi",
  import: "import",
};

/** How to get a team-table with every permission it needs, from a checkout. */
export const INSTALL_HINT =
  "from a checkout, run 'deno task install' (a team-table command with the permissions it " +
  "needs) or 'deno task start|serve|poll'";

/**
 * The one-line message for a missing Deno permission (NotCapable or PermissionDenied naming an
 * --allow flag, directly or inside another error's message), or undefined for other errors.
 */
export function missingPermission(error: unknown, command: string): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const flag = error.message.match(/run again with the --allow-(\w+) flag/)?.[1];
  const capability = error instanceof Deno.errors.NotCapable ||
    error instanceof Deno.errors.PermissionDenied || flag !== undefined;
  if (!capability || flag === undefined) return undefined;
  const what = error.message.match(/Requires \w+ access to ("[^"]*")/)?.[1];
  const to = what === undefined ? "" : ` to ${what}`;
  const where = command === "stdio" ? "the stdio server" : command;
  return `needs ${_KINDS[flag] ?? flag} permission (--allow-${flag})${to} for ${where}; ` +
    INSTALL_HINT;
}
