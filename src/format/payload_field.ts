/** Reads a field of an event payload value without trusting its shape. */
export function payloadField(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}
