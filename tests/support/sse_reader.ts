/** Reads a Server-Sent Events response frame by frame, with a timeout per frame. */

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
}

export class SseReader {
  readonly response: Response;
  readonly #reader: ReadableStreamDefaultReader<string>;
  readonly #abort: AbortController;
  #buffer = "";
  #closed = false;

  private constructor(
    response: Response,
    reader: ReadableStreamDefaultReader<string>,
    abort: AbortController,
  ) {
    this.response = response;
    this.#reader = reader;
    this.#abort = abort;
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    if (!response.body) throw new Error("no body");
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    return new SseReader(response, reader, abort);
  }

  /** The next frame; throws after `timeoutMs` or when the stream ends. */
  async next(timeoutMs = 5_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\n\n");
      if (end >= 0) {
        const raw = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        if (raw.split("\n").every((line) => line.startsWith(":"))) continue;
        return _parse(raw);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for an SSE frame");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out waiting for an SSE frame")), left);
      });
      try {
        const { done, value } = await Promise.race([this.#reader.read(), timeout]);
        if (done) throw new Error("the SSE stream ended");
        this.#buffer += value;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  /** The next frame of one of `events`, skipping others (heartbeats...). */
  async nextOf(events: string[], timeoutMs = 5_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (events.includes(frame.event)) return frame;
    }
  }

  /** True when the server ended the stream (read until the end, within `timeoutMs`). */
  async ended(timeoutMs = 5_000): Promise<boolean> {
    try {
      for (;;) await this.next(timeoutMs);
    } catch (error) {
      return error instanceof Error && error.message === "the SSE stream ended";
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort();
    await this.#reader.cancel().catch(() => {});
  }
}

function _parse(raw: string): SseFrame {
  const frame: SseFrame = { id: undefined, event: "message", data: "" };
  const data: string[] = [];
  for (const line of raw.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") frame.id = value;
    else if (field === "event") frame.event = value;
    else if (field === "data") data.push(value);
  }
  frame.data = data.join("\n");
  return frame;
}
