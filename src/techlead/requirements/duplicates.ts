/**
 * `duplicates: keep 1020` at the top of a requirement: the explicit, reviewed decision that resolves copies of a job
 * that already exist (several jobs carrying one requirement's ownership, from an earlier version or a race). The
 * plan then shows the other copies as deletes (part of its hash) and apply deletes exactly those, then updates the
 * kept job. A file that defines several jobs lists one kept id per job: `keep 1020, 2040`.
 */
import type { DuplicatesChoice, WorkItem } from "../../domain/model.js";

export const DUPLICATES_KEY = "duplicates";

const FORM = /^keep\s+(\d{1,18}(?:\s*,\s*\d{1,18})*)$/i;

/** The example the messages propose. */
export function duplicatesLine(ids: number[]): string {
  return `${DUPLICATES_KEY}: keep ${ids.join(", ")}`;
}

/** The front matter's `duplicates:` value read, or why it cannot be (undefined when the key is absent). */
export function readDuplicates(
  frontMatter: Record<string, unknown>,
): { choice: DuplicatesChoice } | { problem: string } | undefined {
  const value = frontMatter[DUPLICATES_KEY];
  if (value === undefined) return undefined;
  const match = typeof value === "string" ? FORM.exec(value.trim()) : null;
  const ids = match ? (match[1] ?? "").split(",").map((id) => Number(id.trim())) : [];
  if (!match || ids.some((id) => !Number.isSafeInteger(id) || id <= 0))
    return {
      problem: `${DUPLICATES_KEY} must be \`keep <job id>\` (the copy to keep; several jobs in this file: one id each, comma-separated), found ${JSON.stringify(value)}`,
    };
  if (new Set(ids).size !== ids.length)
    return { problem: `${DUPLICATES_KEY} names job ${ids.find((id, i) => ids.indexOf(id) !== i)} twice` };
  return { choice: { keep: ids } };
}

/** The requirement's choice given to each job it defines (create items); other items are not resolved by it. */
export function withDuplicates(frontMatter: Record<string, unknown>, items: WorkItem[]): WorkItem[] {
  const read = readDuplicates(frontMatter);
  if (!read || !("choice" in read)) return items;
  return items.map((item) => (item.action === "create" ? { ...item, duplicates: read.choice } : item));
}
