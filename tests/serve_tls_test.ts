/**
 * `serve --tls-cert FILE --tls-key FILE` (or TEAM_TABLE_TLS_CERT / TEAM_TABLE_TLS_KEY) serves
 * HTTPS; a non-loopback address served over plain HTTP is warned about in the banner.
 */
import assert from "node:assert/strict";
import { INITIALIZE, mcpHeaders } from "./support/mcp_requests.ts";
import { startServe } from "./support/serve_process.ts";
import { runTeamTable, tempDb } from "./support/test_agent.ts";

/** A self-signed certificate for 127.0.0.1 and localhost, made with openssl in `dir`. */
async function selfSigned(dir: string): Promise<{ cert: string; key: string; pem: string }> {
  const cert = `${dir}/cert.pem`;
  const key = `${dir}/key.pem`;
  const out = await new Deno.Command("openssl", {
    args: [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "extendedKeyUsage=serverAuth",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  return { cert, key, pem: await Deno.readTextFile(cert) };
}

Deno.test("serve --tls-cert --tls-key: HTTPS for a client that trusts the certificate; no plain HTTP", async () => {
  const db = await tempDb();
  const { cert, key, pem } = await selfSigned(db.dir);
  const server = await startServe(db.path, { args: ["--tls-cert", cert, "--tls-key", key] });
  const client = Deno.createHttpClient({ caCerts: [pem] });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/, "the banner gives the https URL");
    assert.doesNotMatch(server.stderr(), /plain HTTP/);
    const health = await fetch(`${server.url}/health`, { client });
    assert.equal(health.status, 200);
    assert.equal((await health.json()).status, "ok");
    const initialize = await fetch(`${server.url}/mcp`, {
      client,
      method: "POST",
      headers: mcpHeaders(server.token),
      body: JSON.stringify(INITIALIZE),
    });
    assert.equal(initialize.status, 200, "MCP over HTTPS");
    assert.ok(initialize.headers.get("mcp-session-id"));
    await initialize.body?.cancel();
    await assert.rejects(
      fetch(`${server.url}/health`),
      "a client that does not trust the certificate is refused",
    );
    await assert.rejects(
      fetch(server.url.replace("https:", "http:") + "/health").then((r) => r.text()),
      "plain HTTP is not served",
    );
  } finally {
    client.close();
    assert.equal(await server.stop(), 0);
    await db.cleanup();
  }
});

Deno.test("serve: TEAM_TABLE_TLS_CERT and TEAM_TABLE_TLS_KEY; both or neither; unreadable files are named", async () => {
  const db = await tempDb();
  const { cert, key, pem } = await selfSigned(db.dir);
  const server = await startServe(db.path, {
    env: { TEAM_TABLE_TLS_CERT: cert, TEAM_TABLE_TLS_KEY: key },
  });
  const client = Deno.createHttpClient({ caCerts: [pem] });
  try {
    assert.match(server.url, /^https:/);
    assert.equal(
      (await fetch(`${server.url}/health`, { client }).then((r) => r.json())).status,
      "ok",
    );
  } finally {
    client.close();
    assert.equal(await server.stop(), 0);
  }
  try {
    const env = { TEAM_TABLE_DB: db.path };
    const half = await runTeamTable(["serve", "--port", "0", "--tls-cert", cert], env);
    assert.equal(half.code, 2);
    assert.match(
      half.stderr,
      /HTTPS needs both a certificate and its key: --tls-cert FILE and --tls-key FILE .*only the certificate was given/,
    );
    const missing = await runTeamTable(
      ["serve", "--port", "0", "--tls-cert", cert, "--tls-key", `${db.dir}/nope.pem`],
      env,
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, new RegExp(`--tls-key: cannot read ${db.dir}/nope\\.pem`));
    const swapped = await runTeamTable(
      ["serve", "--port", "0", "--tls-cert", key, "--tls-key", cert],
      env,
    );
    assert.equal(swapped.code, 2);
    assert.match(swapped.stderr, /cannot serve HTTPS with --tls-cert .* and --tls-key/);
    assert.doesNotMatch(swapped.stderr, /\n\s+at /, "no stack trace");
  } finally {
    await db.cleanup();
  }
});

Deno.test("serve: the banner warns when a non-loopback address serves plain HTTP", async () => {
  const db = await tempDb();
  const server = await startServe(db.path, { args: ["--host", "0.0.0.0"] });
  try {
    assert.match(
      server.stderr(),
      /warning: plain HTTP on 0\.0\.0\.0: tokens \(and \?token= in URLs\) cross the network in clear text;\n +serve HTTPS with --tls-cert FILE --tls-key FILE, or behind a TLS reverse proxy/,
    );
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const local = await startServe(db.path);
  try {
    assert.doesNotMatch(local.stderr(), /plain HTTP/, "loopback is not warned about");
  } finally {
    assert.equal(await local.stop(), 0);
    await db.cleanup();
  }
});
