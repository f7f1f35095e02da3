/**
 * A list tool's page: `limit` and `cursor` in, `next_cursor` out, built from the list's limits
 * (LIMITS.pages); the core checks them again and reads the cursor.
 */
import { z } from "zod";
import { LIMITS } from "../../core/limits.ts";
import type { Page, PageLimits } from "../../core/pages.ts";
import { limitField, textField } from "../fields.ts";

/** The page parameters of a list whose limits are `limits`. */
export function pageInput(limits: PageLimits) {
  return {
    limit: limitField("limit", limits.max).optional().describe(`Default ${limits.default}`),
    cursor: textField("cursor", 1, LIMITS.cursorMax).optional(),
  };
}

/** The output field that says there is more. */
export const nextCursorOutput = {
  next_cursor: z.string().optional().describe("More: pass it as cursor"),
};

/** A page as a tool returns it: its items under `name`, their count, and next_cursor if any. */
export function pageResult<K extends string, T>(name: K, page: Page<T>) {
  return {
    [name]: page.items,
    count: page.items.length,
    ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
  } as { [P in K]: T[] } & { count: number; next_cursor?: string };
}
