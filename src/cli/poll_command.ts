/** `team-table poll AGENT`: an agent's new messages and events, for clients without push. */
import { readEnv, resolvePollConfig } from "../config.ts";
import { loadTableDeps } from "../runtime/open_table.ts";
import { defineCommand } from "./command_spec.ts";
import { runPoll } from "./poll/run_poll.ts";

/** Resolves the poll config and watches (or, with --once, looks once). */
export const pollCommand = defineCommand({
  name: "poll",
  summary: "print an agent's new messages and events (for clients without push)",
  flags: {
    interval: {
      type: "string",
      value: "SECONDS",
      help: "how often to look (default 30; fractions allowed)",
    },
    once: { type: "boolean", help: "print what is new since the last poll, then exit" },
    json: { type: "boolean", help: "one JSON object per line instead of text" },
    exec: {
      type: "string",
      value: "COMMAND",
      help: "run COMMAND (via sh -c) for each event; the event JSON is on its stdin and in " +
        "TEAM_TABLE_EVENT (also TEAM_TABLE_EVENT_ID, TEAM_TABLE_EVENT_TYPE)",
    },
    autoReply: {
      type: "boolean",
      help: "acknowledge direct messages automatically; a question or decision is escalated " +
        "(ESCALATE line) and ends auto-replies for the run",
    },
    maxReplies: {
      type: "string",
      value: "N",
      help: "cap on automatic replies per run (default 13)",
    },
  },
  words: ["AGENT"],
  run: async ({ flags, words }) => {
    const config = resolvePollConfig({ ...flags, agent: words.AGENT }, readEnv());
    return runPoll(config, await loadTableDeps(config));
  },
});
