/**
 * One MCP client as `setup` sees it: how to tell it is installed for this user, the entries
 * its configuration holds, and the change that writes an entry (through its own CLI where it
 * has one, else in its config file).
 */
import type { EntrySpec, FoundEntry, Scope } from "./client_entry.ts";

export interface ClientContext {
  home: string;
  /** The project folder project-scoped entries go to (the current folder, or --project). */
  project: string;
}

/** A change setup will make: the lines that show it (secrets masked), and doing it. */
export interface Step {
  client: string;
  lines: string[];
  run(): Promise<void>;
}

export interface McpClient {
  id: string;
  label: string;
  /** Whether an HTTP entry reads its bearer token from a variable rather than a header. */
  tokenFromEnv: boolean;
  /** How the client was found for this user, or null when it is not installed. */
  detect(ctx: ClientContext): Promise<string | null>;
  /** Every MCP server entry in its user and project configuration. */
  entries(ctx: ClientContext): Promise<FoundEntry[]>;
  /** The change that makes entry `name` in `scope` be `spec`; a string: why it cannot. */
  plan(
    ctx: ClientContext,
    entry: { name: string; scope: Scope; spec: EntrySpec },
    existing: readonly FoundEntry[],
  ): Step | string;
  /** The command (or edit) that removes `entry`. */
  removal(entry: FoundEntry): string;
}
