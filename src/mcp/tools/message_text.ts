/**
 * A message as a result's text shows it. Its flags (broadcast, ack_required, unread, archived)
 * appear only when true, and its thread_id only when it names another thread than the one
 * shown (a message that starts its own thread, or one of the thread get_thread returns, needs
 * none). structuredContent keeps every field; the server instructions tell the model so.
 */

const _FLAGS = ["broadcast", "ack_required", "unread", "archived"] as const;

export function messageText<M extends { id: number; thread_id: number }>(
  message: M,
  shownThread?: number,
): Record<string, unknown> {
  const view: Record<string, unknown> = { ...message };
  for (const flag of _FLAGS) if (view[flag] === false) delete view[flag];
  if (message.thread_id === (shownThread ?? message.id)) delete view["thread_id"];
  return view;
}
