/** Reads a process's output line by line, with a timeout per line. */
import { within } from "./wait_for.ts";

export class LineReader {
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  async next(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf("\n");
      if (end >= 0) {
        const line = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 1);
        return line;
      }
      const { done, value } = await within(
        this.#reader.read(),
        Math.max(1, deadline - Date.now()),
        `a line; have: ${this.#buffer}`,
      );
      if (done) throw new Error(`output ended; have: ${this.#buffer}`);
      this.#buffer += value;
    }
  }

  /** Reads whatever is left until the stream ends. */
  async rest(): Promise<string> {
    for (;;) {
      const { done, value } = await this.#reader.read();
      if (done) return this.#buffer;
      this.#buffer += value;
    }
  }
}
