/** The one JSON object guard (a plain object: not null, not an array). */
import type { JsonObject } from "./model.js";

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
