import assert from "node:assert/strict";
import { createLogger } from "../src/log.ts";
import { RefusalAudit, type RefusalRow } from "../src/http/refusal_audit.ts";
import { tempHandler } from "./support/temp_handler.ts";

const TOKEN = "refusal-test-token-0123456789";
const BASE = "http://127.0.0.1:8741";

function audit(options: { maxRowsPerWindow?: number; maxAddresses?: number } = {}) {
  let now = 0;
  const rows: RefusalRow[] = [];
  const refusals = new RefusalAudit({
    write: (row) => rows.push(row),
    logger: createLogger("error"),
    now: () => now,
    options,
  });
  return {
    refusals,
    rows,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const refuse = (address: string, path = "/mcp") =>
  ({ address, method: "GET", path, reason: "no token" }) as const;

Deno.test("one row per address per minute, with the count and a few short sample paths", () => {
  const a = audit();
  for (let i = 0; i < 500; i++) a.refusals.refuse(refuse("10.0.0.1", `/${i}/${"x".repeat(5_000)}`));
  assert.equal(a.rows.length, 1, "the first refusal at once");
  a.advance(59_999);
  a.refusals.flush();
  assert.equal(a.rows.length, 1, "nothing more within the minute");
  a.advance(1);
  a.refusals.flush();
  assert.equal(a.rows.length, 2);
  const summary = a.rows[1]!;
  assert.equal(summary.details["count"], 499);
  const samples = summary.details["sample_paths"];
  assert.ok(Array.isArray(samples) && samples.length === 3);
  for (const path of samples) assert.ok(String(path).length <= 200);
  a.advance(60_000);
  a.refusals.flush();
  assert.equal(a.refusals.size, 0, "an address quiet for a minute is forgotten");
});

Deno.test("rows per minute are capped; what is over the cap is summed up in one later row", () => {
  const a = audit({ maxRowsPerWindow: 5 });
  for (let i = 0; i < 40; i++) a.refusals.refuse(refuse(`10.0.0.${i}`));
  assert.equal(a.rows.length, 5);
  a.advance(60_000);
  a.refusals.flush();
  const note = a.rows.find((row) => row.details["address"] === "*");
  assert.equal(note?.details["count"], 35);
  assert.equal(note?.details["addresses"], 35);
});

Deno.test("the address map is bounded: the oldest is forgotten, its count kept in the note", () => {
  const a = audit({ maxAddresses: 10, maxRowsPerWindow: 1_000 });
  for (let i = 0; i < 100; i++) {
    a.refusals.refuse(refuse(`10.0.1.${i}`));
    a.refusals.refuse(refuse(`10.0.1.${i}`));
  }
  assert.equal(a.refusals.size, 10);
  a.advance(60_000);
  a.refusals.flush(true);
  const note = a.rows.find((row) => row.details["address"] === "*");
  assert.equal(note?.details["count"], 90, "the second refusal of each forgotten address");
});

Deno.test("a flood of refused requests with long distinct paths stays within the audit bound", async () => {
  await using s = tempHandler({ token: TOKEN });
  const sizeBefore = _auditBytes(s.t.db);
  for (let i = 0; i < 2_000; i++) {
    const response = await s.handler.fetch(
      new Request(`${BASE}/${i % 2 ? "events" : "api"}/${"b".repeat(8_000)}${i}`),
      { remoteAddr: { hostname: `10.2.${i % 200}.1` } },
    );
    assert.equal(response.status, 401);
    await response.body?.cancel();
  }
  let rows = s.t.table.audit.query({ action: "auth.refused", limit: 1_000 });
  assert.ok(rows.length <= 30, `at most 30 rows in the minute (${rows.length})`);
  assert.ok(s.handler.refusals.size <= 1_000);
  for (let minute = 1; minute <= 4; minute++) {
    s.advance(60_000);
    s.handler.refusals.flush();
    const now = s.t.table.audit.query({ action: "auth.refused", limit: 1_000 });
    assert.ok(now.length - rows.length <= 30, `at most 30 rows in minute ${minute}`);
    rows = now;
  }
  const total = rows.reduce((sum, row) => sum + Number(row.details["count"]), 0);
  assert.equal(total, 2_000, "every refusal is counted, the excess in summary rows");
  assert.equal(s.handler.refusals.size, 0, "addresses quiet for a minute are forgotten");
  const added = _auditBytes(s.t.db) - sizeBefore;
  assert.ok(added < 100_000, `the audit log grew by ${added} bytes`);
});

function _auditBytes(db: { prepare(sql: string): { get(): Record<string, unknown> | undefined } }) {
  const row = db.prepare(
    "SELECT COALESCE(SUM(LENGTH(details) + LENGTH(COALESCE(target, ''))), 0) AS n FROM audit_log",
  ).get();
  return Number(row?.["n"] ?? 0);
}
