/**
 * The push floor: a bare SSE fan-out. GET /events/N opens stream N; POST /fire?to=N writes one
 * event to stream N (to=all: to every stream). Prints its port on stdout.
 */
const streams = new Map<string, ReadableStreamDefaultController<Uint8Array>>();
const encoder = new TextEncoder();
let seq = 0;

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, (req) => {
  const url = new URL(req.url);
  if (req.method === "GET" && url.pathname.startsWith("/events/")) {
    const name = url.pathname.slice(8);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        streams.set(name, controller);
        controller.enqueue(encoder.encode("event: connected\ndata: {}\n\n"));
      },
      cancel() {
        streams.delete(name);
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  }
  const to = url.searchParams.get("to") ?? "all";
  const frame = encoder.encode(`id: ${++seq}\nevent: message\ndata: {"n":${seq}}\n\n`);
  for (const [name, controller] of streams) {
    if (to === "all" || to === name) controller.enqueue(frame);
  }
  return new Response(String(seq));
});
