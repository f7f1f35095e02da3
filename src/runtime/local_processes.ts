/**
 * Whether a process on this machine exists, for names held by stdio processes that died
 * (`kill -9`, a crash): signal 0 checks without sending anything. Only "no such process"
 * (ESRCH) counts as gone: a process of another user (EPERM), a missing permission or anything
 * else counts as alive, so a live holder is never taken for gone. The host names this machine
 * and, on Linux, its process namespace (containers sharing a database file and a host name
 * have their own pids).
 */
import process from "node:process";
import type { LocalProcesses } from "../core/members/local_processes.ts";

let _host: string | undefined;

/** This machine's processes; undefined when the host cannot be named (no pid is then checked). */
export function localProcesses(): LocalProcesses | undefined {
  _host ??= _hostKey();
  if (_host === "") return undefined;
  return { host: _host, alive: processExists };
}

/** False only when no process has this pid. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code !== "ESRCH";
  }
}

function _hostKey(): string {
  let name: string;
  try {
    name = Deno.hostname();
  } catch {
    return "";
  }
  try {
    return `${name} ${Deno.readLinkSync("/proc/self/ns/pid")}`;
  } catch {
    return name;
  }
}
