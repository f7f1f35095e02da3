/**
 * Reads a Server-Sent Events body frame by frame until it ends, `onFrame` says stop, or
 * `signal` aborts (the reader is cancelled then: no frame is handled after an abort).
 */

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
}

export async function readSse(
  body: ReadableStream<Uint8Array>,
  onFrame: (frame: SseFrame) => void | "stop",
  signal?: AbortSignal,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  signal?.addEventListener("abort", () => void reader.cancel().catch(() => {}));
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const frame = _parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (signal?.aborted) return;
        if (frame !== undefined && onFrame(frame) === "stop") return;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function _parse(raw: string): SseFrame | undefined {
  let id: string | undefined;
  let event = "message";
  const data: string[] = [];
  for (const line of raw.split("\n")) {
    if (line.startsWith("id:")) id = line.slice(3).trim();
    else if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
  }
  return data.length === 0 ? undefined : { id, event, data: data.join("\n") };
}
