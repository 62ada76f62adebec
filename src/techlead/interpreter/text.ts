/**
 * The prose model the extractors read: requirement lines with their file line numbers, a typo-corrected copy,
 * clauses, durations, key=value pairs and the task_key convention. Pure.
 */
import { escapeRegExp } from "../../domain/regexp.js";
import { englishCalendarWords } from "./languages.js";
import { distance } from "fastest-levenshtein";

export interface ProseLine {
  /** Typo-corrected text (domain keywords fixed with Levenshtein; paths, ids and quoted text untouched). */
  text: string;
  /** Original text as written. */
  raw: string;
  /** 1-based line in the requirement file (of the first physical line, when a sentence was wrapped). */
  line: number;
  /** Where each physical line starts in `text` (a wrapped sentence spans several file lines). */
  starts: Array<{ offset: number; line: number }>;
}

export interface Prose {
  lines: ProseLine[];
  /** All corrected lines joined with "\n". */
  text: string;
}

/** Domain words a typo is corrected to (edit distance 1, or 2 for long words). */
const VOCABULARY = [
  "notebook",
  "notebooks",
  "schedule",
  "scheduled",
  "every",
  "daily",
  "hourly",
  "weekly",
  "monthly",
  "nightly",
  "weekday",
  "weekdays",
  "weekend",
  "morning",
  "evening",
  "midnight",
  "retry",
  "retries",
  "fails",
  "failure",
  "failed",
  "succeeds",
  "success",
  "timeout",
  "minutes",
  "hours",
  "cluster",
  "workers",
  "serverless",
  "continuously",
  "continuous",
  "parameters",
  "parameter",
  "email",
  "notify",
  "warehouse",
  "pipeline",
  "delete",
  "remove",
  "trigger",
  "tagged",
  "concurrent",
  "queue",
  "queueing",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
  "mondays",
  "tuesdays",
  "wednesdays",
  "thursdays",
  "fridays",
  "saturdays",
  "sundays",
  "between",
  "python",
  "wheel",
  "after",
  "create",
  "please",
  "runtime",
  "service",
  "principal",
];
/** Real words that sit one edit away from a domain word and must not be "corrected". */
const KEEP = new Set([
  // Calendar words Quartz cannot express: corrected to "weekly" they would be planned as something else.
  "biweekly",
  "bimonthly",
  "semiweekly",
  "fortnightly",
  // Ordinary words one edit from a domain word whose "correction" would change the plan ("mails" → "fails" is a
  // failure event, "alter" → "after" an order, "rightly" → "nightly" a schedule, "yours" → "hours" a duration).
  "mails",
  "mailed",
  "falls",
  "sails",
  "tails",
  "nails",
  "alter",
  "altered",
  "rightly",
  "lightly",
  "tightly",
  "yours",
  "ours",
  "very",
  "weakly",
  "meekly",
  "ever",
  "even",
  "over",
  "fail",
  "file",
  "files",
  "hour",
  "minute",
  "tag",
  "tags",
  "task",
  "tasks",
  "runs",
  "after",
  "other",
  "often",
  "delta",
  "remote",
  "reset",
  "worker",
  "nodes",
  "notes",
  "queues",
  "cluster",
  "weeks",
  "week",
  "days",
  "day",
  "month",
  "months",
  "sunday",
  "monday",
  "friday",
  "daily",
  "dairy",
  "retire",
  "trigger",
  "tiger",
  "triggers",
  "emails",
  "emailed",
  "mail",
  "failed",
  "fails",
  "pipelines",
  "parameter",
  "parameters",
  "notebooks",
  "sundays",
  "mondays",
  "weekday",
  "weekdays",
  "nightly",
  "mighty",
  "deletes",
  "deleted",
  "removed",
  "removes",
  "evening",
  "evenings",
  "every",
  "hourly",
  "hours",
  "minutes",
  "serve",
  "service",
  "services",
  "remote",
  "wheels",
  "python",
  "still",
  "until",
  "plans",
  "timeouts",
  "queued",
  "concurrency",
  "queues",
  "queuing",
  "queueing",
  "overlap",
  "overlaps",
  "overlapping",
]);

/** Words already corrected (a pure function of the word): requirements repeat their words. Bounded. */
const corrections = new Map<string, string>();

