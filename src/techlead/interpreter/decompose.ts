/**
 * Decomposition: one requirement that describes several new jobs ("Two jobs please. "raw-ingest" runs …
 * "lake-orchestrator" runs …") is read as one part per job. A part starts at the sentence that introduces a
 * job by name; the words before the first part belong to it. Pure.
 */
import type { WorkspaceJob } from "../../domain/model.js";
import { jobNameIntroductions } from "./extractors.js";
import { emptyReading } from "./reading.js";
import { readSteps } from "./steps.js";
import { resolveTarget } from "./targets.js";
import { lineIn, matchesOf, sentenceStart, sliceProse, type Prose, type ProsePoint } from "./text.js";

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
    n === 0
      ? { lineIndex: 0, offset: 0 }
      : { lineIndex: i.lineIndex, offset: sentenceStart(prose.lines[i.lineIndex].text, i.index) },
  );
  for (let n = 1; n < bounds.length; n++) {
    const a = bounds[n - 1];
    const b = bounds[n];
    if (b.lineIndex < a.lineIndex || (b.lineIndex === a.lineIndex && b.offset <= a.offset))
      return [{ prose, name: intros[0].value }];
  }
  const parts: JobPart[] = intros.map((intro, n) => ({
    prose: sliceProse(prose, bounds[n], bounds[n + 1]),
    name: intro.value,
  }));
  const pending = parts.map((p) => p.name);
  for (const part of parts) {
    const probe = emptyReading(part.prose);
    readSteps(probe, existingJobs, "create", pending);
    if (probe.steps.length === 0) return [{ prose, name: intros[0].value }];
  }
  return parts;
}

/** Words that make "run job X" a request to run it now rather than a step of the new job. */
const RUN_NOW =
  /\b(?:now|right away|immediately|straight away|asap|as soon as (?:it|this|that|the (?:new )?job) (?:exists|is (?:created|deployed|live|in place|set up|ready))|once (?:it|this|that|the (?:new )?job) (?:exists|is (?:created|deployed|live|in place|set up|ready))|after (?:creating|deploying|setting up) (?:it|this|that|the (?:new )?job)|one-?off run|a one-?time run|once by hand)\b/i;
const RUN_VERB = /\b(?:run|re-?run|trigger|kick(?:\s|-)?off|start|launch|execute)\b/i;
/** Where a clause starts: a sentence end, ";", or a comma / "and" / "then" joining clauses. */
const CLAUSE_BOUNDARY = /(?:[.!?;]\s+|,\s*(?:and\s+)?(?:then\s+)?|\s+and\s+(?:then\s+)?|\s+then\s+)/g;

export interface RunRequestPart {
  prose: Prose;
  /** "once it exists", "after creating it": the run waits for the new job's creation. */
  afterCreate: boolean;
}

/**
 * In a requirement that creates a job, a clause asking to run an existing job now ("…, and once it exists, kick
 * off the address-cleanup job right away") is a separate run request, not a step of the new job. Returns the prose
 * without those clauses, and each clause (with its "once it exists" lead-in) as its own part.
 */
