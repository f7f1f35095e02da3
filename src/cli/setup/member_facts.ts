/**
 * What the table says about an agent's credential, for checking an entry: whether the name has
 * one, and whose a given secret is. Read from the database when it exists.
 */
import type { Config } from "../../config.ts";
import { DatabaseOpenError } from "../../db/open_database.ts";
import { hashCredential } from "../../core/members/credentials.ts";
import { loadTableDeps, openTable } from "../../runtime/open_table.ts";

export interface MemberFacts {
  /** Whether `name` has a credential (undefined: not a member). */
  hasCredential(name: string): boolean | undefined;
  /** The member whose credential `secret` is, or undefined. */
  holderOf(secret: string): string | undefined;
}

/**
 * The facts of every member and the holders of `secrets` (the credentials the entries carry),
 * read at once; null when the database does not exist. `asIs`: not migrated (doctor).
 */
export async function readMemberFacts(
  config: Config,
  secrets: readonly string[],
  options: { asIs?: boolean } = {},
): Promise<MemberFacts | null> {
  let opened;
  try {
    const asIs = options.asIs === true;
    opened = openTable(config, await loadTableDeps(config), { mustExist: true, asIs });
  } catch (error) {
    if (error instanceof DatabaseOpenError) return null;
    throw error;
  }
  const { db, table } = opened;
  try {
    const members = table.members.list({ includeInactive: true });
    const credentialed = new Map(members.map((m) => [m.name, m.has_credential]));
    const holders = new Map(
      secrets.map((s) => [s, table.principals.byKeyHash(hashCredential(s))?.name]),
    );
    return {
      hasCredential: (name) => credentialed.get(name),
      holderOf: (secret) => holders.get(secret),
    };
  } finally {
    db.close();
  }
}
