/**
 * Finding, by index, the stored lease or task paths that may overlap a path: each stored path
 * keeps its literal folder (`dir`), and two paths can name the same file only when one's
 * literal folder is a prefix of the other's. path_overlap.ts then decides exactly.
 */
import { isGlob } from "./glob.ts";

/**
 * The text every file `path` covers begins with: a file's own path, or a glob's folders before
 * its first pattern character ('src/**' -> 'src', 'src/a*.ts' -> 'src', '**' -> '').
 */
export function literalDir(path: string): string {
  if (!isGlob(path)) return path;
  const literal = path.slice(0, path.search(/[*?[\]{}]/));
  return literal.slice(0, Math.max(0, literal.lastIndexOf("/")));
}

/**
 * SQL narrowing the rows whose `column` (a literalDir) can overlap `path`: a file both cover
 * begins with both literal folders, so one is a prefix of the other: the row's is one of the
 * path's folders (or the path), or begins with the path's. `probes`: the index lookups it
 * takes (one per such folder, and the range).
 */
export function nearPaths(
  path: string,
  column: string,
): { where: string; params: Record<string, string>; probes: number } {
  const dir = literalDir(path);
  const ancestors = ["", dir];
  for (let at = dir.indexOf("/"); at > 0; at = dir.indexOf("/", at + 1)) {
    ancestors.push(dir.slice(0, at));
  }
  const params: Record<string, string> = {
    near_lo: dir,
    near_hi: `${dir}${String.fromCodePoint(0x10ffff)}`,
  };
  ancestors.forEach((a, i) => params[`near_${i}`] = a);
  const list = ancestors.map((_, i) => `:near_${i}`).join(", ");
  return {
    where: `(${column} IN (${list}) OR (${column} >= :near_lo AND ${column} < :near_hi))`,
    params,
    probes: ancestors.length + 1,
  };
}