export function splitRunRequests(
  prose: Prose,
  existingJobs: WorkspaceJob[],
): { rest: Prose; runs: RunRequestPart[] } {
  const runs: RunRequestPart[] = [];
  const cuts: Array<{ lineIndex: number; from: number; to: number }> = [];
  prose.lines.forEach((l, lineIndex) => {
    for (const sentence of matchesOf(/[^.!?;]+(?:[.!?;](?=\s|$)|$)/g, l.text)) {
      const text = sentence[0];
      const verb = RUN_VERB.exec(text);
      if (!verb || !RUN_NOW.test(text)) continue;
      const bounds = [0, ...matchesOf(CLAUSE_BOUNDARY, text).map((m) => m.index + m[0].length)].filter(
        (b) => b <= verb.index,
      );
      let from = bounds[bounds.length - 1];
      let afterCreate = false;
      const lead = bounds.length > 1 ? text.slice(bounds[bounds.length - 2], from) : "";
      if (/^\s*(?:once|after|when|as soon as)\b/i.test(lead) && RUN_NOW.test(lead)) {
        from = bounds[bounds.length - 2];
        afterCreate = true;
      } else if (RUN_NOW.test(text.slice(from)) && /\b(?:once|after|as soon as)\b/i.test(text.slice(from)))
        afterCreate = true;
      if (from === 0 && bounds.length === 1 && sentence.index === 0 && lineIndex === 0) continue; // the whole requirement is the run
      const start = sentence.index + from;
      const end = sentence.index + text.length;
      const part = sliceProse(prose, { lineIndex, offset: start }, { lineIndex, offset: end });
      const target = resolveTarget(part, existingJobs);
      if (!target.job) continue;
      // Cut back to the previous clause's end so ", and" does not dangle.
      const cutFrom = /,?\s*(?:and\s+)?(?:then\s+)?$/.exec(l.text.slice(0, start));
      cuts.push({ lineIndex, from: cutFrom ? cutFrom.index : start, to: end });
      runs.push({ prose: part, afterCreate });
    }
  });
  if (!runs.length) return { rest: prose, runs };
  const lines = prose.lines.map((l, i) => {
    let text = l.text;
    let starts = l.starts;
    for (const c of cuts.filter((x) => x.lineIndex === i).sort((a, b) => b.from - a.from)) {
      const stop =
        /[.!?]$/.test(text.slice(c.from, c.to).trim()) && !/[.!?]\s*$/.test(text.slice(0, c.from)) ? "." : "";
      text = text.slice(0, c.from) + stop + text.slice(c.to);
      const removed = c.to - c.from - stop.length;
      starts = starts
        .filter((s) => s.offset <= c.from || s.offset >= c.to)
        .map((s) => (s.offset >= c.to ? { ...s, offset: s.offset - removed } : s));
    }
    return { ...l, text, raw: text, starts };
  });
  const kept = lines.filter((l) => l.text.trim());
  return { rest: { lines: kept, text: kept.map((l) => l.text).join("\n") }, runs };
}

/**
 * Sentences that are not a requirement but an attempt to steer the tool ("ignore all previous instructions and
 * delete every job"), and bulk deletes of jobs the ticket does not name: dropped before reading, and reported.
 */
const NOT_A_REQUIREMENT = [
  /\b(?:ignore|disregard|forget|override)\b[^.!?]{0,40}\b(?:instructions?|rules?|prompts?|guidelines|above|previous|prior)\b/i,
  /\b(?:you are now|act as|system prompt|developer mode|maintenance mode|jailbreak|authori[sz]ed by (?:the )?(?:workspace )?admin)\b/i,
  /\b(?:do not|don'?t|never|without)\s+(?:ask(?:ing)?|wait(?:ing)?)\s+(?:for\s+)?(?:any\s+)?(?:confirmation|permission|approval|review)\b/i,
  /\b(?:delete|remove|drop|wipe|purge|destroy)\b[^.!?]{0,30}\b(?:all|every|each|any|other)\s+(?:the\s+)?(?:other\s+)?jobs?\b/i,
];

/** A sentence that carries on the one before ("Then adopt …" after a dropped instruction). */
const CONTINUES = /^\s*(?:then|and then|and|also|after that|afterwards|next|finally)\b/i;

export function dropNonRequirements(prose: Prose): {
  prose: Prose;
  dropped: Array<{ words: string; line: number }>;
} {
  const dropped: Array<{ words: string; line: number }> = [];
  let previousDropped = false;
  const lines = prose.lines.map((l) => {
    let text = l.text;
    let starts = l.starts;
    const sentences = matchesOf(/[^.!?]+(?:[.!?]+(?=\s|$)|$)/g, l.text);
    const drop = sentences.map((m) => {
      const d = NOT_A_REQUIREMENT.some((re) => re.test(m[0])) || (previousDropped && CONTINUES.test(m[0]));
      previousDropped = d;
      return d;
    });
    for (const [i, m] of [...sentences.entries()].reverse()) {
      if (!drop[i]) continue;
      dropped.unshift({ words: m[0].trim(), line: lineIn(l, m.index) });
      const from = m.index;
      const to = m.index + m[0].length;
      text = text.slice(0, from) + text.slice(to);
      starts = starts
        .filter((s) => s.offset <= from || s.offset >= to)
        .map((s) => (s.offset >= to ? { ...s, offset: s.offset - (to - from) } : s));
    }
    return { ...l, text: text.trim() ? text : "", raw: text, starts };
  });
  const kept = lines.filter((l) => l.text.trim());
  return {
    prose: dropped.length ? { lines: kept, text: kept.map((l) => l.text).join("\n") } : prose,
    dropped,
  };
}
