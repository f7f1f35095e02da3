/**
 * Told of every tool call a session answers (serve's /metrics counts them): the tool, how it
 * ended, and how long it took. Calls the SDK refuses before the tool runs (bad arguments) are
 * not seen.
 */
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  ValidationError,
} from "../core/errors.ts";

export type ToolCallObserver = (tool: string, outcome: string, seconds: number) => void;

/** How a call ended: "ok", or the kind of error its result reports. */
export function toolCallOutcome(error: unknown): string {
  if (error === undefined) return "ok";
  if (error instanceof ValidationError) return "invalid";
  if (error instanceof NotFoundError) return "not_found";
  if (error instanceof ForbiddenError) return "forbidden";
  if (error instanceof ConflictError) return "conflict";
  if (error instanceof RateLimitError) return "rate_limited";
  return "error";
}
