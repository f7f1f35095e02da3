/**
 * What the table may ask about processes on the machine it runs on: a name held by a stdio
 * process here whose pid no longer exists is free at once. The runtime gives the real one
 * (src/runtime/local_processes.ts); without it no process is ever taken for gone.
 */
export interface LocalProcesses {
  /** This machine (and process namespace): only a holder recorded with the same host is checked. */
  readonly host: string;
  /** False only when the process surely does not exist; any doubt (another user's) is true. */
  alive(pid: number): boolean;
}
