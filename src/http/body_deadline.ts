/**
 * A deadline for request bodies: Deno.serve has no read timeouts, so a client that sends its
 * headers and then trickles (or never sends) the body would hold the request open for ever.
 * `withBodyDeadline` gives a request's body a deadline `ms` after the headers; bodies are read
 * with `readBody`, which fails with `BodyTimeoutError` past it (readJsonBody answers 408).
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

const _deadlines = new WeakMap<Request, { at: number; ms: number }>();

/**
 * Gives `req`'s body a deadline `ms` from now (its headers have arrived). Nothing is wrapped
 * (a wrapping stream and a copied Request cost ~15% of HTTP throughput): the deadline is kept
 * aside and `readBody` enforces it.
 */
export function withBodyDeadline(req: Request, ms: number): Request {
  if (req.body !== null) _deadlines.set(req, { at: Date.now() + ms, ms });
  return req;
}

/**
 * `req`'s whole body, or undefined when it is over `limit` bytes (refused by Content-Length
 * before reading, else counted as it arrives); throws BodyTimeoutError when it has not all
 * arrived by its deadline.
 */
export async function readBody(req: Request, limit: number): Promise<Uint8Array | undefined> {
  const body = req.body;
  if (body === null) return new Uint8Array();
  const deadline = _deadlines.get(req);
  const late = deadline === undefined ? undefined : _lateAfter(deadline);
  const inTime = <T>(read: Promise<T>): Promise<T> =>
    late ? Promise.race([read, late.promise]) : read;
  try {
    const declared = Number(req.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared)) {
      if (declared > limit) {
        await body.cancel();
        return undefined;
      }
      return new Uint8Array(await inTime(req.arrayBuffer()));
    }
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await inTime(reader.read());
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await reader.cancel();
          return undefined;
        }
        chunks.push(value);
      }
    } catch (error) {
      reader.cancel().catch(() => {});
      throw error;
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  } finally {
    if (late) _waiting.delete(late);
  }
}

/** A body being read, and what fails it when its deadline passes. */
interface _Late {
  at: number;
  promise: Promise<never>;
  fail(): void;
}

/**
 * The bodies being read. One timer checks them all (a timer per request costs every call a
 * timer's setup and teardown); it runs while bodies are waiting, every quarter of the shortest deadline (at most
 * every second), so a late body fails at most that much after its deadline.
 */
const _waiting = new Set<_Late>();
let _checker: { timer: ReturnType<typeof setInterval>; everyMs: number } | undefined;

function _lateAfter(deadline: { at: number; ms: number }): _Late {
  let fail!: () => void;
  const promise = new Promise<never>((_, reject) => {
    fail = () => reject(new BodyTimeoutError(deadline.ms));
  });
  promise.catch(() => {});
  const late: _Late = { at: deadline.at, promise, fail };
  _waiting.add(late);
  const everyMs = Math.max(10, Math.min(1_000, Math.floor(deadline.ms / 4)));
  if (_checker === undefined || _checker.everyMs > everyMs) {
    if (_checker) clearInterval(_checker.timer);
    const timer = setInterval(_failLate, everyMs);
    // Waiting bodies must not keep the process alive at shutdown.
    Deno.unrefTimer(timer);
    _checker = { timer, everyMs };
  }
  return late;
}

function _failLate(): void {
  if (_waiting.size === 0 && _checker) {
    clearInterval(_checker.timer);
    _checker = undefined;
    return;
  }
  const now = Date.now();
  for (const late of _waiting) {
    if (late.at > now) continue;
    _waiting.delete(late);
    late.fail();
  }
}
