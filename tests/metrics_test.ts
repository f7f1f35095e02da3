/**
 * serve's /metrics, scraped from a real serve after real tool calls and read with a Prometheus
 * text-format parser from npm (used only here).
 */
import assert from "node:assert/strict";
import parsePrometheusTextFormat from "npm:parse-prometheus-text-format@1.1.1";
import { startServe } from "./support/serve_process.ts";
import { runTeamTable, tempDb, TestAgent } from "./support/test_agent.ts";

interface ParsedFamily {
  name: string;
  type: string;
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }[];
}

function family(families: ParsedFamily[], name: string): ParsedFamily {
  const found = families.find((f) => f.name === name);
  assert.ok(found, `family ${name} in ${families.map((f) => f.name).join(", ")}`);
  return found;
}

function value(f: ParsedFamily, labels: Record<string, string> = {}): number {
  const m = f.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  assert.ok(m, `${f.name} ${JSON.stringify(labels)}`);
  return Number(m.value ?? m.count);
}

Deno.test("/metrics: tool calls by tool and outcome with latency, sessions, outbox, size, refusals", async () => {
  const db = await tempDb();
  const added = await runTeamTable(["members", "add", "bob"], { TEAM_TABLE_DB: db.path });
  const bobKey = added.stdout.match(/credential: (ttk_\S+)/)?.[1] ?? "";
  const server = await startServe(db.path);
  const agent = await TestAgent.http(server.url, server.token);
  try {
    await agent.ok("register", { name: "alice" });
    await agent.ok("send_message", { recipient: "alice", content: "hi" });
    await agent.ok("send_message", { recipient: "alice", content: "again" });
    const refused = await agent.call("send_message", { recipient: "nobody-here", content: "x" });
    assert.equal(refused.isError, true);
    assert.equal((await fetch(`${server.url}/metrics`)).status, 401);
    const asAgent = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${bobKey}` },
    });
    await asAgent.body?.cancel();
    assert.equal(asAgent.status, 403, "an agent's credential does not read /metrics");
    await (await fetch(`${server.url}/mcp`, {
      headers: { authorization: "Bearer wrong-token-0123456789" },
    })).body?.cancel();

    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const families = parsePrometheusTextFormat(text) as ParsedFamily[];

    const calls = family(families, "team_table_tool_calls_total");
    assert.equal(calls.type, "COUNTER");
    assert.equal(value(calls, { tool: "send_message", outcome: "ok" }), 2);
    assert.equal(value(calls, { tool: "send_message", outcome: "not_found" }), 1);
    assert.equal(value(calls, { tool: "register", outcome: "ok" }), 1);
    const latency = family(families, "team_table_tool_call_duration_seconds");
    assert.equal(latency.type, "HISTOGRAM");
    // This parser folds a histogram's labelled series into one (buckets by le, the last
    // series'): check their shape there, and each tool's count and sum in the text it parsed.
    const buckets = Object.entries(latency.metrics[0]?.buckets ?? {})
      .map(([le, n]) => [Number(le === "+Inf" ? Infinity : le), Number(n)] as const)
      .sort(([a], [b]) => a - b);
    assert.equal(buckets.length, 12, "11 bounds and +Inf");
    const counts = buckets.map(([, n]) => n);
    assert.deepEqual(counts, [...counts].sort((a, b) => a - b), "cumulative buckets");
    assert.match(text, /^team_table_tool_call_duration_seconds_count\{tool="send_message"\} 3$/m);
    assert.match(
      text,
      /^team_table_tool_call_duration_seconds_bucket\{tool="send_message",le="\+Inf"\} 3$/m,
    );
    assert.match(
      text,
      /^team_table_tool_call_duration_seconds_sum\{tool="send_message"\} [0-9.e-]+$/m,
    );

    assert.equal(
      value(family(families, "team_table_open_sessions"), { transport: "streamable_http" }),
      1,
    );
    assert.equal(
      value(family(families, "team_table_open_sessions"), { transport: "legacy_sse" }),
      0,
    );
    assert.equal(value(family(families, "team_table_event_stream_subscribers")), 0);
    assert.ok(value(family(families, "team_table_outbox_latest_event_id")) >= 2);
    assert.equal(value(family(families, "team_table_outbox_lag_events")), 0);
    assert.ok(value(family(families, "team_table_database_size_bytes"), { file: "database" }) > 0);
    const refusals = family(families, "team_table_refusals_total");
    assert.equal(value(refusals, { kind: "no_token" }), 1);
    assert.equal(value(refusals, { kind: "wrong_token" }), 1);
  } finally {
    await agent.close();
    await server.stop();
    await db.cleanup();
  }
});

Deno.test("serve --no-metrics has no /metrics", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { args: ["--no-metrics"] });
  try {
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    await response.body?.cancel();
    assert.equal(response.status, 404);
  } finally {
    await server.stop();
    await db.cleanup();
  }
});
