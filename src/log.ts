/**
 * The one logger. Everything goes to stderr: in stdio mode stdout carries JSON-RPC and a stray
 * byte there breaks the client.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const _ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const _encoder = new TextEncoder();

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Creates a logger that writes `team-table <level>: message` lines to stderr. */
export function createLogger(level: LogLevel = "info"): Logger {
  const threshold = _ORDER[level];
  function write(at: LogLevel, message: string): void {
    if (_ORDER[at] < threshold) return;
    Deno.stderr.writeSync(_encoder.encode(`team-table ${at}: ${message}\n`));
  }
  return {
    debug: (m) => write("debug", m),
    info: (m) => write("info", m),
    warn: (m) => write("warn", m),
    error: (m) => write("error", m),
  };
}
