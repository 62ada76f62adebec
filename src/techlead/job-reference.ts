/**
 * How a requirement refers to an existing job by the words of its name, in any order and with other words between
 * them: "run Customer Sync for the EU now" names "Customer Sync (EU)". One rule for both readers (the offline
 * interpreter's target resolution and the LLM path's target guard), so that they accept the same references. Pure.
 */
import type { WorkspaceJob } from "../domain/model.js";

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a job name or of a sentence, lower-cased, without punctuation ("Customer Sync (EU)" → customer, sync, eu). */
function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/**
 * The jobs one sentence of the text singles out: a sentence that holds every word of the job's name (two words or
 * more) and fits no other job's name so, with the words from the first of the name's words to the last. "run
 * Customer Sync for the EU now. Not the US one" → "Customer Sync for the EU" for "Customer Sync (EU)", nothing for
 * "Customer Sync (US)" (its "us" is in another sentence). A sentence that fits two names singles out neither.
 */
export function jobsNamedByWords(
  text: string,
  jobs: WorkspaceJob[],
): Array<{ job: WorkspaceJob; words: string; at: number }> {
  const names = jobs
    .map((job) => ({ job, words: new Set(wordsOf(job.settings.name ?? "")) }))
    .filter((n) => n.words.size >= 2);
  const out: Array<{ job: WorkspaceJob; words: string; at: number }> = [];
  if (names.length === 0) return out;
  let offset = 0;
  for (const sentence of text.split(/(?<=[.!?;\n])/)) {
    const start = offset;
    offset += sentence.length;
    const present = new Set(wordsOf(sentence));
    const fitting = names.filter((n) => [...n.words].every((w) => present.has(w)));
    if (fitting.length !== 1) continue;
    const { job, words } = fitting[0]!;
    if (out.some((o) => o.job.job_id === job.job_id)) continue;
    const spans = [...sentence.matchAll(WORD)].filter((m) => words.has(m[0].toLowerCase()));
    const from = spans[0]!.index ?? 0;
    const last = spans.at(-1)!;
    out.push({ job, words: sentence.slice(from, (last.index ?? 0) + last[0].length), at: start + from });
  }
  return out;
}
