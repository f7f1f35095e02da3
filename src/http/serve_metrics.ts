/**
 * What serve's /metrics shows, for this process (Prometheus sums processes itself): tool calls
 * by tool and outcome with their latency, refused requests by kind (counted here as they
 * happen), and, read when scraped, open MCP sessions by transport, event-stream subscribers,
 * the outbox lag (the newest event against the last one the relay delivered) and the size of
 * the database files.
 */
import type { ToolCallObserver } from "../mcp/tool_call_observer.ts";
import { type Family, type HistogramSeries } from "./prometheus_text.ts";

/** Latency bucket bounds in seconds. */
export const TOOL_CALL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** What is read when scraped. */
export interface MetricsSnapshot {
  sessions: { streamable_http: number; legacy_sse: number };
  subscribers: number;
  latestEventId: number;
  deliveredEventId: number;
  databaseBytes: { database: number; wal: number };
}

export class ServeMetrics {
  readonly #calls = new Map<string, number>();
  readonly #latency = new Map<string, { counts: number[]; count: number; sum: number }>();
  readonly #refusals = new Map<string, number>();
  /** The id of the last event the outbox relay delivered (set once the relay runs). */
  delivered: () => number = () => 0;

  /** The observer to give createMcpServer. */
  readonly toolCall: ToolCallObserver = (tool, outcome, seconds) => {
    const key = `${tool}\u0000${outcome}`;
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
    let series = this.#latency.get(tool);
    if (series === undefined) {
      series = { counts: TOOL_CALL_BUCKETS.map(() => 0), count: 0, sum: 0 };
      this.#latency.set(tool, series);
    }
    TOOL_CALL_BUCKETS.forEach((le, i) => {
      if (seconds <= le) series.counts[i]!++;
    });
    series.count++;
    series.sum += seconds;
  };

  /** Counts a refused request: "no_token", "wrong_token", "forbidden_host"... */
  refused(kind: string): void {
    this.#refusals.set(kind, (this.#refusals.get(kind) ?? 0) + 1);
  }

  families(now: MetricsSnapshot): Family[] {
    const latency: HistogramSeries[] = [...this.#latency].map(([tool, s]) => ({
      labels: { tool },
      buckets: TOOL_CALL_BUCKETS,
      counts: s.counts,
      count: s.count,
      sum: s.sum,
    }));
    return [
      {
        name: "team_table_tool_calls_total",
        help: "Tool calls answered, by tool and outcome (ok or the error's kind).",
        type: "counter",
        samples: [...this.#calls].map(([key, n]) => {
          const [tool = "", outcome = ""] = key.split("\u0000");
          return [{ tool, outcome }, n];
        }),
      },
      {
        name: "team_table_tool_call_duration_seconds",
        help: "How long tool calls took, by tool.",
        type: "histogram",
        series: latency,
      },
      {
        name: "team_table_open_sessions",
        help: "MCP sessions open, by transport.",
        type: "gauge",
        samples: [
          [{ transport: "streamable_http" }, now.sessions.streamable_http],
          [{ transport: "legacy_sse" }, now.sessions.legacy_sse],
        ],
      },
      {
        name: "team_table_event_stream_subscribers",
        help: "Open push-event streams (/events/{agent} and the web view's).",
        type: "gauge",
        samples: [[{}, now.subscribers]],
      },
      {
        name: "team_table_outbox_latest_event_id",
        help: "The newest event in the outbox.",
        type: "gauge",
        samples: [[{}, now.latestEventId]],
      },
      {
        name: "team_table_outbox_lag_events",
        help: "Events in the outbox this serve's relay has not delivered yet.",
        type: "gauge",
        samples: [[{}, Math.max(0, now.latestEventId - now.deliveredEventId)]],
      },
      {
        name: "team_table_database_size_bytes",
        help: "Size of the database files, by file.",
        type: "gauge",
        samples: [
          [{ file: "database" }, now.databaseBytes.database],
          [{ file: "wal" }, now.databaseBytes.wal],
        ],
      },
      {
        name: "team_table_refusals_total",
        help: "Requests refused, by kind.",
        type: "counter",
        samples: [...this.#refusals].map(([kind, n]) => [{ kind }, n]),
      },
    ];
  }
}
