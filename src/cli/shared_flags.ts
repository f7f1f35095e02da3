/** Flags several commands take, written once. */
import type { FlagSpecs } from "./command_spec.ts";

/** The name a human acts under (serve's web view, send, broadcast, task, context, lease). */
export const OPERATOR_FLAG = {
  operator: {
    type: "string",
    value: "NAME",
    help: "the name humans act under, shown as human:NAME (env TEAM_TABLE_OPERATOR; default " +
      "human)",
  },
} as const satisfies FlagSpecs;