function correctWord(word: string): string {
  let known = corrections.get(word);
  if (known === undefined) {
    if (corrections.size >= 50_000) corrections.clear();
    known = correctWordUncached(word);
    corrections.set(word, known);
  }
  return known;
}

function correctWordUncached(word: string): string {
  const lower = word.toLowerCase();
  if (lower.length < 4 || KEEP.has(lower) || VOCABULARY.includes(lower)) return word;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of VOCABULARY) {
    if (Math.abs(candidate.length - lower.length) > 2) continue;
    const d = distance(lower, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = lower.length >= 8 ? 2 : 1;
  return best !== undefined && bestDistance <= allowed ? best : word;
}

const globalCopies = new WeakMap<RegExp, RegExp>();

/**
 * The global ("g") form of a pattern, made once per pattern (for `matchesOf`, which needs a global pattern).
 */
export function globalOf(re: RegExp): RegExp {
  if (re.global) return re;
  let copy = globalCopies.get(re);
  if (!copy) {
    copy = new RegExp(re.source, `${re.flags}g`);
    globalCopies.set(re, copy);
  }
  return copy;
}

/**
 * Every match of a global pattern in `text`: what `[...text.matchAll(re)]` gives, without the copy of the pattern
 * `matchAll` makes on every call (on a line of prose most of its cost: the interpreter runs a few hundred patterns
 * per requirement). As with `matchAll`, the search starts at the pattern's `lastIndex`, an empty match moves on by
 * one character (one code point with the u or v flag), and the pattern is left with the `lastIndex` it had.
 */
export function matchesOf(re: RegExp, text: string): RegExpExecArray[] {
  if (!re.global) throw new TypeError(`matchesOf: ${String(re)} is not a global pattern`);
  const start = re.lastIndex;
  const out: RegExpExecArray[] = [];
  try {
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      out.push(m);
      if (m[0] === "") re.lastIndex = advanceIndex(text, re.lastIndex, re.unicode || re.flags.includes("v"));
    }
  } finally {
    re.lastIndex = start;
  }
  return out;
}

/** The spec's AdvanceStringIndex: past one code unit, or past one code point in a unicode pattern. */
function advanceIndex(text: string, index: number, unicode: boolean): number {
  if (!unicode || index + 1 >= text.length) return index + 1;
  const lead = text.charCodeAt(index);
  const trail = text.charCodeAt(index + 1);
  return lead >= 0xd800 && lead <= 0xdbff && trail >= 0xdc00 && trail <= 0xdfff ? index + 2 : index + 1;
}

/** Corrects typos in plain words only: anything inside backticks/quotes or touching / @ . - _ = is left alone. */
export function correctTypos(line: string): string {
  return englishCalendarWords(line).replace(/(`[^`]*`|"[^"]*"|“[^”]*”|\S+)/g, (token) => {
    if (/^[`"“]/.test(token)) return token;
    const m = /^([A-Za-z]+)([,;:!?)]*|\.)$/.exec(token);
    if (!m) return token;
    return correctWord(m[1]) + m[2];
  });
}

/** Words a sentence cannot end on: a physical line ending with one was wrapped mid-sentence. */
const DANGLING =
  /(?:^|[^\w-])(?:the|a|an|of|to|and|or|with|called|named|by|at|in|on|for|from|then|after|before|once|into|as|is|are|its|their|our|step|task|job|name|id|every|each|between|than|that|which|packages|libraries|dependencies|install)\s*$/;

const LIST_ITEM = /^\s*(?:[-*•+]\s|\d+[.)]\s|#)/;

/**
 * Whether physical line `next` continues the sentence of `prev`. Never after a sentence end or before a list
 * item; a list item continues only on an indented line. In a hard-wrapped paragraph (every line but the last
 * about as long as the longest) an unfinished line continues; elsewhere ("one fact per line" tickets) only a
 * line ending on a word no sentence ends with ("…called", "…after the") does, and so does a line opening with "(",
 * a path, or "as", "which", "that", "with".
 */
