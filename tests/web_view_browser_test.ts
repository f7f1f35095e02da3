import assert from "node:assert/strict";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);

Deno.test({
  name: "the web view in a real browser (tests/browser/web_view.browser.ts, in its own process)",
  ignore: !hasChromium,
  async fn() {
    const file = new URL("./browser/web_view.browser.ts", import.meta.url).pathname;
    const config = new URL("./browser/deno.json", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "--allow-all", "--quiet", "--config", config, file],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.match(text, /ok \| 1 passed/);
  },
});
