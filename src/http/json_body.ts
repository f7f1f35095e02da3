/**
 * Reads a JSON request body, refusing bodies over the limit (413) before parsing: by
 * Content-Length when it is given, and by counting bytes as they arrive when it is not. A body
 * that does not arrive in time (see body_deadline.ts) gets 408, and the connection is closed.
 */
import { BodyTimeoutError } from "./body_deadline.ts";
import { jsonRpcError } from "./responses.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult = { ok: true; value: unknown } | { ok: false; response: Response };

export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const tooLarge = (): BodyResult => ({
    ok: false,
    response: jsonRpcError(413, -32600, `Request body too large: the limit is ${limit} bytes`),
  });
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) {
    await req.body?.cancel();
    return tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      let read;
      try {
        read = await reader.read();
      } catch (error) {
        if (!(error instanceof BodyTimeoutError)) throw error;
        return { ok: false, response: _timedOut(error) };
      }
      const { done, value } = read;
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
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
