import { LIMITS } from "../core/limits.ts";

/**
 * The core words its errors for agents ("Call list_members ..."). On the command line the same
 * advice names the command to run instead.
 */
const _CLI_ADVICE: readonly [RegExp, string][] = [
  [
    /Call list_members with include_inactive=true to see who is registered\./,
    "Run 'team-table members list' to see who is registered.",
  ],
  [/Call list_tasks\./, "Run 'team-table task list'."],
  [/Call list_context to see the keys\./, "Run 'team-table context list' to see the keys."],
  [/reopen it with update_task/, "reopen it with 'team-table task update ID --status pending'"],
  [/ Call (context_history|get_messages)\./, ""],
  // members grant NAME ROLE / members add NAME --role ROLE with an unknown role.
  [/ \(list_roles describes them\)\./, ". Run 'team-table roles list' to see what each does."],
  // task close / update of a task that waits for blockers or has open subtasks.
  [
    /Finish those first, or remove them with update_task remove_blocked_by\./,
    "Finish those first ('team-table task close ID' on each).",
  ],
  [/ \(list_tasks parent_id=\d+\)/, ""],
  [
    /Work on its subtasks \(next_task offers them\), or move them under another task with update_task parent_id\./,
    "Close its subtasks ('team-table task close ID' on each).",
  ],
  // lease release ID: the id is what was wrong, not a tool's `ids` parameter.
  [
    /^ids: no live lease with id (\d+); list_leases shows the live ones$/,
    `lease $1 is unknown: no lease has this id (an ended one is remembered for ` +
    `${LIMITS.leaseEndedKeepS / 86_400} days). Run 'team-table lease list' to see the live ones.`,
  ],
  [
    /^ids: lease (\d+) (\(.*?\)) ended at (\S+): (.*)\. A lease id is never reused; list_leases shows the live ones$/s,
    "lease $1 $2 has already ended, at $3: $4. Run 'team-table lease list' to see the live ones.",
  ],
];

/** A core error message with its tool advice replaced by the matching command. */
export function cliWording(message: string): string {
  return _CLI_ADVICE.reduce((text, [pattern, advice]) => text.replace(pattern, advice), message);
}
