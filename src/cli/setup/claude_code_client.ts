/**
 * Claude Code: written with its own CLI (`claude mcp add|remove`), read from the files that CLI
 * writes: ~/.claude.json (user entries, and each project's private "local" ones) and the
 * project's shared .mcp.json. A project-scoped agent entry goes to Claude's local scope: it
 * names one person's agent (and may hold its credential), so it is not for the shared file.
 */
import { join } from "node:path";
import { type EntrySpec, type FoundEntry, KEY_VAR } from "./client_entry.ts";
import { isObject, readJsonObject, stringMap, strings } from "./json_object.ts";
import type { ClientContext, McpClient, Step } from "./mcp_client.ts";
import { mustRun, shellLine, versionOf } from "./run_program.ts";

export const claudeCode: McpClient = {
  id: "claude-code",
  label: "Claude Code",
  tokenFromEnv: false,
  async detect(ctx) {
    const version = await versionOf("claude", ctx.project);
    return version === null ? null : `claude ${version}`;
  },
  async entries(ctx) {
    const found: FoundEntry[] = [];
    const file = join(ctx.home, ".claude.json");
    const config = await readJsonObject(file);
    found.push(..._entries(config?.["mcpServers"], "user", file, "user"));
    const projects = config?.["projects"];
    if (isObject(projects)) {
      const real = await Deno.realPath(ctx.project).catch(() => ctx.project);
      const mine = projects[ctx.project] ?? projects[real];
      if (isObject(mine)) found.push(..._entries(mine["mcpServers"], "project", file, "local"));
    }
    const shared = join(ctx.project, ".mcp.json");
    found.push(
      ..._entries((await readJsonObject(shared))?.["mcpServers"], "project", shared, "project"),
    );
    return found;
  },
  plan(ctx, entry, existing) {
    const scope = entry.scope === "user" ? "user" : "local";
    const commands: string[][] = [];
    if (existing.some((e) => e.name === entry.name && e.nativeScope === scope)) {
      commands.push(["mcp", "remove", entry.name, "-s", scope]);
    }
    commands.push(["mcp", "add", "-s", scope, ..._addArgs(entry.name, entry.spec)]);
    const shown = commands.map((args) => shellLine(["claude", ..._maskArgs(args)]));
    return _step(ctx, commands, [
      ...shown,
      ...(scope === "local"
        ? [`  (in ${ctx.project}: Claude Code's local scope, yours only)`]
        : []),
    ]);
  },
  removal(entry) {
    const where = entry.nativeScope === "user" ? "" : ` (in the project folder)`;
    return `claude mcp remove ${shellLine([entry.name])} -s ${entry.nativeScope ?? "user"}${where}`;
  },
};

function _step(ctx: ClientContext, commands: string[][], lines: string[]): Step {
  return {
    client: "claude-code",
    lines,
    async run() {
      for (const args of commands) await mustRun("claude", args, ctx.project);
    },
  };
}

function _addArgs(name: string, spec: EntrySpec): string[] {
  if (spec.transport === "http") {
    const headers = Object.entries(spec.headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
    return ["--transport", "http", name, spec.url, ...headers];
  }
  const env = Object.entries(spec.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  return [name, ...env, "--", spec.command, ...spec.args];
}

/** Arguments with the credential masked (for showing a plan). */
function _maskArgs(args: string[]): string[] {
  return args.map((arg) =>
    arg.startsWith(`${KEY_VAR}=`)
      ? `${KEY_VAR}=${arg.slice(KEY_VAR.length + 1, KEY_VAR.length + 9)}…`
      : arg.replace(/^(Authorization: Bearer )(.{0,8}).*$/, "$1$2…")
  );
}

function _entries(
  servers: unknown,
  scope: "user" | "project",
  where: string,
  nativeScope: string,
): FoundEntry[] {
  if (!isObject(servers)) return [];
  return Object.entries(servers).flatMap(([name, value]) => {
    if (!isObject(value)) return [];
    const url = value["url"];
    const spec: EntrySpec = typeof url === "string"
      ? { transport: "http", url, headers: stringMap(value["headers"]) }
      : {
        transport: "stdio",
        command: typeof value["command"] === "string" ? value["command"] : "",
        args: strings(value["args"]),
        env: stringMap(value["env"]),
      };
    return [{ name, scope, where, spec, nativeScope }];
  });
}
