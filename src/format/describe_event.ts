/** One readable line for an outbox event: what `team-table poll` prints and a session push shows. */
import { payloadField } from "./payload_field.ts";

function _oneLine(text: unknown, max = 200): string {
  const flat = String(text ?? "").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `type` is an outbox event type; anything else is shown as its type. */
export function describeEvent(event: { type: string; payload: Record<string, unknown> }): string {
  const message = event.payload["message"];
  const task = event.payload["task"];
  const by = String(event.payload["by"] ?? "?");
  const taskRef = `task #${String(payloadField(task, "id"))}`;
  const subject = payloadField(message, "subject");
  const from = `#${String(payloadField(message, "id"))} from ${
    String(payloadField(message, "sender"))
  }${typeof subject === "string" ? ` [${_oneLine(subject, 120)}]` : ""}${
    payloadField(message, "ack_required") === true ? " (please acknowledge)" : ""
  }`;
  switch (event.type) {
    case "message":
      return `message ${from}: ${_oneLine(payloadField(message, "content"))}`;
    case "broadcast":
      return `broadcast ${from}: ${_oneLine(payloadField(message, "content"))}`;
    case "task_created": {
      const assignee = payloadField(task, "assignee");
      return `${taskRef} created by ${by}: "${_oneLine(payloadField(task, "title"), 120)}" [${
        String(payloadField(task, "priority"))
      }]${assignee ? ` assigned to ${String(assignee)}` : ""}`;
    }
    case "task_claimed":
      return event.payload["review"]
        ? `${taskRef} review claimed by ${by}`
        : `${taskRef} claimed by ${by}`;
    case "task_reassigned":
      return `${taskRef} reassigned by ${by}: ${String(event.payload["from"] ?? "nobody")} → ${
        String(event.payload["to"])
      }`;
    case "task_comment": {
      const comment = event.payload["comment"];
      return `${taskRef} [${String(payloadField(comment, "type"))}] ${by}: ${
        _oneLine(payloadField(comment, "content"))
      }`;
    }
    case "message_acknowledged": {
      const note = event.payload["note"];
      return `message #${String(event.payload["message_id"])} acknowledged by ${
        String(event.payload["agent"])
      }${typeof note === "string" && note ? `: ${_oneLine(note)}` : ""}`;
    }
    case "task_unblocked":
      return `${taskRef} unblocked: its last blocker #${String(event.payload["blocker"])} is done`;
    case "context_updated":
      return `context ${String(event.payload["ns"])}/${String(event.payload["key"])} ${
        event.payload["deleted"] ? "deleted" : `v${String(event.payload["version"])} written`
      } by ${String(event.payload["set_by"])}`;
    case "review_requested":
      return `${taskRef} review requested by ${by}: "${
        _oneLine(payloadField(task, "title"), 120)
      }"`;
    case "task_updated":
      return `${taskRef} updated by ${by}: ${String(event.payload["from"])} → ${
        String(event.payload["to"])
      }`;
    case "lease_granted":
    case "lease_refused":
    case "lease_released":
    case "lease_freed":
      return `${event.type}: ${_oneLine(event.payload["summary"])}`;
    default:
      return event.type;
  }
}
