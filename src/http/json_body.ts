/**
 * Reads a JSON request body, refusing bodies over the limit (413) before parsing: by
 * Content-Length when it is given, and by counting bytes as they arrive when it is not. A body
 * that does not arrive in time (see body_deadline.ts) gets 408 with `connection: close`.
 */
import { BodyTimeoutError, readBody } from "./body_deadline.ts";
import { jsonRpcError } from "./responses.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: Response };

export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readBody(req, limit);
  } catch (error) {
    if (!(error instanceof BodyTimeoutError)) throw error;
    return { ok: false, response: _timedOut(error) };
  }
  if (bytes === undefined) {
    return {
      ok: false,
      response: jsonRpcError(413, -32600, `Request body too large: the limit is ${limit} bytes`),
    };
  }
  try {
    return { ok: true, value: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, response: jsonRpcError(400, -32700, `Parse error: ${reason}`) };
  }
}

/**
 * 408 for a body that did not arrive in time, with `connection: close`. (Deno 2.9's server
 * still keeps the socket until the client closes it or sends the rest: see docs/security.md.)
 */
function _timedOut(error: BodyTimeoutError): Response {
  const response = jsonRpcError(
    408,
    -32600,
    `Request timeout: ${error.message}; send the whole body at once.`,
  );
  response.headers.set("connection", "close");
  return response;
}
