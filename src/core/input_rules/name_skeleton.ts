/**
 * The skeleton of an agent's name: what it looks like to a reader, so that a new name cannot
 * pass for an existing member's (`aIice`, `a1ice`, `al ice` beside `alice`). A small map for
 * the ASCII names agents may have (agent_names.ts): case is ignored (names compare so), which
 * makes capital I a lowercase i, so i, l, 1 and | all read as l; 0 and o read as o; space, '_',
 * '.' and '-' are dropped; then rn reads as m and vv as w.
 */

const _AS: Readonly<Record<string, string>> = { i: "l", "1": "l", "|": "l", "0": "o" };

/** What `name` looks like; two names with one skeleton can be taken for each other. */
export function nameSkeleton(name: string): string {
  let out = "";
  for (const char of name.toLowerCase()) {
    if (char === " " || char === "_" || char === "." || char === "-") continue;
    out += _AS[char] ?? char;
  }
  return out.replaceAll("rn", "m").replaceAll("vv", "w");
}

/** How the skeleton is made, for error messages. */
export const SKELETON_RULE = "case, I/i/l/1, 0/O, rn/m, vv/w, and spaces, '_', '.' and '-' " +
  "set aside";
