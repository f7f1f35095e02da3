/** Small JSON responses for the HTTP server: errors carry a code and a sentence. */

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function jsonError(
  status: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(status, { error, message }, headers);
}

/** A JSON-RPC error answer with no request id (the request could not be read). */
export function jsonRpcError(status: number, code: number, message: string): Response {
  return jsonResponse(status, { jsonrpc: "2.0", error: { code, message }, id: null });
}
