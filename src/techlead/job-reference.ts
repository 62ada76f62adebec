/**
 * How a requirement refers to an existing job by the words of its name, in any order and with other words between
 * them: "run Customer Sync for the EU now" names "Customer Sync (EU)". One rule for both readers (the offline
 * interpreter's target resolution and the LLM path's target guard), so that they accept the same references. Pure.
 */
import type { WorkspaceJob } from "../domain/model.js";

/** The words of a job name or of a sentence, lower-cased, without punctuation ("Customer Sync (EU)" → customer, sync, eu). */
function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** A name of two words or more whose every word the sentence holds. */
function fits(sentence: Set<string>, name: string | undefined): boolean {
  const words = new Set(wordsOf(name ?? ""));
  return words.size >= 2 && [...words].every((w) => sentence.has(w));
}

/**
 * The first sentence that holds every word of the job's name (two words or more) and fits no other existing job's
 * name so, with the words from the first of the name's words to the last: "run Customer Sync for the EU now. Not
 * the US one" → "Customer Sync for the EU" for "Customer Sync (EU)", nothing for "Customer Sync (US)" (its "us" is in
 * another sentence). A sentence that fits two names singles out neither.
 */
export function nameWordsInOneSentence(
  text: string,
  job: WorkspaceJob,
  jobs: WorkspaceJob[],
): { words: string; at: number } | undefined {
  const wanted = new Set(wordsOf(job.settings.name ?? ""));
  if (wanted.size < 2) return undefined;
  let offset = 0;
  for (const sentence of text.split(/(?<=[.!?;\n])/)) {
    const start = offset;
    offset += sentence.length;
    const present = new Set(wordsOf(sentence));
    if (!fits(present, job.settings.name)) continue;
    if (jobs.some((j) => j.job_id !== job.job_id && fits(present, j.settings.name))) continue;
    const spans = [...sentence.matchAll(/[\p{L}\p{N}]+/gu)].filter((m) => wanted.has(m[0].toLowerCase()));
    const first = spans[0]!;
    const last = spans.at(-1)!;
    const from = first.index ?? 0;
    return { words: sentence.slice(from, (last.index ?? 0) + last[0].length), at: start + from };
  }
  return undefined;
}
