/**
 * `team-table send TO TEXT` and `team-table broadcast TEXT`: a human writes to an agent, or to
 * everyone, as `human:OPERATOR` (audited, pushed, in the recipients' inboxes).
 */
import { checkAgentName } from "../core/input_rules/agent_names.ts";
import { checkContent } from "../core/input_rules/text_rules.ts";
import { defineCommand, type FlagSpecs } from "./command_spec.ts";
import { OPERATOR_FLAG } from "./shared_flags.ts";
import { wholeNumber, withTable } from "./table_command.ts";

const _TASK_FLAG = {
  taskId: {
    type: "string",
    name: "task",
    value: "ID",
    help: "the task the message is about (it shows in the task's feed)",
  },
} as const satisfies FlagSpecs;

/** Sends one direct message. */
export const sendCommand = defineCommand({
  name: "send",
  summary: "a message to an agent, as human:OPERATOR",
  flags: { ..._TASK_FLAG, ...OPERATOR_FLAG },
  words: ["TO", "TEXT"],
  run: ({ flags, words }) => {
    const recipient = checkAgentName(words.TO, "TO");
    const content = checkContent(words.TEXT, "TEXT");
    const taskId = flags.taskId === undefined ? undefined : wholeNumber(flags.taskId, "--task");
    return withTable(flags, { mustExist: true }, ({ table, human }) => {
      const message = table.messages.send({ by: human, recipient, content, taskId });
      console.log(`message #${message.id} sent to ${message.recipient} as ${message.sender}`);
      return 0;
    });
  },
});

/** Sends one message to every member. */
export const broadcastCommand = defineCommand({
  name: "broadcast",
  summary: "a message to everyone, as human:OPERATOR",
  flags: { ..._TASK_FLAG, ...OPERATOR_FLAG },
  words: ["TEXT"],
  run: ({ flags, words }) => {
    const content = checkContent(words.TEXT, "TEXT");
    const taskId = flags.taskId === undefined ? undefined : wholeNumber(flags.taskId, "--task");
    return withTable(flags, { mustExist: true }, ({ table, human }) => {
      const { message, recipients } = table.messages.broadcast({ by: human, content, taskId });
      console.log(`message #${message.id} sent to ${recipients} members as ${message.sender}`);
      return 0;
    });
  },
});
