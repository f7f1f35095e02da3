/**
 * The Claude Code edit hook: a PreToolUse entry in its settings that runs
 * `team-table lease check --hook` before every edit, so an agent is stopped before it edits a
 * file another agent leased. User scope: ~/.claude/settings.json; project scope: the project's
 * .claude/settings.local.json (one person's agent name, so not the shared settings file).
 */
import { join } from "node:path";
import type { Scope } from "./client_entry.ts";
import { isObject, type JsonObject, readJsonObject, writeJsonObject } from "./json_object.ts";
import type { ClientContext, Step } from "./mcp_client.ts";

/** The tools whose input names the file they edit. */
export const EDIT_MATCHER = "Edit|Write|MultiEdit|NotebookEdit";

/** Marks our hook among the user's others: its command runs `lease check --hook`. */
const _OURS = /lease check --hook/;

export function settingsFile(ctx: ClientContext, scope: Scope): string {
  return scope === "user"
    ? join(ctx.home, ".claude", "settings.json")
    : join(ctx.project, ".claude", "settings.local.json");
}

/** The step that makes the settings' PreToolUse hooks run `command` (replacing ours). */
export function editHookStep(ctx: ClientContext, scope: Scope, command: string): Step {
  const file = settingsFile(ctx, scope);
  return {
    client: "claude-code",
    lines: [`${file}: PreToolUse hook (${EDIT_MATCHER}) → ${command}`],
    async run() {
      const settings = (await readJsonObject(file)) ?? {};
      settings["hooks"] = withEditHook(settings["hooks"], command);
      await writeJsonObject(file, settings);
    },
  };
}

/** `hooks` with our PreToolUse entry set to `command` and every other hook kept. */
export function withEditHook(hooks: unknown, command: string): JsonObject {
  const all: JsonObject = isObject(hooks) ? { ...hooks } : {};
  const pre = Array.isArray(all["PreToolUse"]) ? all["PreToolUse"] : [];
  const others = pre.filter((group) => !_isOurs(group));
  all["PreToolUse"] = [
    ...others,
    { matcher: EDIT_MATCHER, hooks: [{ type: "command", command }] },
  ];
  return all;
}

/** The command of our hook in these settings, if there is one. */
export function editHookCommand(settings: JsonObject | null): string | undefined {
  const hooks = settings?.["hooks"];
  const pre = isObject(hooks) && Array.isArray(hooks["PreToolUse"]) ? hooks["PreToolUse"] : [];
  for (const group of pre) {
    const inner = isObject(group) && Array.isArray(group["hooks"]) ? group["hooks"] : [];
    for (const hook of inner) {
      if (isObject(hook) && typeof hook["command"] === "string" && _OURS.test(hook["command"])) {
        return hook["command"];
      }
    }
  }
  return undefined;
}

function _isOurs(group: unknown): boolean {
  return editHookCommand({ hooks: { PreToolUse: [group] } }) !== undefined;
}
