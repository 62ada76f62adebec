/**
 * Which existing job a ticket means (by id, tag, code path or name; typos tolerated with Levenshtein),
 * and what it asks for (create / update / delete / run). Pure.
 */
import { escapeRegExp } from "../../domain/regexp.js";
import { jobsNamedByWords } from "../job-reference.js";
import { distance } from "fastest-levenshtein";
import type { WorkspaceJob } from "../../domain/model.js";
import { findIdentifier, matchesOf, trimPath, WORKSPACE_PATH_RE, type Prose } from "./text.js";

export interface TargetMatch {
  job: WorkspaceJob;
  by: "id" | "tag" | "path" | "name" | "fuzzy-name" | "name-words";
  words: string;
  line?: number;
  /** Where in the ticket's text the words are (ids, paths and names). */
  at?: number;
}

/**
 * "2. DO NOT touch job 9932 — it is the replacement", "leave uc_sync alone", "but not 9932": a job the words say to
 * keep out of the change is not a target (unless every job named is).
 */
const KEPT_BEFORE =
  /\b(?:(?:do\s+not|don'?t|dont|never|must\s+not|shall\s+not|should\s+not)\s+(?:\w+\s+){0,2}?(?:touch|delete|remove|change|modify|run|trigger|pause|drop)|leave|keep|except(?:\s+for)?|but\s+not|other\s+than)\b[^.;!?\n—]*$/i;
const KEPT_AFTER = /^[^.;!?\n—]*?\b(?:alone|untouched|as\s+(?:it\s+)?is)\b/i;

function keptOut(text: string, at: number | undefined, length: number): boolean {
  if (at === undefined) return false;
  return KEPT_BEFORE.test(text.slice(0, at)) || KEPT_AFTER.test(text.slice(at + length));
}

export interface TargetResolution {
  /** The one job meant, when the ticket's words single it out. */
  job?: TargetMatch;
  /** Several jobs fit (ask), or the words only partly fit some jobs (ask, listing them). */
  candidates: WorkspaceJob[];
  /** A question when the job cannot be determined. */
  question?: string;
  /** Any words that refer to an existing job at all (an id, a tag, "the X job"). */
  referenced: boolean;
  /** Words of the reference that did not resolve (e.g. `job 42`, `"churn-model-training"`). */
  unresolved?: string;
}

function jobLabel(j: WorkspaceJob): string {
  return `"${j.settings.name ?? "(unnamed)"}" (job_id ${j.job_id})`;
}

function codePaths(job: WorkspaceJob): string[] {
  const out: string[] = [];
  for (const t of job.settings.tasks ?? []) {
    const nb = (t.notebook_task as { notebook_path?: string } | undefined)?.notebook_path;
    const py = (t.spark_python_task as { python_file?: string } | undefined)?.python_file;
    const sql = ((t.sql_task as { file?: { path?: string } } | undefined)?.file ?? {}).path;
    for (const p of [nb, py, sql]) if (p) out.push(p);
  }
  return out;
}

export function resolveTarget(prose: Prose, jobs: WorkspaceJob[]): TargetResolution {
  const lineOf = (re: RegExp): number | undefined => prose.lines.find((l) => re.test(l.text))?.line;
  const text = prose.lines.map((l) => l.raw).join("\n");
  const matches: TargetMatch[] = [];
  let unresolved: string | undefined;
  let referenced = false;

  // 1. ids: "job 5521", "job #9090", "job_id 123", "job id: 7"
  for (const m of matchesOf(
    /\bjob(?:\s+with(?:\s+the)?\s+id|[\s_-]?id)?\s*[:#]?\s*#?(\d{1,19})\b|#(\d{2,19})\b/gi,
    text,
  )) {
    referenced = true;
    const id = Number(m[1] ?? m[2]);
    const job = jobs.find((j) => j.job_id === id);
    if (job)
      matches.push({
        job,
        by: "id",
        words: m[0],
        line: lineOf(new RegExp(m[0].replace(/[#]/g, "\\#"))),
        at: m.index,
      });
    else unresolved = m[0];
  }
  // 2. tags: "tagged owner=treasury", "with tag project=atlas-poc"
  for (const m of matchesOf(
    /\b(?:tagged|with\s+(?:the\s+)?tag)\s+`?([\w.-]+)\s*[=:]\s*([\w.@/-]+?)`?(?=[\s,.;]|$)/gi,
    text,
  )) {
    referenced = true;
    const hits = jobs.filter((j) => (j.settings.tags ?? {})[m[1]] === m[2]);
    for (const job of hits) matches.push({ job, by: "tag", words: m[0], line: lineOf(/tag/i) });
    if (!hits.length) unresolved = m[0];
  }
  // 3. code paths: a path in the ticket that an existing job runs
  for (const m of matchesOf(WORKSPACE_PATH_RE, text)) {
    const path = trimPath(m[0]);
    const hits = jobs.filter((j) => codePaths(j).includes(path));
    for (const job of hits)
      matches.push({
        job,
        by: "path",
        words: path,
        line: lineOf(new RegExp(escapeRegExp(path))),
        at: m.index,
      });
  }
  // 4. exact names, longest first; a name inside a longer matched name does not count
  const named: Array<{ job: WorkspaceJob; start: number; end: number }> = [];
  for (const job of jobs) {
    const name = job.settings.name;
    if (!name || name.length < 3) continue;
    const at = findIdentifier(text, name);
    if (at >= 0) named.push({ job, start: at, end: at + name.length });
  }
  for (const n of named) {
    if (
      named.some((o) => o !== n && o.start <= n.start && o.end >= n.end && o.end - o.start > n.end - n.start)
    )
      continue;
    referenced = true;
    matches.push({
      job: n.job,
      by: "name",
      words: n.job.settings.name ?? "",
      line: lineOf(new RegExp(escapeRegExp(n.job.settings.name!), "i")),
      at: n.start,
    });
  }
  // Jobs the words keep out of the change are not targets, unless every job named is.
  const kept = matches.filter((m) => keptOut(text, m.at, m.words.length));
  if (kept.length && kept.length < matches.length)
    for (const k of kept) matches.splice(matches.indexOf(k), 1);

  const byStrength = (["id", "tag", "name", "path"] as const).map((by) =>
    unique(matches.filter((m) => m.by === by)),
  );
  // An id decides; a name or path that disagrees with it is a contradiction.
  for (const group of byStrength) {
    if (group.length === 0) continue;
    // "delete the **old-clickstream** job, replaced by clickstream": a name written in bold, backticks or quotes
    // is the one the ticket means (explicit beats derived), when exactly one of the names is written so.
    const marked = group.filter((g) => g.by === "name" && markedIn(text, g.words));
    if (group.length > 1 && marked.length === 1) return { job: marked[0], candidates: [], referenced: true };
    if (group.length > 1) {
      return {
        candidates: group.map((g) => g.job),
        referenced: true,
        question: `More than one job fits ${group.map((g) => `"${g.words}"`).join(", ")}: ${group.map((g) => jobLabel(g.job)).join(", ")}. Which one do you mean?`,
      };
    }
    const chosen = group[0];
    const conflicting = unique(
      matches.filter((m) => m.job.job_id !== chosen.job.job_id && (m.by === "id" || m.by === "tag")),
    );
    if (conflicting.length) {
      return {
        candidates: [chosen.job, ...conflicting.map((c) => c.job)],
        referenced: true,
        question: `The ticket names ${jobLabel(chosen.job)} ("${chosen.words}") and ${conflicting.map((c) => `${jobLabel(c.job)} ("${c.words}")`).join(", ")}. Which job do you mean?`,
      };
    }
    return { job: chosen, candidates: [], referenced: true };
  }

  // 5. Typos in a name ("nightly-order" for "nightly-orders"): identifier-like tokens within a small edit distance.
  // Names are never read inside paths, URLs or e-mail addresses ("/Repos/v/pull_vendors" names no job).
  const words = text.replace(
    /https?:\/\/\S+|\S+@\S+|(?:dbfs:|s3a?:\/|abfss:\/|gs:\/)?\/[^\s,;'"`()]+/g,
    (m) => " ".repeat(m.length),
  );
  const tokens = [
    ...matchesOf(/["“`']([^"”`'\n]{3,80})["”`']|\b([A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+)\b/g, words),
  ].map((m) => m[1] ?? m[2]);
  const fuzzy: TargetMatch[] = [];
  for (const token of tokens) {
    for (const job of jobs) {
      const name = job.settings.name ?? "";
      if (name.length < 6) continue;
      const d = distance(token.toLowerCase(), name.toLowerCase());
      if (d > 0 && d <= Math.max(1, Math.floor(name.length / 10)))
        fuzzy.push({ job, by: "fuzzy-name", words: token });
    }
  }
  const fuzzyUnique = unique(fuzzy);
  if (fuzzyUnique.length === 1) return { job: fuzzyUnique[0], candidates: [], referenced: true };

  // 6. Every word of one job's name in one sentence that fits no other job's name: "run Customer Sync for the EU
  // now. Not the US one" (the rule the LLM path's guard applies too, job-reference.ts).
  const byWords = jobsNamedByWords(text, jobs);
  if (byWords.length === 1) {
    const { job, words, at } = byWords[0]!;
    return {
      job: { job, by: "name-words", words, line: lineOf(new RegExp(escapeRegExp(words))), at },
      candidates: [],
      referenced: true,
    };
  }

  // 7. Partial words: "the marketing job", "the churn job" → every job whose name contains the word; always ask.
  const partial: WorkspaceJob[] = [];
  const phrase = /\b(?:the\s+)?([A-Za-z][\w-]{2,}(?:\s+[A-Za-z][\w-]{2,})?)\s+job\b/gi;
  const stop =
    /^(the|a|an|this|that|new|existing|whole|same|other|which|whatever|streaming|heavy|weekly|daily|nightly|dbt|sql|python|spark|some|any|one|ingest job)$/i;
  for (const m of matchesOf(phrase, text)) {
    const words = m[1].split(/\s+/).filter((w) => !stop.test(w));
    if (!words.length) continue;
    referenced = true;
    for (const job of jobs) {
      const name = (job.settings.name ?? "").toLowerCase();
      if (
        words.every(
          (w) => name.split(/[^a-z0-9]+/).includes(w.toLowerCase()) || name.includes(w.toLowerCase()),
        )
      )
        partial.push(job);
    }
    if (!partial.length) unresolved ??= m[0];
  }
  // Quoted or hyphenated names that match nothing ("run the churn-model-training job now").
  for (const token of tokens) {
    // A UUID (pipeline, query, principal) is never a job name.
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token)) continue;
    if (/[-_]/.test(token) || /["“`']/.test(token)) {
      if (!jobs.some((j) => (j.settings.name ?? "").toLowerCase() === token.toLowerCase()))
        unresolved ??= token;
    }
  }
  const partialUnique = [...new Map(partial.map((j) => [j.job_id, j])).values()];
  if (partialUnique.length) {
    return {
      candidates: partialUnique,
      referenced: true,
      question: `No job is named exactly as in the ticket; ${partialUnique.length > 1 ? "these fit" : "this one fits"}: ${partialUnique.map(jobLabel).join(", ")}. Which job do you mean (name or job_id)?`,
    };
  }
  return { candidates: [], referenced: referenced || unresolved !== undefined, unresolved };
}

/** Whether `name` is written in the text inside bold, backticks or quotes. */
function markedIn(text: string, name: string): boolean {
  const n = escapeRegExp(name);
  return new RegExp(String.raw`\*\*${n}\*\*|\`${n}\`|["“]${n}["”]`, "i").test(text);
}

function unique(matches: TargetMatch[]): TargetMatch[] {
  const seen = new Map<number, TargetMatch>();
  for (const m of matches) if (!seen.has(m.job.job_id)) seen.set(m.job.job_id, m);
  return [...seen.values()];
}

export type Intent = "create" | "update" | "delete" | "run";

export interface IntentReading {
  intent: Intent;
  words: string;
  line?: number;
}

/** Sub-objects of a job: "remove the schedule / task / tag" changes the job rather than deleting it. */
const PART_WORDS =
  /\b(schedule|task|tasks|step|steps|tag|tags|email|emails|emailing|notifications?|alerts?|retr(?:y|ies)|timeout|parameters?|trigger|cluster|workers?|queue|dependency|dependencies|library|libraries)\b/i;

/**
 * Whether what follows a delete verb is the job itself: "delete orders-daily", "remove the job …", "get rid of
 * whatever job runs /…", "please remove it", "job #9090 can go" — not "remove the notebook /…", "drop the
 * ops@x.com recipient", "drop the team=orders label", "drop the weekend runs" (a part of the job: an update, or a
 * question).
 */
function deletesTheJob(rest: string, verb: string, target: TargetResolution, before: string): boolean {
  if (/^can go$/i.test(verb)) return true;
  // "we don't need the archive step anymore. Please remove it", "archive_files is not needed, delete it": a
  // pronoun stands for what was said before it — a part of the job (a step, a task it has) is not the job.
  if (/^[\s:,-]*(?:please\s+)?(?:it|them|this|that)\b/i.test(rest) && namesAPart(before, target))
    return false;
  // "purana wala 'Inventory Snapshot v1' job delete kar do": the object before the verb, as Hindi, German or
  // Japanese word order puts it.
  const lead = before
    .replace(/["“”*`'‘’]/g, "")
    .trimEnd()
    .toLowerCase();
  const jobName = target.job?.job.settings.name?.toLowerCase();
  if (/\b(?:job|pipeline|workflow)$/.test(lead) || (jobName && lead.endsWith(jobName))) return true;
  const object = rest
    .replace(/^[\s:,-]*(?:please\s+)?/i, "")
    .replace(
      /^(?:(?:the|this|that|these|those|whatever|our|old|whole|entire|existing|legacy|obsolete|unused)\s+)+/i,
      "",
    );
  if (object === "" || /^[.!?]/.test(object)) return true;
  if (/^(?:jobs?|pipelines?|workflows?|it|them|this|that|everything|#?\d+)\b/i.test(object)) return true;
  const named = target.job?.words
    .replace(/^(?:the\s+)?(?:job\s+)?/i, "")
    .replace(/["“”*`']/g, "")
    .toLowerCase();
  const plain = object.replace(/["“”*`']/g, "").toLowerCase();
  if (named && plain.startsWith(named)) return true;
  const name = target.job?.job.settings.name?.toLowerCase();
  return !!name && plain.startsWith(name);
}

/** Whether the words name a part of the target job: a part word ("step", "schedule") or one of its task keys. */
function namesAPart(words: string, target: TargetResolution): boolean {
  if (PART_WORDS.test(words)) return true;
  const text = words.toLowerCase();
  return (target.job?.job.settings.tasks ?? []).some((t) => {
    const key = t.task_key.toLowerCase();
    return new RegExp(`(?<![\\w-])${key.replace(/[^a-z0-9]/g, "[_\\s-]?")}(?![\\w-])`).test(text);
  });
}

export function readIntent(
  prose: Prose,
  target: TargetResolution,
  hasNewCode: boolean,
  hasScheduleOrTrigger: boolean,
  hasClock = false,
): IntentReading {
  const sentences = prose.lines.flatMap((l) =>
    l.text.split(/(?<=[.!?])\s+/).map((s) => ({ s, line: l.line })),
  );
  const hit = (re: RegExp): { words: string; line?: number } | undefined => {
    for (const { s, line } of sentences) {
      const m = re.exec(s);
      if (m) return { words: m[0], line };
    }
    return undefined;
  };
  // delete: a delete verb whose object is the job itself
  for (const { s, line } of sentences) {
    const m =
      /\b(delete|remove|decommission|drop|get rid of|tear down|retire|can go|deprecate and delete|clean up|rm|nuke|scrap)\b/i.exec(
        s,
      );
    if (!m) continue;
    if (
      PART_WORDS.test(s) &&
      !/\b(?:delete|remove|drop|decommission|get rid of|retire)\s+(?:the\s+|this\s+|that\s+|whatever\s+)?(?:old\s+)?job\b/i.test(
        s,
      )
    )
      continue;
    if (/\b(new job|create)\b/i.test(prose.text)) continue;
    const before = `${prose.text.slice(0, Math.max(0, prose.text.indexOf(s)))} ${s.slice(0, m.index)}`;
    if (!deletesTheJob(s.slice(m.index + m[0].length), m[0], target, before)) continue;
    if (target.referenced || /\bjob\b|\bit\b/i.test(s)) return { intent: "delete", words: m[0], line };
  }
  // "rename X to Y": the new name belongs to an existing job, not to a new one.
  const rename = hit(/\brename\b/i);
  if (rename && target.job) return { intent: "update", words: rename.words, line: rename.line };
  const createCue = hit(
    /\b(new job|create|set up|setup|need a (?:new )?job|job name\s*:|we need a job|can we get|schedule\s+\/|add (?:a |the )?(?:new )?job\b(?!\s+(?:cluster|param|tag)))\b/i,
  );
  // run: a sentence that starts with the run verb (a request, not "we'll trigger it manually"), no schedule, no new code
  // …or a clause after a ticket id, a label or a dash that asks for it ("OPS-5521: please run …", "Finance needs March
  // recomputed — can you run Daily Revenue now?").
  const runVerb = hit(
    /(?<=^\s*|^\s*[\w.#-]{1,40}:\s+|\s[—–-]\s+)(?:(?:please|pls|plz|kindly|can\s+(?:someone|you|u|we)|could\s+(?:someone|you|u)|pls\s+can\s+(?:you|u))\s+)?(re-?run|run|trigger|kick(?:\s|-)?off|fire(?:\s|-)?off|start|launch|execute)\b/i,
  );
  // "Please trigger the job that runs /x right now": a run asked for now; schedule words elsewhere ("instead of
  // waiting for the monthly run") describe the job as it is.
  const runNow =
    runVerb &&
    sentences.some(
      ({ s }) =>
        s.includes(runVerb.words.trim()) &&
        /\b(?:right\s+now|now|immediately|asap|straight\s+away|right\s+away|at\s+once)\b/i.test(s),
    );
  if (
    runVerb &&
    (runNow || (!hasScheduleOrTrigger && !hasClock)) &&
    !hasNewCode &&
    !createCue &&
    (target.referenced || /\bjob\b/i.test(prose.text))
  ) {
    return { intent: "run", words: runVerb.words.trim(), line: runVerb.line };
  }
  if (
    createCue &&
    !(target.job && /\b(in|for|of|to)\s+(?:the\s+)?(?:job|["“])/i.test(prose.text) && !hasNewCode)
  ) {
    if (!target.referenced || hasNewCode || hasScheduleOrTrigger)
      return { intent: "create", words: createCue.words, line: createCue.line };
  }
  const updateCue = hit(
    /\b(rename|change|move|shift|reschedule|push|bring forward|adjust|modify|edit|bump|increase|decrease|reduce|raise|lower|add|set|update|enable|disable|pause|resume|unpause|allow|stop|switch|make|should|remove|drop|instead|from now on|now use|keeps?|also)\b/i,
  );
  if (
    (target.job || target.candidates.length || target.unresolved) &&
    updateCue &&
    !(hasNewCode && !target.job && hasScheduleOrTrigger && !target.candidates.length)
  ) {
    if (!(
      hasNewCode &&
      hasScheduleOrTrigger &&
      !target.candidates.length &&
      !/\b(in|for|of)\s+(?:the\s+)?job\b/i.test(prose.text) &&
      !createCue &&
      target.job?.by !== "id" &&
      !/\bshould\b/i.test(prose.text) &&
      !/\badd\b/i.test(prose.text)
    )) {
      return { intent: "update", words: updateCue.words, line: updateCue.line };
    }
  }
  // An existing job named (by id, name, tag or the code it runs) with no new code and no create cue: the ticket is
  // about that job ("For the job with /Repos/x — email y when it fails"); a create would have no code to run.
  if (target.job && !createCue && !hasNewCode) {
    return { intent: "update", words: target.job.words, line: target.job.line };
  }
  return {
    intent: "create",
    words: createCue?.words ?? "(no existing job named; a new job)",
    line: createCue?.line,
  };
}
