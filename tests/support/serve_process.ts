/** Runs `team-table serve` as a real process on a free loopback port. */
import { teamTableCommand } from "./test_agent.ts";

export const TEST_TOKEN = "test-token-0123456789abcdef";

export interface ServeProcess {
  url: string;
  token: string;
  child: Deno.ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Sends SIGTERM and waits; returns the exit code. */
  stop(): Promise<number>;
}

export async function startServe(
  dbPath: string,
  options: { args?: string[]; env?: Record<string, string>; token?: string | null } = {},
): Promise<ServeProcess> {
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  const env: Record<string, string> = { TEAM_TABLE_DB: dbPath, ...options.env };
  if (token !== null) env["TEAM_TABLE_TOKEN"] = token;
  const { command, args } = teamTableCommand(["serve", "--port", "0", ...(options.args ?? [])]);
  const child = new Deno.Command(command, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const reader = child.stderr.getReader();
  const ready = Promise.withResolvers<string>();
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const match = text.match(/listening on (https?:\/\/[^\s]+)/);
      if (match?.[1]) ready.resolve(match[1]);
    }
    ready.reject(new Error(`serve exited before listening:\n${text}`));
  })();
  const stdoutDone = child.stdout.pipeTo(new WritableStream());
  const timeout = setTimeout(
    () => ready.reject(new Error(`serve did not start:\n${text}`)),
    20_000,
  );
  let url: string;
  try {
    url = await ready.promise;
  } catch (error) {
    child.kill("SIGKILL");
    await child.status;
    await pump;
    await stdoutDone;
    throw error;
  } finally {
    clearTimeout(timeout);
  }
  let stopped: Promise<number> | undefined;
  return {
    url,
    token: token ?? "",
    child,
    stderr: () => text,
    stop() {
      stopped ??= (async () => {
        try {
          child.kill("SIGTERM");
        } catch {
          // already gone
        }
        const status = await child.status;
        await pump;
        await stdoutDone;
        return status.code;
      })();
      return stopped;
    },
  };
}
