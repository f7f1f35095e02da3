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
  return `(:reader_every = 1 OR ${alias}.sender = :reader OR EXISTS (SELECT 1 FROM deliveries v
    WHERE v.message_id = ${alias}.id AND v.agent = :reader))`;
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
