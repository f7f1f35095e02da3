/**
 * Every command of the command line, one line each, in the order help shows them. A command's
 * module loads only when it runs (or for help), so the stdio server, which MCP clients start
 * often, loads none of the others. Adding a command: its file, exporting a spec made with
 * `defineCommand`, `defineGroup` or `defineOwnArgs` (command_spec.ts), and its line here.
 */
import type { Registry } from "./command_line.ts";
import { stdioCommand } from "./stdio_command.ts";

export const COMMANDS: Registry = {
  default: stdioCommand,
  commands: [
    { name: "serve", load: async () => (await import("./serve_command.ts")).serveCommand },
    { name: "poll", load: async () => (await import("./poll_command.ts")).pollCommand },
    { name: "roles", load: async () => (await import("./roles_command.ts")).rolesCommand },
    { name: "members", load: async () => (await import("./members_command.ts")).membersCommand },
    { name: "status", load: async () => (await import("./status_command.ts")).statusCommand },
    { name: "search", load: async () => (await import("./search_command.ts")).searchCommand },
    { name: "send", load: async () => (await import("./send_command.ts")).sendCommand },
    { name: "broadcast", load: async () => (await import("./send_command.ts")).broadcastCommand },
    { name: "task", load: async () => (await import("./task_command.ts")).taskCommand },
    { name: "context", load: async () => (await import("./context_command.ts")).contextCommand },
    { name: "lease", load: async () => (await import("./lease_command.ts")).leaseCommand },
    { name: "setup", load: async () => (await import("./setup/setup_command.ts")).setupCommand },
    { name: "web-link", load: async () => (await import("./web_link_command.ts")).webLinkCommand },
    { name: "doctor", load: async () => (await import("./doctor_command.ts")).doctorCommand },
    { name: "version", load: async () => (await import("./version_command.ts")).versionCommand },
  ],
};
