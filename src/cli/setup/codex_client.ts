/**
 * Codex: written and read with its own CLI (`codex mcp add|remove|list --json`), which keeps
 * entries per user in ~/.codex/config.toml. Its CLI takes an HTTP bearer token only from an
 * environment variable, so an HTTP entry reads it from TEAM_TABLE_AGENT_KEY in the
 * environment Codex starts in.
 */
import { join } from "node:path";
import { ConfigError } from "../../config.ts";
import { type EntrySpec, type FoundEntry, KEY_VAR, masked } from "./client_entry.ts";
import { isObject, stringMap, strings } from "./json_object.ts";
import type { McpClient } from "./mcp_client.ts";
import { mustRun, runProgram, shellLine, versionOf } from "./run_program.ts";

export const codex: McpClient = {
  id: "codex",
  label: "Codex",
  tokenFromEnv: true,
  async detect(ctx) {
    const version = await versionOf("codex", ctx.project);
    return version === null ? null : version;
  },
  async entries(ctx) {
    const out = await runProgram("codex", ["mcp", "list", "--json"], ctx.project);
    if (out === null) return [];
    if (out.code !== 0) throw new ConfigError(`codex mcp list failed: ${out.stderr.trim()}`);
    let list: unknown;
    try {
      list = JSON.parse(out.stdout);
    } catch {
      throw new ConfigError(`codex mcp list --json printed no JSON: ${out.stdout.slice(0, 200)}`);
    }
    const where = join(ctx.home, ".codex", "config.toml");
    return (Array.isArray(list) ? list : []).flatMap((item): FoundEntry[] => {
      if (!isObject(item) || typeof item["name"] !== "string") return [];
      const t = item["transport"];
      if (!isObject(t)) return [];
      const spec: EntrySpec = typeof t["url"] === "string"
        ? {
          transport: "http",
          url: t["url"],
          headers: stringMap(t["http_headers"]),
          ...(typeof t["bearer_token_env_var"] === "string"
            ? { tokenEnvVar: t["bearer_token_env_var"] }
            : {}),
        }
        : {
          transport: "stdio",
          command: typeof t["command"] === "string" ? t["command"] : "",
          args: strings(t["args"]),
          env: stringMap(t["env"]),
        };
      return [{ name: item["name"], scope: "user", where, spec }];
    });
  },
  plan(ctx, entry, existing) {
    if (entry.scope === "project") {
      return "Codex keeps MCP servers per user (~/.codex/config.toml): use --scope user";
    }
    const commands: string[][] = [];
    if (existing.some((e) => e.name === entry.name)) commands.push(["mcp", "remove", entry.name]);
    const spec = entry.spec;
    commands.push(
      spec.transport === "http"
        ? ["mcp", "add", entry.name, "--url", spec.url, "--bearer-token-env-var", KEY_VAR]
        : [
          "mcp",
          "add",
          entry.name,
          ...Object.entries(spec.env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
          "--",
          spec.command,
          ...spec.args,
        ],
    );
    const shown = commands.map((args) =>
      shellLine([
        "codex",
        ...args.map((a) =>
          a.startsWith(`${KEY_VAR}=`) ? `${KEY_VAR}=${masked(a.slice(KEY_VAR.length + 1))}` : a
        ),
      ])
    );
    const note = spec.transport === "http"
      ? [`  (Codex reads the token from $${KEY_VAR}: export it where Codex starts)`]
      : [];
    return {
      client: "codex",
      lines: [...shown, ...note],
      async run() {
        for (const args of commands) await mustRun("codex", args, ctx.project);
      },
    };
  },
  removal(entry) {
    return `codex mcp remove ${shellLine([entry.name])}`;
  },
};
