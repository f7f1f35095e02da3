import assert from "node:assert/strict";
import { createLogger } from "../src/log.ts";
import { Lifecycle, runLifecycle } from "../src/runtime/lifecycle.ts";
import { teamTableCommand, tempDb } from "./support/test_agent.ts";

const logger = createLogger("error");

Deno.test("a lifecycle tears down what was started in reverse order, also when start-up throws", async () => {
  const order: string[] = [];
  await assert.rejects(
    runLifecycle(logger, (life) => {
      life.defer("first", () => void order.push("first"));
      life.defer("second", async () => {
        await Promise.resolve();
        order.push("second");
      });
      life.every(60_000, () => {});
      life.stopOnSignals();
      return Promise.reject(new Error("the port is taken"));
    }),
    /the port is taken/,
  );
  assert.deepEqual(order, ["second", "first"]);
});

Deno.test("a failing teardown is logged and the others still run", async () => {
  const order: string[] = [];
  const warnings: string[] = [];
  const result = await runLifecycle(
    { ...logger, warn: (message) => void warnings.push(message) },
    (life) => {
      life.defer("the database", () => void order.push("database"));
      life.defer("the relay", () => {
        throw new Error("already stopped");
      });
      life.defer("the server", () => void order.push("server"));
      return Promise.resolve(7);
    },
  );
  assert.equal(result, 7);
  assert.deepEqual(order, ["server", "database"]);
  assert.deepEqual(warnings, ["stopping the relay failed: already stopped"]);
});

Deno.test("stop() resolves stopped() and aborts the signal; the first reason wins", async () => {
  await using life = new Lifecycle(logger);
  const stopped = life.stopped();
  life.stop("SIGTERM");
  life.stop("stdin ended");
  assert.equal(await stopped, "SIGTERM");
  assert.equal(await life.stopped(), "SIGTERM");
  assert.equal(life.signal.reason, "SIGTERM");
});

/** Runs team-table to its end, killing it if it has not exited within `ms`. */
async function runWithin(
  ms: number,
  options: { args: string[]; env: Record<string, string> },
): Promise<{ code: number; stderr: string; elapsedMs: number; killed: boolean }> {
  const { command, args } = teamTableCommand(options.args);
  const started = Date.now();
  const child = new Deno.Command(command, {
    args,
    env: options.env,
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, ms);
  try {
    const [status, stderr] = await Promise.all([
      child.status,
      new Response(child.stderr).text(),
    ]);
    return { code: status.code, stderr, elapsedMs: Date.now() - started, killed };
  } finally {
    clearTimeout(timer);
    await child.stdin.close().catch(() => {});
  }
}

Deno.test("serve on a port that is taken exits 1 within 2 s with one line", async () => {
  const db = await tempDb();
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = String(taken.addr.port);
    // 2 s from spawn, Deno loading the program included (about 0.4 s); 10 s is the hang guard.
    const result = await runWithin(10_000, {
      args: ["serve", "--port", port],
      env: { TEAM_TABLE_DB: db.path, TEAM_TABLE_TOKEN: "test-token-0123456789abcdef" },
    });
    assert.equal(result.killed, false, `serve hung:\n${result.stderr}`);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `team-table: cannot listen on 127.0.0.1:${port}: the address is already in use ` +
        "(another team-table serve? choose another --port)\n",
    );
    assert.ok(result.elapsedMs < 2_000, `exited after ${result.elapsedMs} ms`);
  } finally {
    taken.close();
    await db.cleanup();
  }
});

Deno.test("stdio with a database that cannot be opened exits 1 with one line", async () => {
  const db = await tempDb();
  try {
    const blocker = `${db.dir}/not-a-folder`;
    await Deno.writeTextFile(blocker, "");
    const result = await runWithin(10_000, {
      args: ["--db", `${blocker}/team_table.db`],
      env: {},
    });
    assert.equal(result.killed, false, `stdio hung:\n${result.stderr}`);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^team-table: cannot open database .*not-a-folder\/team_table\.db/);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  } finally {
    await db.cleanup();
  }
});
