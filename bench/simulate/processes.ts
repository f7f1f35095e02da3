/**
 * The real processes of a simulated team: `team-table serve`, the CLI (members), and the
 * command line of a stdio server, all from this checkout with the binary's permissions.
 */
import { PERMISSION_FLAGS } from "../../scripts/permissions.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
export const OPERATOR_TOKEN = "simulate-operator-token-0123456789";

/** `deno run … main.ts ARGS` with the permissions the binary gets. */
export function teamTableArgs(args: string[] = []): string[] {
  return ["run", "--quiet", ...PERMISSION_FLAGS, MAIN, ...args];
}

/** Runs a CLI command on `db` to completion; throws with its output when it fails. */
export async function cli(db: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: teamTableArgs(args),
    env: { TEAM_TABLE_DB: db },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`team-table ${args.join(" ")}: ${text}`);
  return text;
}

/** `members add NAME --role ROLE` (or `members grant NAME lead`): the credential it printed. */
export async function addMember(db: string, name: string, role: string): Promise<string> {
  const args = role === "lead" ? ["members", "grant", name, role] : [
    "members",
    "add",
    name,
    "--role",
    role,
  ];
  const out = await cli(db, args);
  const credential = out.match(/credential: (ttk_\S+)/)?.[1];
  if (credential === undefined) throw new Error(`no credential for ${name}: ${out}`);
  return credential;
}

export interface Serve {
  url: string;
  stop(): Promise<void>;
}

/** Starts `serve` on a free loopback port with the operator token; resolves once listening. */
export async function startServe(db: string): Promise<Serve> {
  const child = new Deno.Command(Deno.execPath(), {
    args: teamTableArgs(["serve", "--port", "0"]),
    env: { TEAM_TABLE_DB: db, TEAM_TABLE_TOKEN: OPERATOR_TOKEN },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  for (;;) {
    const { done, value } = await lines.read();
    if (done) throw new Error(`serve did not start:\n${text}`);
    text += value;
    const url = text.match(/listening on (http:\/\/\S+)/)?.[1];
    if (url === undefined) continue;
    clearTimeout(timer);
    // Keep reading stderr so the pipe never fills.
    const drained = (async () => {
      while (!(await lines.read()).done) { /* discard */ }
    })();
    return {
      url,
      stop: async () => {
        child.kill("SIGTERM");
        await child.status;
        await drained;
      },
    };
  }
}
