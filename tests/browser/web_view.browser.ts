/**
 * The web view in a real browser (headless Chromium from Debian's package, driven by
 * playwright-core). Playwright probes the system in ways Deno only grants with --allow-all, so
 * tests/web_view_browser_test.ts runs this file in its own `deno test -A` process; the rest of
 * the suite keeps its narrow permissions. It has its own deno.json and deno.lock (beside this
 * file): playwright-core stays out of the main lockfile, whose packages every first start of
 * team-table downloads.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startServe } from "../support/serve_process.ts";
import { tempDb, TestAgent } from "../support/test_agent.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);

Deno.test({
  name: "web view in a real browser: sign in (link, form), out, see the table, live, post",
  ignore: !hasChromium,
  async fn() {
    const db = await tempDb();
    const server = await startServe(db.path);
    const alice = await TestAgent.http(server.url, server.token);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      await alice.ok("register", { name: "alice", role: "coder" });
      const made = await alice.ok("create_task", { title: "Ship the web view", priority: "high" });
      const taskId = (made["task"] as { id: number }).id;
      await alice.ok("claim_task", { task_id: taskId });

      const link = server.stderr().match(/web view \(signs in\): +(\S+)/)?.[1] ?? "";
      assert.ok(link.includes("/login?code="), "the banner prints a one-time sign-in link");
      assert.ok(!link.includes(server.token), "the link does not carry the token");
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${server.url}/`);
      assert.match(await page.textContent("body") ?? "", /Access token/, "no session, no data");

      // The one-time link signs in once; Sign out ends the session; the link is then spent.
      await page.goto(link);
      await page.waitForSelector("#members tr");
      const [cookie] = await page.context().cookies();
      assert.equal(cookie?.name, "team_table_session");
      assert.notEqual(cookie?.value, server.token, "the cookie is not the token");
      assert.deepEqual([cookie?.httpOnly, cookie?.sameSite], [true, "Strict"]);
      await page.click("#sign-out button");
      await page.waitForSelector("#token");
      const stale = await fetch(`${server.url}/api/overview`, {
        headers: { cookie: `${cookie?.name}=${cookie?.value}` },
      });
      assert.equal(stale.status, 401, "the session ended on the server");
      await stale.body?.cancel();
      await page.goto(link);
      await page.getByText("expired or was already used").waitFor();

      // The form takes the token.
      await page.fill("#token", server.token);
      await page.click("#sign-in button[type=submit]");
      await page.waitForSelector("#members tr");
      assert.match(await page.textContent("#members") ?? "", /alice\s*coder\s*online/);
      await page.waitForSelector(`[data-task="${taskId}"]`);
      // From here on the page applies events: it never loads the board again.
      const boardLoads: string[] = [];
      page.on("request", (request) => {
        if (new URL(request.url()).pathname === "/api/overview") boardLoads.push(request.url());
      });
      assert.match(
        await page.textContent("#board") ?? "",
        /in progress \(1\)#\d+ Ship the web view/,
      );

      await alice.ok("broadcast", { content: "hello humans" });
      await page.locator("#messages").getByText("hello humans").waitFor({ timeout: 5_000 });

      await page.click(`[data-task="${taskId}"]`);
      await page.locator("#task-feed").getByText("claimed task").waitFor();
      await page.keyboard.press("Escape");

      await page.selectOption("#to", "alice");
      await page.fill("#post-content", "from the human");
      await page.click("#post button[type=submit]");
      await page.locator("#post-result").getByText("sent").waitFor();
      const inbox = await alice.ok("get_messages");
      const messages = inbox["messages"] as { sender: string; content: string }[];
      assert.deepEqual(messages.map((m) => [m.sender, m.content]), [[
        "human:human",
        "from the human",
      ]]);

      await page.fill("#nt-title", "Made in the browser");
      await page.selectOption("#nt-assignee", "alice");
      await page.click("#new-task button[type=submit]");
      await page.locator("#new-task-result").getByText(/created #\d+/).waitFor();
      const listed = await alice.ok("list_tasks", { assignee: "alice", status: "pending" });
      const madeTask = (listed["tasks"] as { id: number; title: string; creator: string }[])[0];
      assert.deepEqual([madeTask?.title, madeTask?.creator], [
        "Made in the browser",
        "human:human",
      ]);
      await page.waitForSelector(`[data-task="${madeTask?.id}"]`);
      await page.click(`[data-task="${madeTask?.id}"]`);
      await page.fill("#te-result", "done by hand");
      await page.click("#te-done");
      await page.locator("#task-edit-result").getByText("saved").waitFor();
      await page.locator("#task-feed").getByText(/result: done by hand/).waitFor();
      await page.keyboard.press("Escape");

      assert.deepEqual(boardLoads, [], "events fetched what changed, never the whole board");

      // At phone width nothing is cut: the page does not scroll sideways, wide tables do.
      await page.setViewportSize({ width: 375, height: 800 });
      // (page.evaluate with strings: this file is type-checked without the DOM's types)
      const overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth",
      );
      assert.equal(overflow, 0, "no column runs off a 375 px screen");
      const cut = await page.evaluate(
        `[...document.querySelectorAll("table")].filter((table) =>
          getComputedStyle(table.parentElement).overflowX !== "auto").length`,
      );
      assert.equal(cut, 0, "every table scrolls inside its section");
      await page.setViewportSize({ width: 1280, height: 900 });

      const shots = await Deno.makeTempDir({ prefix: "team-table-web-" });
      try {
        await page.screenshot({ path: `${shots}/web-view.png`, fullPage: true });
        assert.ok(
          (await Deno.stat(`${shots}/web-view.png`)).size > 10_000,
          "a screenshot was saved",
        );
      } finally {
        await Deno.remove(shots, { recursive: true });
      }
    } finally {
      await browser.close();
      await alice.close();
      await server.stop();
      await db.cleanup();
    }
  },
});
