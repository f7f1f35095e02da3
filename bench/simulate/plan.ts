/**
 * The lead's plan for a feature: `count` subtasks, each touching one or two files of a pool
 * smaller than the work (so some paths overlap), some waiting for earlier ones.
 */
import type { Rng } from "./rng.ts";

export interface PlannedTask {
  title: string;
  paths: string[];
  /** Indexes of earlier planned tasks this one waits for. */
  after: number[];
}

const AREAS = ["core", "http", "cli", "web", "store", "docs"];

export function planFeature(count: number, rng: Rng): PlannedTask[] {
  const pool = Array.from(
    { length: Math.max(2, Math.ceil(count * 0.8)) },
    (_, i) => `src/${AREAS[i % AREAS.length]}/export_${i}.ts`,
  );
  return Array.from({ length: count }, (_, i) => {
    const paths = [...new Set([rng.pick(pool), ...(rng.next() < 0.4 ? [rng.pick(pool)] : [])])];
    const after = new Set<number>();
    if (i > 0 && rng.next() < 0.45) after.add(rng.int(0, i - 1));
    if (i > 1 && rng.next() < 0.15) after.add(rng.int(0, i - 1));
    return { title: `Export feature, step ${i + 1}`, paths, after: [...after] };
  });
}

/** The line of a task's description that names its files (what a coder reads to lease them). */
export function filesLine(paths: string[]): string {
  return `Files: ${paths.join(", ")}`;
}

export function filesOf(description: string | undefined): string[] {
  const line = description?.split("\n").find((l) => l.startsWith("Files: "));
  return line === undefined ? [] : line.slice("Files: ".length).split(", ").filter((p) => p);
}
