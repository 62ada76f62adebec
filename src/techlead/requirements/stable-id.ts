/**
 * A requirement's stable id (`id:` in its front matter): when present, it — not the file's path — names the
 * requirement's tasks and so the ownership tag on its jobs, so the file can be renamed or moved without touching a
 * job (like a bundle's resource key). Changing the id itself is a planned replace.
 */
import type { JsonObject } from "../../domain/model.js";

/** Letters, digits, `_` and `-` (no `.`: it separates the id from the item key in a task id; no `/`). */
export const STABLE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/** The requirement's stable id, or undefined when it has none (or an invalid one: validation reports it). */
export function stableIdOf(frontMatter: JsonObject | undefined): string | undefined {
  const id = frontMatter?.id;
  return typeof id === "string" && STABLE_ID.test(id) ? id : undefined;
}