function continues(prev: string, next: string, wrapped: boolean): boolean {
  const p = prev.trimEnd();
  if (!p || /[.!?;]$/.test(p) || LIST_ITEM.test(next)) return false;
  // A markdown table's rows are each a line of their own, however alike their lengths.
  if (/^\s*\|/.test(next) || /\|$/.test(p)) return false;
  if (LIST_ITEM.test(prev)) return /^\s{2,}\S/.test(next) || DANGLING.test(p);
  // A line opening with "(", a path or "as / which / that / with" finishes the sentence above it ("…runs the
  // notebook" / "/Workspace/…/x", "…/x" / "(task `x`) when…", "…/x" / "as task `x`"); a line ending with ":"
  // introduces what follows instead.
  if (/^(?:[(/]|(?:as|which|that|with)\s)/.test(next.trim()) && !/:$/.test(p)) return true;
  return DANGLING.test(p) || wrapped;
}

/** Whether a paragraph's lines look hard-wrapped: two or more lines, all but the last close to the longest. */
function isWrapped(paragraph: string[]): boolean {
  if (paragraph.length < 2) return false;
  const longest = Math.max(...paragraph.map((l) => l.trim().length));
  return longest >= 50 && paragraph.slice(0, -1).every((l) => l.trim().length >= 0.75 * longest);
}

export function toProse(body: string, bodyLine: number): Prose {
  const lines: ProseLine[] = [];
  const physical = body.split(/\r?\n/);
  let i = 0;
  while (i < physical.length) {
    if (physical[i].trim() === "") {
      i++;
      continue;
    }
    const start = i;
    while (i < physical.length && physical[i].trim() !== "") i++;
    const paragraph = physical.slice(start, i);
    const wrapped = isWrapped(paragraph);
    paragraph.forEach((raw, j) => {
      const line = bodyLine + start + j;
      const last = lines.at(-1);
      if (j > 0 && last && continues(paragraph[j - 1], raw, wrapped)) {
        const piece = raw.trim();
        last.raw = `${last.raw.trimEnd()} ${piece}`;
        last.starts.push({ offset: last.text.length + 1, line });
        last.text = `${last.text} ${correctTypos(piece)}`;
      } else {
        lines.push({ raw, text: correctTypos(raw), line, starts: [{ offset: 0, line }] });
      }
    });
  }
  return { lines, text: lines.map((l) => l.text).join("\n") };
}

/** The file line of position `index` within one prose line's text. */
export function lineIn(l: ProseLine, index: number): number {
  let found = l.line;
  for (const s of l.starts) if (s.offset <= index) found = s.line;
  return found;
}

/** The line (file line number) where `index` of `prose.text` falls. */
export function lineAt(prose: Prose, index: number): number | undefined {
  let offset = 0;
  for (const l of prose.lines) {
    if (index <= offset + l.text.length) return lineIn(l, index - offset);
    offset += l.text.length + 1;
  }
  return prose.lines.at(-1)?.line;
}

/** Sentences/clauses of the whole text with their lines: split on sentence ends, ";" and ", and"/" and ". */
export interface Clause {
  text: string;
  line?: number;
  /** Index of the sentence the clause belongs to (clauses of one sentence share it). */
  sentence: number;
}

export function clauses(prose: Prose): Clause[] {
  const out: Clause[] = [];
  let sentence = 0;
  for (const l of prose.lines) {
    let cursor = 0;
    // Sentence ends: ". " / "! " / "? " not inside paths or numbers.
    for (const s of l.text.split(/(?<=[a-z)\]"'`])[.!?](?:\s+|$)|;\s*/i)) {
      if (!s.trim()) continue;
      for (const c of s.split(
        /,?\s+and\s+(?=(?:to|on|email|send|notify|warn|alert|let|when|if|cc|kill|abort|cancel|stop|time|make|set|retry)\b)|,\s+(?=(?:and\s+)?(?:email|send|notify|warn|alert|if|when|kill|abort|cancel)\b)/i,
      )) {
        const text = c.trim();
        if (!text) continue;
        const at = l.text.indexOf(text, cursor);
        if (at >= 0) cursor = at + text.length;
        out.push({ text, line: lineIn(l, Math.max(0, at)), sentence });
      }
      sentence++;
    }
  }
  return out;
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  once: 1,
  two: 2,
  twice: 2,
  three: 3,
  thrice: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  "twenty-five": 25,
  thirty: 30,
  forty: 40,
  "forty-five": 45,
  fifty: 50,
  sixty: 60,
  ninety: 90,
};

export function parseCount(word: string): number | undefined {
  const w = word.toLowerCase();
  if (/^\d+$/.test(w)) return Number(w);
  return NUMBER_WORDS[w];
}

/** The number words of an amount of time ("ninety minutes", "seven hours"): the counts above, not "once" or "twice". */
export const AMOUNT_WORDS = Object.keys(NUMBER_WORDS)
  .filter((w) => !/^(?:once|twice|thrice)$/.test(w))
  .sort((a, b) => b.length - a.length)
  .join("|");

/** The same without "a" / "an" (where "a m" or "an h" would read as an amount). */
export const COUNT_WORDS = AMOUNT_WORDS.split("|")
  .filter((w) => !/^an?$/.test(w))
  .join("|");

export const DURATION_RE = new RegExp(
  String.raw`\b(half an? hour|an? hour and a half|\d+(?:\.\d+)?|${AMOUNT_WORDS})\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b`,
  "i",
);

/** "1.5 hours" → 5400, "90 mins" → 5400, "an hour" → 3600, "half an hour" → 1800. */
export function parseDuration(text: string): { seconds: number; words: string } | undefined {
  const m = DURATION_RE.exec(text);
  if (!m) return undefined;
  const words = m[0];
  if (/^half an? hour/i.test(m[1])) return { seconds: 1800, words };
  if (/hour and a half/i.test(m[1])) return { seconds: 5400, words };
  const n = /^\d/.test(m[1]) ? Number(m[1]) : parseCount(m[1]);
  if (n === undefined) return undefined;
  const unit = m[2].toLowerCase();
  const factor = unit.startsWith("h") ? 3600 : unit.startsWith("m") ? 60 : 1;
  return { seconds: Math.round(n * factor), words };
}

/** key=value pairs; values may be {{dynamic refs}} or quoted. */
export function keyValuePairs(text: string): Array<{ key: string; value: string; words: string }> {
  const out: Array<{ key: string; value: string; words: string }> = [];
  // `key` = `value` (backticks around either side) reads as key=value.
  const re = /`?([A-Za-z_][\w.-]*)`?\s*=\s*(\{\{[^}]+\}\}|"[^"]*"|'[^']*'|`[^`]*`|[^\s,;`]+)/g;
  for (const m of matchesOf(re, text)) {
    let value = m[2].replace(/^["'`]|["'`]$/g, "");
    // "start_date=2025-03-01?", "env=prod!": sentence punctuation after an unquoted value is not part of it.
    const quoted = /^["'`]/.test(m[2]);
    if (!value.startsWith("{{") && !quoted) value = value.replace(/[.)?!]+$/, "");
    out.push({ key: m[1], value, words: quoted ? m[0] : m[0].replace(/[.)?!]+$/, "") });
  }
  return out;
}

/**
 * A parameter list: list items or lines `name: value` / `name = value` under a line that introduces parameters
 * ("Job parameters:", "with these parameters:", "Run X with"). Names must be identifiers (snake_case, lower case),
 * so "Job name: X" or "notebook: /path" lines are never read as parameters.
 */
export function parameterList(
  prose: Prose,
): Array<{ key: string; value: string; words: string; line: number; kind: ParameterListKind }> {
  const out: Array<{ key: string; value: string; words: string; line: number; kind: ParameterListKind }> = [];
  let open: { words: string; kind: ParameterListKind } | undefined;
  for (const l of prose.lines) {
    // "- key: value", "key=value", or a markdown table row "| key | value |" (header and rule rows skipped).
    const item =
      /^\s*(?:[-*•+]\s+)?`?([a-z_][a-z0-9_.]*)`?\s*[:=]\s*`?([^\s`]+?)`?\s*$/i.exec(l.text) ??
      /^\s*\|\s*`?([A-Za-z_][\w.-]*)`?\s*\|\s*`?([^|`\s][^|`]*?)`?\s*\|\s*$/.exec(l.text);
    if (open && /^\s*\|[\s|:-]+\|\s*$/.test(l.text)) continue;
    if (open && item && /^\s*\|/.test(l.text) && /^(?:name|key|param(?:eter)?|value)$/i.test(item[1]))
      continue;
    if (
      open &&
      item &&
      !/^(?:name|notebook|job|tags?|schedule|cluster|runtime|node|email|owner)$/.test(item[1])
    ) {
      const words = l.text.trim().replace(/^[-*•+]\s+/, "");
      out.push({
        key: item[1],
        value: item[2],
        words: `${open.words} … ${words}`,
        line: l.line,
        kind: open.kind,
      });
      continue;
    }
    const header =
      /\b(?:param(?:eter)?s|arguments|args|kwargs|widgets|with(?:\s+(?:these|the\s+following|those))?)\s*:?\s*$/i.exec(
        l.text,
      );
    open = header ? { words: l.text.trim(), kind: listKind(l.text) } : undefined;
  }
  return out;
}

/** Which parameters a list header introduces: a wheel's named parameters, a notebook's, the job's, or unsaid. */
export type ParameterListKind = "named" | "notebook" | "job" | "unsaid";

function listKind(header: string): ParameterListKind {
  if (/\b(?:named\s+param(?:eter)?s|keyword\s+arg(?:ument)?s|kwargs)\b/i.test(header)) return "named";
  if (/\b(?:notebook\s+param(?:eter)?s|notebook\s+params|base\s+param(?:eter)?s|widgets)\b/i.test(header))
    return "notebook";
  if (/\bjob\s+param/i.test(header)) return "job";
  return "unsaid";
}

/** INTERPRETATION.md §3: lower_snake_case of a step's name. */
export function toTaskKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** Last path segment without extension ("/a/b/compact_tables.py" → "compact_tables"). */
export function pathStem(path: string): string {
  const seg = path.replace(/\/+$/, "").split("/").pop() ?? path;
  return seg.replace(/\.[A-Za-z0-9]+$/, "");
}

/** Case-insensitive search for `needle` as a whole identifier (letters, digits, _ and - are word characters). */
export function findIdentifier(haystack: string, needle: string): number {
  const escaped = escapeRegExp(needle);
  const m = new RegExp(`(?<![\\w-])${escaped}(?![\\w-]|\\.\\w)`, "i").exec(haystack);
  return m ? m.index : -1;
}

export function closestWithin(word: string, candidates: string[], maxDistance: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= maxDistance ? best : undefined;
}

export const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** Workspace object paths (notebooks, files) written absolutely. */
export const WORKSPACE_PATH_RE = /(?<![\w.:/])\/(?:Workspace|Repos|Users|Shared|Volumes)\/[^\s,;'"`()]+/g;

export function trimPath(path: string): string {
  // Sentence punctuation glued to the end ("… build_cohorts?", "… /x!") is not part of the path.
  return path.replace(/[.:?!]+$/, "");
}

/** A position in a Prose: logical line index and offset in its text. */
export interface ProsePoint {
  lineIndex: number;
  offset: number;
}

/** The part of `prose` from `from` (inclusive) to `to` (exclusive; the end when absent), file lines kept. */
export function sliceProse(prose: Prose, from: ProsePoint, to?: ProsePoint): Prose {
  const lines: ProseLine[] = [];
  prose.lines.forEach((l, i) => {
    if (i < from.lineIndex || (to && i > to.lineIndex)) return;
    const start = i === from.lineIndex ? from.offset : 0;
    const end = to && i === to.lineIndex ? to.offset : l.text.length;
    const piece = l.text.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    const text = piece.trim();
    if (!text) return;
    const shift = start + lead;
    const starts = l.starts
      .filter((s) => s.offset > shift && s.offset < shift + text.length)
      .map((s) => ({ offset: s.offset - shift, line: s.line }));
    const first = lineIn(l, shift);
    lines.push({ text, raw: text, line: first, starts: [{ offset: 0, line: first }, ...starts] });
  });
  return { lines, text: lines.map((l) => l.text).join("\n") };
}

/** Where the sentence holding position `index` of a line begins. */
export function sentenceStart(text: string, index: number): number {
  const before = text.slice(0, index);
  let start = 0;
  for (const m of matchesOf(/(?<=[a-z0-9)\]"'`”])[.!?;](?:\s+)/gi, before)) start = m.index + m[0].length;
  return start;
}
