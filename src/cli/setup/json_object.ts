/** Reading MCP config files: JSON objects, refused clearly when they are not. */
import { ConfigError } from "../../config.ts";

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JSON object in `path`; null when the file does not exist. */
export async function readJsonObject(path: string): Promise<JsonObject | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${path} is not plain JSON (${
        String(error instanceof Error ? error.message : error).replace(/\s+/g, " ")
      }); ` +
        "comments and trailing commas are not rewritten: add the entry by hand",
    );
  }
  if (!isObject(value)) throw new ConfigError(`${path} does not hold a JSON object`);
  return value;
}

/** Strings only, from a JSON array or object (an entry's args or env). */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** Writes `value` to `path` (folders made), keeping the file's mode, 0600 for a new file. */
export async function writeJsonObject(path: string, value: JsonObject): Promise<void> {
  const folder = path.replace(/[\\/][^\\/]*$/, "");
  await Deno.mkdir(folder, { recursive: true });
  const exists = await Deno.stat(path).then(() => true, () => false);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  await Deno.writeTextFile(path, text, exists ? {} : { mode: 0o600 });
}
