/**
 * DNS-rebinding protection: a request whose Host, or Origin when present, names a host that is
 * not on the allowed list is refused with 403. Loopback names are always allowed; so are the
 * address `serve` binds to and every `--allow-origin` entry (a host name, host:port or origin).
 */
import { jsonError } from "./responses.ts";

export function allowedHostNames(bindHost: string, allowOrigins: readonly string[]): Set<string> {
  const names = new Set(["localhost", "127.0.0.1", "::1"]);
  if (bindHost !== "0.0.0.0" && bindHost !== "::") names.add(_bare(bindHost));
  for (const entry of allowOrigins) names.add(_hostOf(entry));
  return names;
}

/** Returns a 403 response for a request from a host or origin that is not allowed. */
export function checkHost(req: Request, allowed: ReadonlySet<string>): Response | undefined {
  const host = req.headers.get("host");
  if (host !== null && !allowed.has(_hostOf(host))) {
    return jsonError(
      403,
      "forbidden_host",
      `Host '${host}' is not allowed. Start serve with --allow-origin ${
        _hostOf(host)
      } to allow it.`,
    );
  }
  const origin = req.headers.get("origin");
  if (origin !== null && origin !== "null" && !allowed.has(_hostOf(origin))) {
    return jsonError(
      403,
      "forbidden_origin",
      `Origin '${origin}' is not allowed. Start serve with --allow-origin ${origin} to allow it.`,
    );
  }
  if (origin === "null") {
    return jsonError(
      403,
      "forbidden_origin",
      "Requests from an opaque ('null') origin are refused.",
    );
  }
  return undefined;
}

/** The lower-case host name of "host", "host:port", "[v6]:port" or "scheme://host:port". */
function _hostOf(value: string): string {
  const text = value.trim().toLowerCase();
  try {
    if (text.includes("://")) return _bare(new URL(text).hostname);
  } catch {
    return text;
  }
  if (text.startsWith("[")) return _bare(text.slice(0, text.indexOf("]") + 1));
  const colons = text.split(":").length - 1;
  return colons === 1 ? text.slice(0, text.indexOf(":")) : _bare(text);
}

function _bare(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
}
