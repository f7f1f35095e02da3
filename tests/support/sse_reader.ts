/** Reads a Server-Sent Events response frame by frame, with a timeout per frame. */
import { within } from "./wait_for.ts";

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
}

const _ENDED = "the SSE stream ended";

export class SseReader {
  readonly response: Response;
  readonly #reader: ReadableStreamDefaultReader<string>;
  readonly #abort: AbortController | undefined;
  #buffer = "";
  #closed = false;

  private constructor(response: Response, abort: AbortController | undefined) {
    if (!response.body) throw new Error("no body");
    this.response = response;
    this.#reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    this.#abort = abort;
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    return new SseReader(response, abort);
  }

  /** Reads a response already in hand (an in-process handler's, or a backend's stream). */
  static of(response: Response): SseReader {
    return new SseReader(response, undefined);
  }

  /** The next frame; throws after `timeoutMs` or when the stream ends. */
  async next(timeoutMs = 10_000): Promise<SseFrame> {
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
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for an SSE frame`);
      const { done, value } = await within(this.#reader.read(), left, "an SSE frame");
      if (done) throw new Error(_ENDED);
      this.#buffer += value;
    }
  }

  /** The next frame of one of `events`, skipping others (heartbeats...). */
  async nextOf(events: string[], timeoutMs = 10_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (events.includes(frame.event)) return frame;
    }
  }

  /** True when the server ended the stream (read until the end, within `timeoutMs`). */
  async ended(timeoutMs = 10_000): Promise<boolean> {
    try {
      for (;;) await this.next(timeoutMs);
    } catch (error) {
      return error instanceof Error && error.message === _ENDED;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort?.abort();
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
