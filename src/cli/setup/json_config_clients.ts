/**
 * Clients without an MCP command line, configured in their JSON files: Cursor
 * (~/.cursor/mcp.json, .cursor/mcp.json), VS Code (its user folder's mcp.json,
 * .vscode/mcp.json; "servers" with a "type") and Gemini CLI (~/.gemini/settings.json,
 * .gemini/settings.json; HTTP as "httpUrl"). Other keys in those files are kept as they are.
 */
import { join } from "node:path";
import type { EntrySpec, FoundEntry, Scope } from "./client_entry.ts";
import { describeSpec } from "./client_entry.ts";
import {
  isObject,
  type JsonObject,
  readJsonObject,
  stringMap,
  strings,
  writeJsonObject,
} from "./json_object.ts";
import type { ClientContext, McpClient } from "./mcp_client.ts";
import { versionOf } from "./run_program.ts";

interface _Format {
  id: string;
  label: string;
  /** A CLI that shows it is installed (it has none for MCP). */
  program: string;
  /** The folder that shows it was used by this user. */
  userFolder(home: string): string;
  file(ctx: ClientContext, scope: Scope): string;
  key: "mcpServers" | "servers";
  write(spec: EntrySpec): JsonObject;
  /** The address of an HTTP entry. */
  urlOf(entry: JsonObject): string | undefined;
}

const _vscodeUser = (home: string) =>
  Deno.build.os === "darwin"
    ? join(home, "Library", "Application Support", "Code", "User")
    : Deno.build.os === "windows"
    ? join(home, "AppData", "Roaming", "Code", "User")
    : join(home, ".config", "Code", "User");

const _FORMATS: _Format[] = [
  {
    id: "cursor",
    label: "Cursor",
    program: "cursor",
    userFolder: (home) => join(home, ".cursor"),
    file: (ctx, scope) => join(scope === "user" ? ctx.home : ctx.project, ".cursor", "mcp.json"),
    key: "mcpServers",
    write: (spec) =>
      spec.transport === "http"
        ? { url: spec.url, headers: spec.headers }
        : { command: spec.command, args: spec.args, env: spec.env },
    urlOf: (entry) => typeof entry["url"] === "string" ? entry["url"] : undefined,
  },
  {
    id: "vscode",
    label: "VS Code",
    program: "code",
    userFolder: _vscodeUser,
    file: (ctx, scope) =>
      scope === "user"
        ? join(_vscodeUser(ctx.home), "mcp.json")
        : join(ctx.project, ".vscode", "mcp.json"),
    key: "servers",
    write: (spec) =>
      spec.transport === "http"
        ? { type: "http", url: spec.url, headers: spec.headers }
        : { type: "stdio", command: spec.command, args: spec.args, env: spec.env },
    urlOf: (entry) => typeof entry["url"] === "string" ? entry["url"] : undefined,
  },
  {
    id: "gemini",
    label: "Gemini CLI",
    program: "gemini",
    userFolder: (home) => join(home, ".gemini"),
    file: (ctx, scope) =>
      join(scope === "user" ? ctx.home : ctx.project, ".gemini", "settings.json"),
    key: "mcpServers",
    write: (spec) =>
      spec.transport === "http"
        ? { httpUrl: spec.url, headers: spec.headers }
        : { command: spec.command, args: spec.args, env: spec.env },
    urlOf: (entry) =>
      typeof entry["httpUrl"] === "string"
        ? entry["httpUrl"]
        : typeof entry["url"] === "string"
        ? entry["url"]
        : undefined,
  },
];

function _client(format: _Format): McpClient {
  return {
    id: format.id,
    label: format.label,
    tokenFromEnv: false,
    async detect(ctx) {
      const folder = format.userFolder(ctx.home);
      if (await Deno.stat(folder).then((i) => i.isDirectory, () => false)) return folder;
      const version = await versionOf(format.program, ctx.project);
      return version === null ? null : `${format.program} ${version}`;
    },
    async entries(ctx) {
      const found: FoundEntry[] = [];
      for (const scope of ["user", "project"] as const) {
        const file = format.file(ctx, scope);
        const servers = (await readJsonObject(file))?.[format.key];
        if (!isObject(servers)) continue;
        for (const [name, value] of Object.entries(servers)) {
          if (!isObject(value)) continue;
          const url = format.urlOf(value);
          const spec: EntrySpec = url !== undefined
            ? { transport: "http", url, headers: stringMap(value["headers"]) }
            : {
              transport: "stdio",
              command: typeof value["command"] === "string" ? value["command"] : "",
              args: strings(value["args"]),
              env: stringMap(value["env"]),
            };
          found.push({ name, scope, where: file, spec });
        }
      }
      return found;
    },
    plan(ctx, entry) {
      const file = format.file(ctx, entry.scope);
      return {
        client: format.id,
        lines: [`${file}: "${format.key}"."${entry.name}" = ${describeSpec(entry.spec)}`],
        async run() {
          const config = (await readJsonObject(file)) ?? {};
          const servers = isObject(config[format.key]) ? config[format.key] as JsonObject : {};
          servers[entry.name] = format.write(entry.spec);
          config[format.key] = servers;
          await writeJsonObject(file, config);
        },
      };
    },
    removal(entry) {
      return `delete "${entry.name}" from "${format.key}" in ${entry.where}`;
    },
  };
}

export const JSON_CONFIG_CLIENTS: readonly McpClient[] = _FORMATS.map(_client);
