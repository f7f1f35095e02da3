/** A long text in a list, cut with a pointer to the call that has it all. */
import { formatCount } from "../../core/input_rules/wording.ts";

/** `text`, or its first `max` characters and `… [cut: N characters; <pointer>]`. */
export function cutText(text: string, max: number, pointer: string): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [cut: ${formatCount(text.length)} characters; ${pointer}]`;
}
