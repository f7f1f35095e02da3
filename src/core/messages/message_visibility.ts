/**
 * The message visibility rule (permissions.ts `messageReaderFor`) as one SQL condition, so a
 * thread and a task's feed filter messages alike: an agent sees what it sent or received.
 */
import type { MessageReader } from "../permissions/permissions.ts";

/**
 * The condition that message `alias` is visible to the reader bound by `readerParams`
 * (named parameters :reader_every and :reader).
 */
export function visibleMessageSql(alias: string): string {
  return `(:reader_every = 1 OR ${alias}.sender = :reader OR ${receivedSql(alias, ":reader")})`;
}

/**
 * The condition that the agent `agent` (an SQL expression) received message `alias`: it has a
 * delivery of it, or it is a broadcast sent after the agent became a member by another (a
 * broadcast's deliveries are written when each member next changes its inbox).
 */
export function receivedSql(alias: string, agent: string): string {
  return `(EXISTS (SELECT 1 FROM deliveries v WHERE v.message_id = ${alias}.id AND v.agent = ${agent})
    OR (${alias}.recipient IS NULL AND ${alias}.sender <> ${agent} COLLATE NOCASE
        AND ${alias}.id > (SELECT joined_after FROM members WHERE name = ${agent})))`;
}

/** The named parameters `visibleMessageSql` reads. */
export function readerParams(
  reader: MessageReader,
): { reader_every: number; reader: string | null } {
  return {
    reader_every: reader.kind === "every" ? 1 : 0,
    reader: reader.kind === "agent" ? reader.name : null,
  };
}
