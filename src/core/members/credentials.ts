/**
 * Agent credentials: a random secret shown once, stored only as its SHA-256. The secret has
 * 256 bits of entropy, so a fast hash is enough; comparisons are constant-time.
 */
import { Buffer } from "node:buffer";
import process from "node:process";

/**
 * node:crypto, loaded on first use (its hash and constant-time compare are synchronous, unlike
 * Web Crypto's): a stdio server that checks no credential does not load it, which would slow its
 * start (docs/performance.md).
 */
let _crypto: typeof import("node:crypto") | undefined;

function _nodeCrypto(): typeof import("node:crypto") {
  _crypto ??= process.getBuiltinModule("node:crypto");
  return _crypto;
}

/** How an agent credential begins, so a leaked one is recognisable. */
export const CREDENTIAL_PREFIX = "ttk_";

/** A new credential: the secret (show it once) and the hash to store. */
export function newCredential(): { secret: string; hash: string } {
  const random = Buffer.from(crypto.getRandomValues(new Uint8Array(32)));
  const secret = `${CREDENTIAL_PREFIX}${random.toString("base64url")}`;
  return { secret, hash: hashCredential(secret) };
}

/** The stored form of a secret. */
export function hashCredential(secret: string): string {
  return _nodeCrypto().createHash("sha256").update(secret, "utf8").digest("hex");
}

/** True when `secret` is the credential whose hash is `hash` (constant-time). */
export function credentialMatches(secret: string, hash: string): boolean {
  const given = Buffer.from(hashCredential(secret), "hex");
  const stored = Buffer.from(hash, "hex");
  return given.length === stored.length && _nodeCrypto().timingSafeEqual(given, stored);
}
