/** What the agents of one run share: the ledger, the clock of the run and its pace. */
import type { Ledger } from "./ledger.ts";

export interface Team {
  ledger: Ledger;
  coders: string[];
  /** The lead has seen the board done, or the run's deadline passed: agents stop. */
  over: boolean;
  deadline: number;
  /** How long an idle agent waits for a push before it looks again. */
  idleMs: number;
  /** A coder's "work" on a task: between these. */
  workMs: [number, number];
}
