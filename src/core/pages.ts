/**
 * Pages of a list: a page size checked against the list's limits (LIMITS.pages), and a cursor
 * that holds the sort key of the last item returned, so the next page starts right after it:
 * rows added or removed between two calls never make an item appear twice or go missing.
 */
import { ValidationError } from "./errors.ts";
import { checkPageSize } from "./input_rules/numbers.ts";

/** How many items a page has when none is asked for, and at most. */
export interface PageLimits {
  readonly default: number;
  readonly max: number;
}

/** What a caller asks of a page: its size, and where it starts (an earlier next_cursor). */
export interface PageRequest {
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** One page and, when there is more, where the next one starts. */
export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

/** A sort key: the values a list is ordered by, of its last item. */
export type CursorKey = readonly (string | number)[];

/** The page size: `limit` (an integer from 1 to `limits.max`), or the list's default. */
export function pageSize(limit: number | undefined, limits: PageLimits): number {
  return limit === undefined ? limits.default : checkPageSize(limit, limits.max);
}

/** `rows` fetched with `size + 1` as their LIMIT, as a page: the extra row says there is more. */
export function pageOf<T>(rows: T[], size: number, keyOf: (item: T) => CursorKey): Page<T> {
  if (rows.length <= size) return { items: rows };
  const items = rows.slice(0, size);
  return { items, next_cursor: cursorOf(keyOf(items[size - 1]!)) };
}

/**
 * The sort key a cursor holds, checked against `shape` (the type of each value); a cursor
 * that is not one `list` gave is refused naming it (and the parameter, `field`, with the
 * result field it comes from, `from`).
 */
export function cursorKey(
  cursor: string,
  shape: readonly ("string" | "number")[],
  list: string,
  field: { name: string; from: string } = { name: "cursor", from: "next_cursor" },
): (string | number)[] {
  const key = _decode(cursor);
  if (
    !Array.isArray(key) || key.length !== shape.length ||
    key.some((value, i) =>
      typeof value !== shape[i] || (typeof value === "number" && !Number.isSafeInteger(value))
    )
  ) {
    throw new ValidationError(
      `${field.name} '${cursor}' is not a ${field.from} from ${list}; omit it to start`,
    );
  }
  return key as (string | number)[];
}

/** The cursor that holds `key` (for a list that builds its cursor itself). */
export function cursorOf(key: CursorKey): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function _decode(cursor: string): unknown {
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}
