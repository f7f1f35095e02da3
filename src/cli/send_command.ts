/**
 * `team-table send TO TEXT` and `team-table broadcast TEXT`: a human writes to an agent, or to
 * everyone, as `human:OPERATOR` (audited, pushed, in the recipients' inboxes).
 */
import { checkAgentName } from "../core/input_rules/agent_names.ts";
import { checkContent } from "../core/input_rules/text_rules.ts";
import type { ParsedArgs } from "./parse_args.ts";
import { wholeNumber, withTable, words } from "./table_command.ts";

/** Sends one direct message. */
export function sendCommand(parsed: ParsedArgs): Promise<number> {
  const [to = "", text = ""] = words(parsed, 0, 2, "send TO TEXT [--task ID]");
  const recipient = checkAgentName(to, "TO");
  const content = checkContent(text, "TEXT");
  const taskId = parsed.taskId === undefined ? undefined : wholeNumber(parsed.taskId, "--task");
  return withTable(parsed, { mustExist: true }, ({ table, human }) => {
    const message = table.messages.send({ by: human, recipient, content, taskId });
    console.log(`message #${message.id} sent to ${message.recipient} as ${message.sender}`);
    return 0;
  });
}

/** Sends one message to every member. */
export function broadcastCommand(parsed: ParsedArgs): Promise<number> {
  const [text = ""] = words(parsed, 0, 1, "broadcast TEXT [--task ID]");
  const content = checkContent(text, "TEXT");
  const taskId = parsed.taskId === undefined ? undefined : wholeNumber(parsed.taskId, "--task");
  return withTable(parsed, { mustExist: true }, ({ table, human }) => {
    const { message, recipients } = table.messages.broadcast({ by: human, content, taskId });
    console.log(`message #${message.id} sent to ${recipients} members as ${message.sender}`);
    return 0;
  });
}
