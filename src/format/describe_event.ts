/** One readable line for an outbox event: what `team-table poll` prints and a session push shows. */
import type { TableEventPayloads, TableEventType } from "../core/event_outbox.ts";
import { payloadField } from "./payload_field.ts";

function _oneLine(text: unknown, max = 200): string {
  const flat = String(text ?? "").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Reads a field of a stored payload: its name is checked against the event's type, its value is
 * not (an event written by an older version may lack it).
 */
type _Read<K extends TableEventType> = (field: keyof TableEventPayloads[K] & string) => unknown;

/** How each event type reads; a new event type must say it here. */
const _DESCRIBE: { [K in TableEventType]: (read: _Read<K>) => string } = {
  message: (read) => `message ${_from(read("message"))}: ${_content(read("message"))}`,
  broadcast: (read) => `broadcast ${_from(read("message"))}: ${_content(read("message"))}`,
  task_created: (read) => {
    const task = read("task");
    const assignee = payloadField(task, "assignee");
    return `${_taskRef(task)} created by ${_by(read)}: "${
      _oneLine(payloadField(task, "title"), 120)
    }" [${String(payloadField(task, "priority"))}]${
      assignee ? ` assigned to ${String(assignee)}` : ""
    }`;
  },
  task_claimed: (read) =>
    read("review")
      ? `${_taskRef(read("task"))} review claimed by ${_by(read)}`
      : `${_taskRef(read("task"))} claimed by ${_by(read)}`,
  task_reassigned: (read) =>
    `${_taskRef(read("task"))} reassigned by ${_by(read)}: ${String(read("from") ?? "nobody")} → ${
      String(read("to"))
    }`,
  task_comment: (read) => {
    const comment = read("comment");
    return `${_taskRef(read("task"))} [${String(payloadField(comment, "type"))}] ${_by(read)}: ${
      _oneLine(payloadField(comment, "content"))
    }`;
  },
  message_acknowledged: (read) => {
    const note = read("note");
    return `message #${String(read("message_id"))} acknowledged by ${String(read("agent"))}${
      typeof note === "string" && note ? `: ${_oneLine(note)}` : ""
    }`;
  },
  task_unblocked: (read) =>
    `${_taskRef(read("task"))} unblocked: its last blocker #${String(read("blocker"))} is done`,
  task_available: (read) =>
    `${_taskRef(read("task"))} is free to take (${String(read("why"))}): "${
      _oneLine(payloadField(read("task"), "title"), 120)
    }"`,
  context_updated: (read) =>
    `context ${String(read("ns"))}/${String(read("key"))} ${
      read("deleted") ? "deleted" : `v${String(read("version"))} written`
    } by ${String(read("set_by"))}`,
  review_requested: (read) =>
    `${_taskRef(read("task"))} review requested by ${_by(read)}: "${
      _oneLine(payloadField(read("task"), "title"), 120)
    }"`,
  task_updated: (read) =>
    `${_taskRef(read("task"))} updated by ${_by(read)}: ${String(read("from"))} → ${
      String(read("to"))
    }`,
  lease_granted: (read) => `lease_granted: ${_oneLine(read("summary"))}`,
  lease_refused: (read) => `lease_refused: ${_oneLine(read("summary"))}`,
  lease_released: (read) => `lease_released: ${_oneLine(read("summary"))}`,
  lease_freed: (read) => `lease_freed: ${_oneLine(read("summary"))}`,
};

export function describeEvent(
  event: { type: TableEventType; payload: Record<string, unknown> },
): string {
  const read = (field: string) => event.payload[field];
  return _DESCRIBE[event.type](read);
}

function _by(read: (field: "by") => unknown): string {
  return String(read("by") ?? "?");
}

function _taskRef(task: unknown): string {
  return `task #${String(payloadField(task, "id"))}`;
}

/** "#12 from bob [subject] (please acknowledge)". */
function _from(message: unknown): string {
  const subject = payloadField(message, "subject");
  return `#${String(payloadField(message, "id"))} from ${String(payloadField(message, "sender"))}${
    typeof subject === "string" ? ` [${_oneLine(subject, 120)}]` : ""
  }${payloadField(message, "ack_required") === true ? " (please acknowledge)" : ""}`;
}

function _content(message: unknown): string {
  return _oneLine(payloadField(message, "content"));
}
