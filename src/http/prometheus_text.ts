/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: prom-client brings
 * @opentelemetry/api, tdigest, Node-only default metrics (cluster, v8) and a process-wide registry,
 * for what is here a few counters, gauges and one histogram.
 */

export type Labels = Readonly<Record<string, string>>;

/** One family: its samples are `[labels, value]`; a histogram's are written from its buckets. */
export type Family =
  | { name: string; help: string; type: "counter" | "gauge"; samples: [Labels, number][] }
  | { name: string; help: string; type: "histogram"; series: HistogramSeries[] };

export interface HistogramSeries {
  labels: Labels;
  /** Upper bounds, ascending, and the count of observations at or under each (cumulative). */
  buckets: readonly number[];
  counts: readonly number[];
  count: number;
  sum: number;
}

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The families as exposition text. */
export function exposition(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(
      `# HELP ${family.name} ${_escapeHelp(family.help)}`,
      `# TYPE ${family.name} ${family.type}`,
    );
    if (family.type !== "histogram") {
      for (const [labels, value] of family.samples) lines.push(_sample(family.name, labels, value));
      continue;
    }
    for (const s of family.series) {
      s.buckets.forEach((le, i) =>
        lines.push(
          _sample(`${family.name}_bucket`, { ...s.labels, le: String(le) }, s.counts[i] ?? 0),
        )
      );
      lines.push(_sample(`${family.name}_bucket`, { ...s.labels, le: "+Inf" }, s.count));
      lines.push(_sample(`${family.name}_sum`, s.labels, s.sum));
      lines.push(_sample(`${family.name}_count`, s.labels, s.count));
    }
  }
  return `${lines.join("\n")}\n`;
}

function _sample(name: string, labels: Labels, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${_escapeLabel(v)}"`);
  const text = Number.isFinite(value)
    ? String(value)
    : value > 0
    ? "+Inf"
    : value < 0
    ? "-Inf"
    : "NaN";
  return `${name}${pairs.length ? `{${pairs.join(",")}}` : ""} ${text}`;
}

function _escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function _escapeHelp(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
