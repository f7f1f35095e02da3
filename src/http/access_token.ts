/**
 * The access token of `serve`. TEAM_TABLE_TOKEN wins; otherwise a random token is created on
 * first start and kept (0600, restored at each start) in `token` beside the database, so
 * restarts keep it.
 */
import { dirname, join } from "node:path";

export interface AccessToken {
  token: string;
  source: "env" | "file" | "created";
  /** The token file, when the token lives in one. */
  path: string | undefined;
}

/** Where a token file lives: beside the database (`token`, or `join_token`). */
export function tokenPath(dbPath: string, file = "token"): string {
  return join(dirname(dbPath), file);
}

/** The token kept in `file` beside the database, if there is one (never creates it). */
export function readTokenFile(dbPath: string, file = "token"): string | undefined {
  try {
    const token = Deno.readTextFileSync(tokenPath(dbPath, file)).trim();
    return token.length > 0 ? token : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * The token from the environment, else the one kept in `file` beside the database, else a new
 * one saved there (0600).
 */
export function loadOrCreateToken(
  dbPath: string,
  fromEnv: string | undefined,
  file = "token",
): AccessToken {
  if (fromEnv !== undefined) return { token: fromEnv, source: "env", path: undefined };
  const path = tokenPath(dbPath, file);
  try {
    const existing = Deno.readTextFileSync(path).trim();
    if (existing.length >= 16) {
      // Kept for the owner alone, even if someone loosened it.
      if (Deno.build.os !== "windows" && (Deno.statSync(path).mode ?? 0) & 0o077) {
        Deno.chmodSync(path, 0o600);
      }
      return { token: existing, source: "file", path };
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const token = randomToken();
  Deno.writeTextFileSync(path, `${token}\n`, { mode: 0o600 });
  if (Deno.build.os !== "windows") Deno.chmodSync(path, 0o600);
  return { token, source: "created", path };
}

/** A new random secret: 24 bytes (192 bits) as 32 URL-safe base64 characters. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

/** Compares two tokens in time that does not depend on where they differ. */
export function tokensMatch(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** The token a request carries: `Authorization: Bearer …`, or `?token=` where allowed. */
export function requestToken(req: Request, url: URL, allowQuery: boolean): string | undefined {
  const header = req.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(.+)$/i);
  if (match?.[1]) return match[1].trim();
  return allowQuery ? url.searchParams.get("token") ?? undefined : undefined;
}
