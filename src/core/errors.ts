/**
 * Domain errors. Each message is written for the agent that will read it: what was wrong, the
 * limit or allowed values, and what to do instead. One mapper (src/mcp/tool_result.ts) turns
 * them into MCP results; anything else is an internal error and is never shown in detail.
 */
export abstract class TableError extends Error {
  abstract readonly kind: "validation" | "not_found" | "forbidden" | "conflict" | "rate_limited";
}

/** The input is well-typed but breaks a rule (a date in the wrong format, an unknown name...). */
export class ValidationError extends TableError {
  readonly kind = "validation";
  override name = "ValidationError";
}

/** An id or name that does not exist. */
export class NotFoundError extends TableError {
  readonly kind = "not_found";
  override name = "NotFoundError";
}

/** The acting agent may not do this. */
export class ForbiddenError extends TableError {
  readonly kind = "forbidden";
  override name = "ForbiddenError";
}

/** The state changed under the caller (a task already claimed, ...). */
export class ConflictError extends TableError {
  readonly kind = "conflict";
  override name = "ConflictError";
}

/** Too many requests in a window; says when the caller may try again. */
export class RateLimitError extends TableError {
  readonly kind = "rate_limited";
  override name = "RateLimitError";
  constructor(message: string, readonly retryAt: number) {
    super(message);
  }
}
