/**
 * Decomposition: one requirement that describes several new jobs ("Two jobs please. "raw-ingest" runs …
 * "lake-orchestrator" runs …") is read as one part per job. A part starts at the sentence that introduces a
 * job by name; the words before the first part belong to it. Pure.
 */
import type { WorkspaceJob } from "../domain/model.js";
import { jobNameIntroductions } from "./extractors.js";
import { emptyReading } from "./reading.js";
import { readSteps } from "./steps.js";
import { sentenceStart, sliceProse, type Prose, type ProsePoint } from "./text.js";

export interface JobPart {
  prose: Prose;
  /** The name the part introduces. */
  name: string;
}

/**
 * Splits a requirement into the new jobs it describes. Returns a single part (the whole prose) unless at least
 * two different new jobs are introduced by name and each part names code of its own (a quoted step name is not a
 * second job).
 */
export function splitJobs(prose: Prose, existingJobs: WorkspaceJob[]): JobPart[] {
  const intros = jobNameIntroductions(prose, existingJobs);
  if (intros.length < 2) return [{ prose, name: intros[0]?.value ?? "" }];
  const bounds: ProsePoint[] = intros.map((i, n) =>
    n === 0 ? { lineIndex: 0, offset: 0 } : { lineIndex: i.lineIndex, offset: sentenceStart(prose.lines[i.lineIndex].text, i.index) },
  );
  for (let n = 1; n < bounds.length; n++) {
    const a = bounds[n - 1];
    const b = bounds[n];
    if (b.lineIndex < a.lineIndex || (b.lineIndex === a.lineIndex && b.offset <= a.offset)) return [{ prose, name: intros[0].value }];
  }
  const parts: JobPart[] = intros.map((intro, n) => ({ prose: sliceProse(prose, bounds[n], bounds[n + 1]), name: intro.value }));
  const pending = parts.map((p) => p.name);
  for (const part of parts) {
    const probe = emptyReading(part.prose);
    readSteps(probe, existingJobs, "create", pending);
    if (probe.steps.length === 0) return [{ prose, name: intros[0].value }];
  }
  return parts;
}
