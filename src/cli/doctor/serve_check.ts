/**
 * The doctor's check of a running `serve`: reachable at the URL (`/health`), and the configured
 * operator credential accepted (a bearer on `/api/overview`, which takes only the operator
 * token). The credential is TEAM_TABLE_TOKEN, else the token file beside the database.
 */
import { type CheckResult, failed, passed } from "./doctor_check.ts";

/** The operator credential the doctor presents, and where it came from. */
export interface OperatorCredential {
  token: string;
  /** "TEAM_TABLE_TOKEN" or the token file's path. */
  source: string;
}

const _TIMEOUT_MS = 5_000;

export async function checkServe(
  url: URL,
  credential: OperatorCredential | undefined,
): Promise<CheckResult> {
  const base = url.href.replace(/\/+$/, "");
  const headers: Record<string, string> = credential
    ? { authorization: `Bearer ${credential.token}` }
    : {};
  const details: Record<string, unknown> = {
    url: base,
    credential: credential?.source ?? null,
  };
  let health: Response;
  try {
    health = await fetch(`${base}/health`, { headers, signal: AbortSignal.timeout(_TIMEOUT_MS) });
  } catch (error) {
    return failed("not reachable", [{
      problem: `serve at ${base} is not reachable: ${_reason(error)}`,
      fix: `team-table serve (or check --url ${base})`,
    }], { ...details, reachable: false });
  }
  const body: unknown = await health.json().catch(() => undefined);
  details["reachable"] = true;
  details["status"] = health.status;
  details["version"] = _field(body, "version");
  if (!health.ok && health.status !== 401) {
    return failed(`/health answered ${health.status}`, [{
      problem: `serve at ${base} answered /health with ${health.status}`,
      fix: `curl -i ${base}/health (and read serve's log)`,
    }], details);
  }
  const probe = await fetch(`${base}/api/overview`, {
    headers,
    signal: AbortSignal.timeout(_TIMEOUT_MS),
  }).catch((error: unknown) => error instanceof Error ? error : new Error(String(error)));
  if (probe instanceof Error) {
    return failed("the credential could not be checked", [{
      problem: `serve at ${base} did not answer /api/overview: ${_reason(probe)}`,
      fix: `curl -i ${base}/api/overview`,
    }], details);
  }
  await probe.body?.cancel();
  details["credential_accepted"] = probe.ok;
  if (probe.ok) {
    const version = details["version"];
    return passed(
      `reachable at ${base}${typeof version === "string" ? ` (team-table ${version})` : ""}` +
        (credential ? `, credential accepted (${credential.source})` : ", no credential needed"),
      details,
    );
  }
  if (probe.status !== 401) {
    return failed(`/api/overview answered ${probe.status}`, [{
      problem: `serve at ${base} answered /api/overview with ${probe.status}`,
      fix: `curl -i -H 'Authorization: Bearer …' ${base}/api/overview (and read serve's log)`,
    }], details);
  }
  return failed("credential refused", [{
    problem: credential
      ? `serve at ${base} refuses the operator token from ${credential.source}`
      : `serve at ${base} needs the operator token, and none is configured here`,
    fix: "export TEAM_TABLE_TOKEN=<the token serve's banner shows> (or use the --db serve uses, " +
      "whose token file holds it)",
  }], details);
}

function _field(body: unknown, key: string): unknown {
  return typeof body === "object" && body !== null ? Reflect.get(body, key) : undefined;
}

function _reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? "unknown error";
}
