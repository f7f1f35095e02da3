/**
 * GET /events/{agent}: the push stream of one registered, active agent. Sends `connected` at
 * once, replays what the client missed when it sends Last-Event-ID (header, or
 * `?last_event_id=` for clients that cannot set headers), then live events as they happen. A
 * replay is the newest LIMITS.eventReplayMax missed events that fit in
 * LIMITS.eventReplayBytesMax bytes of frames, read by index in one bounded step; a `resync`
 * frame before them says how many older ones were left out. The stream lasts as long
 * as the credential that opened it: once `holds` says it no longer does, the next event or
 * heartbeat ends it with a `closed` frame instead (SSENotificationBackend).
 */
import { NotFoundError } from "../core/errors.ts";
import { LIMITS } from "../core/limits.ts";
import type { Table } from "../core/table.ts";
import { toPushEvent } from "../notify/outbox_relay.ts";
import type { SSENotificationBackend } from "../notify/sse_notification_backend.ts";
import { mayReadEvents } from "../core/permissions/permissions.ts";
import { type Caller, callerActor } from "./caller.ts";
import { jsonError } from "./responses.ts";

export function openEventStream(
  deps: { table: Table; backend: SSENotificationBackend; operator?: string | undefined },
  input: { agent: string; caller: Caller; holds?: () => boolean },
  req: Request,
  url: URL,
): Response {
  let name: string;
  try {
    name = decodeURIComponent(input.agent);
  } catch {
    return jsonError(
      400,
      "bad_agent_name",
      "The agent name in the path is not valid URL encoding.",
    );
  }
  if (!mayReadEvents(callerActor(input.caller, deps.operator), name)) {
    return jsonError(
      403,
      "forbidden",
      `This credential may not read the events of '${name}': an agent token reads only its own ` +
        `agent's stream, the operator token any.`,
    );
  }
  let member;
  try {
    member = deps.table.members.require(name, "agent");
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return jsonError(403, "not_registered", `${error.message} Call register before subscribing.`);
  }
  if (member.status !== "active") {
    return jsonError(
      403,
      "inactive",
      `'${member.name}' is not at the table (it left, or has not joined yet); it must register ` +
        `before its events can be followed.`,
    );
  }
  const resumeFrom = req.headers.get("last-event-id") ?? url.searchParams.get("last_event_id");
  if (resumeFrom !== null && !/^\d+$/.test(resumeFrom.trim())) {
    return jsonError(
      400,
      "bad_last_event_id",
      "Last-Event-ID must be an event id (a whole number).",
    );
  }
  const start = resumeFrom === null ? deps.table.events.latestId() : Number(resumeFrom.trim());
  const connection = deps.backend.open(member.name, start, input.holds);
  const replay = deps.table.events.replayFor(
    member.name,
    start,
    LIMITS.eventReplayMax,
    undefined,
    LIMITS.eventReplayBytesMax,
  );
  if (replay.skipped > 0) {
    connection.push({
      type: "resync",
      data: {
        skipped: replay.skipped,
        skipped_more: replay.skippedMore,
        note: `${replay.skipped}${replay.skippedMore ? "+" : ""} older events are not replayed ` +
          `(a resume replays at most the newest ${LIMITS.eventReplayMax} events, and at most ` +
          `${LIMITS.eventReplayBytesMax / (1024 * 1024)} MB of them); read your inbox and ` +
          "tasks to catch up.",
      },
    });
  }
  for (const event of replay.events) {
    if (!connection.push(toPushEvent(event))) break;
  }
  return new Response(connection.stream, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
