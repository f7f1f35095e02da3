/**
 * The order names are listed in (roles, rules, role files): the order `localeCompare` gives
 * them, computed without it, so listing names does not load ICU (tens of milliseconds at the
 * first call, on the start path of every process).
 *
 * For the characters names are made of ([a-z0-9._-], see input_rules/) it is exactly the
 * locale's order: `_` then `-` then `.`, then digits, then letters, a prefix before what extends
 * it. Any other character comes after those, by code point.
 */

const _RANKED = "_-.0123456789abcdefghijklmnopqrstuvwxyz";
const _RANK = new Map([..._RANKED].map((char, index) => [char.charCodeAt(0), index]));

function _rank(code: number): number {
  return _RANK.get(code) ?? _RANKED.length + code;
}

/** Sorts names: negative when `a` comes first, 0 when equal, positive otherwise. */
export function compareNames(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = _rank(a.charCodeAt(i)) - _rank(b.charCodeAt(i));
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}
