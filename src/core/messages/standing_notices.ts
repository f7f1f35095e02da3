/**
 * A broadcast that asks for acknowledgement is a standing notice: a member who joins while it
 * stands (LIMITS.standingNoticeMs after it was sent, unless retracted) receives it and owes the
 * acknowledgement like those who were there. Members at the table when it was sent got it then.
 */
import { LIMITS } from "../limits.ts";
import type { Statements } from "../../db/statements.ts";

/** Delivers the standing notices sent before `agent` joined; returns how many. */
export function deliverStandingNotices(sql: Statements, agent: string, now: number): number {
  return Number(
    sql.get(
      `INSERT OR IGNORE INTO deliveries (agent, message_id, ack_requested_at)
       SELECT mem.name, m.id, :now FROM members mem
         JOIN messages m ON m.recipient IS NULL AND m.ack_required = 1
           AND m.archived_at IS NULL AND m.created_at > :since
           AND m.created_at <= mem.registered_at AND m.sender <> mem.name
       WHERE mem.name = :agent`,
    ).run({ agent, now, since: now - LIMITS.standingNoticeMs }).changes,
  );
}
