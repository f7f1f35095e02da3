/**
 * A deadline for request bodies: Deno.serve has no read timeouts, so a client that sends its
 * headers and then trickles (or never sends) the body would hold the request open for ever.
 * `withBodyDeadline` gives the handler a request whose body fails with `BodyTimeoutError` when
 * it has not fully arrived `ms` after the headers; readJsonBody answers that with 408.
 */

/** The body did not arrive in time. */
export class BodyTimeoutError extends Error {
  override name = "BodyTimeoutError";
  readonly ms: number;

  constructor(ms: number) {
    super(`the request body did not arrive within ${ms / 1000} s`);
    this.ms = ms;
  }
}

/** `req` itself when it has no body; else a copy whose body must arrive within `ms`. */
export function withBodyDeadline(req: Request, ms: number): Request {
  const source = req.body;
  if (source === null) return req;
  const reader = source.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setTimeout(() => {
        controller.error(new BodyTimeoutError(ms));
        reader.cancel().catch(() => {});
      }, ms);
      // A body nobody reads must not keep the process alive at shutdown.
      Deno.unrefTimer(timer);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          clearTimeout(timer);
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        clearTimeout(timer);
        controller.error(error);
      }
    },
    cancel(reason) {
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  });
  return new Request(req.url, { method: req.method, headers: req.headers, body });
}
