/**
 * Every command of the command line, one line each. A command's module loads only when it
 * runs (or for help), so the stdio server, which MCP clients start often, loads none of the
 * others. Adding a command: its file exporting a spec (`command_spec.ts`), and its line here.
 */
import type { Registry } from "./command_line.ts";
import { stdioCommand } from "./stdio_command.ts";

export const COMMANDS: Registry = {
  default: stdioCommand,
  commands: [
    { name: "serve", load: async () => (await import("./serve_command.ts")).serveCommand },
    { name: "poll", load: async () => (await import("./poll_command.ts")).pollCommand },
    { name: "status", load: async () => (await import("./status_command.ts")).statusCommand },
    { name: "doctor", load: async () => (await import("./doctor_command.ts")).doctorCommand },
    { name: "version", load: async () => (await import("./version_command.ts")).versionCommand },
  ],
};
