/**
 * A server-sent-events response body with a bounded queue: frames wait here until the client
 * reads them, and a client that falls `limit` behind is dropped (the stream ends and what was
 * queued is let go at once) instead of being buffered without bound. Used by `/events` and the
 * legacy `/sse` transport.
 */

/** How far behind a reader may fall: in frames, in bytes, or both. */
export interface QueueLimit {
  frames?: number;
  bytes?: number;
}

export class BoundedSseStream {
  readonly stream: ReadableStream<Uint8Array>;
  readonly #limit: QueueLimit;
  readonly #onClose: (dropped: boolean) => void;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  /** The reader is waiting for a frame (pull found the queue empty). */
  #wanted = false;
  /** close() was called: end once the queue is delivered. */
  #ending = false;
  #closed = false;

  /** `onClose` runs once, when the stream ends for any reason (`dropped`: it fell behind). */
  constructor(options: { limit: QueueLimit; onClose(dropped: boolean): void }) {
    this.#limit = options.limit;
    this.#onClose = options.onClose;
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
      },
      pull: (controller) => this.#pull(controller),
      cancel: () => this.#finish(false),
    }, { highWaterMark: 0 });
  }

  get closed(): boolean {
    return this.#closed || this.#ending;
  }

  /** Bytes waiting for the reader. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  /** Queues a frame; returns false when the stream is (now) closed: ended, or dropped. */
  write(frame: Uint8Array): boolean {
    const controller = this.#controller;
    if (this.closed || !controller) return false;
    if (this.#wanted) {
      this.#wanted = false;
      controller.enqueue(frame);
      return true;
    }
    const frames = this.#limit.frames ?? Infinity;
    const bytes = this.#limit.bytes ?? Infinity;
    if (this.#queue.length >= frames || this.#queuedBytes + frame.byteLength > bytes) {
      this.drop();
      return false;
    }
    this.#queue.push(frame);
    this.#queuedBytes += frame.byteLength;
    return true;
  }

  /** Ends the stream once what is queued has been read. */
  close(): void {
    if (this.closed) return;
    this.#ending = true;
    if (this.#queue.length === 0) this.#end(false);
  }

  /** Ends the stream now, letting go of what is queued (a reader that fell behind). */
  drop(): void {
    if (this.#closed) return;
    this.#end(true);
  }

  /**
   * Ends the stream now with one last frame, letting go of what is queued before it: the
   * reader gets that frame after what it was already handed, and holds nothing else.
   */
  dropWith(frame: Uint8Array): void {
    if (this.#closed) return;
    this.#queue = [];
    this.#queuedBytes = 0;
    try {
      this.#controller?.enqueue(frame);
    } catch {
      // the reader already went away
    }
    this.#end(true);
  }

  #pull(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.#wanted = true;
      return;
    }
    this.#queuedBytes -= next.byteLength;
    controller.enqueue(next);
    if (this.#ending && this.#queue.length === 0) this.#end(false);
  }

  #end(dropped: boolean): void {
    try {
      this.#controller?.close();
    } catch {
      // the reader already went away
    }
    this.#finish(dropped);
  }

  #finish(dropped: boolean): void {
    this.#queue = [];
    this.#queuedBytes = 0;
    if (this.#closed) return;
    this.#closed = true;
    this.#ending = true;
    this.#onClose(dropped);
  }
}
