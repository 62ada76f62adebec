/**
 * Accounting for every part of a ticket (issue #15, "precision by construction"). After the extractors have read a
 * requirement, every requirement-like token of its words must be consumed by some field: its text appears in the
 * words a field records as its provenance (`WorkItem.explanation`), or its value appears verbatim in what the item
 * sends. A token left over means the answer ignores something the ticket asked for; the item is then BLOCKED with a
 * question quoting the unaccounted words, instead of a plausible answer that silently drops them.
 *
 * Requirement-like tokens (the classes `requirementTokens` finds):
 *   - spans the ticket marks as exact: **bold**, `backticks`, "quotes" (checked verbatim, case-sensitive);
 *   - emails, UUIDs and other ids, paths (workspace, dbfs:, volumes, relative files), URLs;
 *   - numbers, clock times, dates, sizes (anything starting with a digit), except list markers ("1.", "2)");
 *   - identifiers: snake_case words (`load_raw`), kebab-case with two hyphens or a digit (`code-search-index`);
 *   - clock times and calendar words said in words: "half past six", "a quarter to ten", "seven o'clock", "noon",
 *     "midnight", "first Monday", "twice", relative dates ("yesterday", "last week", "previous month");
 *   - time-zone words: IANA ids, abbreviations (ET, PST, IST, CET…);
 *   - verbs of change (pause, rename, remove, add, only, instead, except…) and Jobs API concept words (cluster,
 *     workers, retry, timeout, email, notify, tag, parameter, holiday, every other…): `CHANGE_WORDS`, `CONCEPT_WORDS`.
 * Filler (greetings, sign-offs, politeness, articles…) is never requirement-like, so it needs no accounting.
 * Pure.
 */
import { escapeRegExp } from "../../domain/regexp.js";
import type { FieldSource, WorkItem, WorkspaceJob } from "../../domain/model.js";
import { lineIn, matchesOf, type Prose } from "./text.js";
import { DATE_RE, monthOf, OLD_TIME_RE, RETRACTED_RE } from "./schedule.js";
import { zoneMentions } from "./zones.js";

export interface Token {
  text: string;
  kind: "marked" | "email" | "id" | "path" | "url" | "number" | "zone" | "change" | "concept" | "unsupported";
  line?: number;
  /** Index in the line's text. */
  at: number;
  /** For a zone word: the IANA id it names ("London" → Europe/London). */
  zone?: string;
}

/** Verbs and adverbs that change what an answer must do; an answer that ignores them is wrong. */
const CHANGE_WORDS = [
  "pause",
  "paused",
  "unpause",
  "resume",
  "rename",
  "renamed",
  "remove",
  "drop",
  "add",
  "only",
  "instead",
  "except",
  "excluding",
  "exclude",
  "without",
  "unless",
  "replace",
  "switch",
  "stop",
  "disable",
  "enable",
  "skip",
];

/** Jobs API concepts (a lexicon of the settings a ticket can ask for); unconsumed, they mean a lost requirement. */
const CONCEPT_WORDS = [
  "cluster",
  "clusters",
  "worker",
  "workers",
  "node",
  "nodes",
  "runtime",
  "serverless",
  "gpu",
  "driver",
  "email",
  "emails",
  "e-mail",
  "mail",
  "notify",
  "notification",
  "notifications",
  "alert",
  "alerts",
  "ping",
  "slack",
  "teams",
  "webhook",
  "pagerduty",
  "sms",
  "retry",
  "retries",
  "timeout",
  "tag",
  "tags",
  "tagged",
  "label",
  "parameter",
  "parameters",
  "param",
  "params",
  "argument",
  "arguments",
  "args",
  "dates",
  "warehouse",
  "concurrent",
  "parallel",
  "queue",
  "principal",
  "permission",
  "permissions",
  "failure",
  "failures",
  "fails",
  "failed",
  "success",
  "succeeds",
  "succeeded",
  // Order of steps: a dependency the words state and no depends_on used is a lost requirement.
  "after",
  "before",
  "then",
  "finished",
  "finishes",
  "completes",
  "completed",
];

/** Zone abbreviations and region words a ticket may use; IANA ids are found by pattern. */
const ZONE_WORDS = [
  "UTC",
  "GMT",
  "ET",
  "EST",
  "EDT",
  "CT",
  "CST",
  "CDT",
  "MT",
  "MST",
  "MDT",
  "PT",
  "PST",
  "PDT",
  "BST",
  "CET",
  "CEST",
  "EET",
  "EEST",
  "WET",
  "IST",
  "JST",
  "KST",
  "SGT",
  "HKT",
  "AEST",
  "AEDT",
  "NZST",
  "NZDT",
];

const IANA_RE =
  /\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_]+(?:\/[A-Za-z_]+)?\b/g;
const MARKED_RE = /\*\*([^*\n]+?)\*\*|`([^`\n]+)`|"([^"\n]+)"|“([^”\n]+)”/g;
const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const URL_RE = /\bhttps?:\/\/[^\s,;'"`()<>]+/g;
const PATH_RE = /(?:\b(?:dbfs|s3|abfss|gs|file):\/?)?(?<![\w.])\/?(?:[\w.@-]+\/)+[\w.@-]+\/?/g;
const UUID_RE = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const NUMBER_RE = /(?<![\w@.:/-])#?\d[\w:.,-]*/g;
/** snake_case, or kebab-case with two hyphens or a digit: names, keys and ids written without marks. */
const IDENTIFIER_RE =
  /(?<![\w./@:-])(?:[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+|[A-Za-z0-9]+(?:-[A-Za-z0-9]+){2,}|[A-Za-z]+(?:-[A-Za-z]*\d[A-Za-z0-9]*)+)(?![\w/@-])/g;
/** Times and calendar words said in words (the schedule grammar reads them; left over, they ask). */
const SPOKEN_TIME_RE =
  /\b(?:a\s+)?(?:half|quarter)\s+(?:past|to)\s+\w+|\b(?:[1-5]?\d|five|ten|twenty|twenty-five)\s+(?:minutes\s+)?past\s+\w+|\b(?:[1-5]?\d|five|ten|twenty|twenty-five)\s+minutes\s+to\s+\w+|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+o'?clock\b|\b(?:noon|midday|midnight)\b|\b(?:first|second|third|fourth|last|1st|2nd|3rd|4th)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b(?:twice|thrice)\b|\byesterday\b|\b(?:last|previous|past|next)\s+(?:\d+\s+)?(?:days?|weeks?|months?|quarters?|years?)\b/gi;
const WORD_RE = /[A-Za-z][A-Za-z-]*/g;

/** Words of code, runs and data arriving: an order word in a clause with one of them orders something. */
const ABOUT_CODE =
  /\b(?:jobs?|tasks?|steps?|pipelines?|notebooks?|workflows?|runs?|ran|loads?|loaded|ingest\w*|exports?|imports?|refresh\w*|builds?|syncs?|backups?|dumps?|files?|data|tables?|lands?|landed|arriv\w*|upstream|downstream|dbt|etl|elt)\b|\/|`/i;
const CHANGE = new Set(CHANGE_WORDS);
const SEQUENCE = new Set(["after", "before", "then", "finished", "finishes", "completes", "completed"]);
const CONCEPT = new Set(CONCEPT_WORDS);
const ZONES = new Set(ZONE_WORDS);

function trimToken(t: string): string {
  return t.replace(/[.,:;!?)\]]+$/, "");
}

/** Requirement-like tokens of one line of text (see the module comment). */
export function requirementTokens(text: string, line?: number): Token[] {
  const out: Token[] = [];
  const taken: Array<[number, number]> = [];
  const free = (a: number, b: number) => taken.every(([x, y]) => b <= x || a >= y);
  const add = (kind: Token["kind"], raw: string, at: number, len = raw.length) => {
    if (!free(at, at + len)) return;
    taken.push([at, at + len]);
    const t = kind === "marked" ? raw.trim() : trimToken(raw);
    if (t) out.push({ text: t, kind, at, ...(line === undefined ? {} : { line }) });
  };
  // "ANL-118", "RISK-412": an issue tracker's key names the ticket, not a value for the job.
  for (const m of text.matchAll(/\b[A-Z][A-Z0-9]{1,9}-\d{1,6}\b/g))
    taken.push([m.index, m.index + m[0].length]);
  for (const m of matchesOf(MARKED_RE, text)) {
    const inner = m[1] ?? m[2] ?? m[3] ?? m[4];
    // "**RISK-412: Credit Risk Scoring is flaky**": a bold line of its own is the ticket's title.
    if (m[0].startsWith("**") && text.trim() === m[0] && inner.trim().split(/\s+/).length >= 3) {
      taken.push([m.index, m.index + m[0].length]);
      continue;
    }
    // "**Notebook:** /x", "**When**: 2am": a bold label of a list of facts names the value after it, it is not one.
    if (/^\*\*[^*]*:\*\*$/.test(m[0]) || (m[0].startsWith("**") && text[m.index + m[0].length] === ":")) {
      taken.push([m.index, m.index + m[0].length]);
      continue;
    }
    add("marked", inner, m.index, m[0].length);
  }
  for (const m of matchesOf(URL_RE, text)) add("url", m[0], m.index);
  for (const m of matchesOf(IANA_RE, text)) add("zone", m[0], m.index);
  for (const m of matchesOf(PATH_RE, text))
    if (/\//.test(m[0]) && m[0].length > 2) add("path", m[0], m.index);
  for (const m of matchesOf(EMAIL_RE, text)) add("email", m[0], m.index);
  for (const m of matchesOf(UUID_RE, text)) add("id", m[0], m.index);
  for (const m of matchesOf(SPOKEN_TIME_RE, text)) add("number", m[0], m.index);
  for (const z of zoneMentions(text)) {
    const before = out.length;
    add("zone", z.words, z.index);
    if (out.length > before) (out[out.length - 1] as Token).zone = z.zone;
  }
  // "(Brazil time)", "6am Lagos time": a place named as a time zone that no zone table knows still needs a field.
  for (const m of matchesOf(
    /\(\s*(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?)\s+time\s*\)|(?:\d\s*(?:[aApP]\.?[mM]\.?)?|\bhour|\bnoon|\bmidnight)\s+(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)?)\s+[Tt]ime\b/gu,
    text,
  )) {
    const place = m[1] ?? m[2];
    add("zone", place, m.index + m[0].indexOf(place));
  }
  const listMarker = /^\s*(?:[-*•+]\s+)?\d+[.)]\s/.exec(text);
  for (const m of matchesOf(NUMBER_RE, text)) {
    if (listMarker && m.index < listMarker[0].length) continue;
    // "step 2", "task 3": an ordinal label, not a value.
    if (/\b(?:step|task|stage|phase|part)\s+$/i.test(text.slice(0, m.index))) continue;
    add("number", m[0].replace(/^#/, ""), m.index);
  }
  for (const m of matchesOf(IDENTIFIER_RE, text)) add("id", m[0], m.index);
  // Calendars Quartz cannot express: no field can consume these, so they always ask.
  for (const m of matchesOf(
    /\bevery\s+(?:other|second|alternate)\b|\b(?:public\s+|bank\s+)?holidays?\b|\bfortnight(?:ly)?\b|\bbi-?weekly\b|\bbi-?monthly\b|\bsemi-?weekly\b|\bevery\s+(?:two|2)\s+weeks\b/gi,
    text,
  ))
    add("unsupported", m[0], m.index);
  // A schedule cannot start on a date ("starting next Monday", "as of 2027-01-04"): read as a weekday it would be
  // planned as a weekly job.
  for (const m of matchesOf(
    /\b(?:starting|beginning|effective|as\s+of)\s+(?:from\s+|on\s+)?(?:next|this|the)?\s*(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(?:starting|beginning|effective|as\s+of)\s+(?:from\s+|on\s+)?(?:tomorrow|next\s+week|next\s+month|\d{4}-\d{2}-\d{2})/gi,
    text,
  ))
    add("unsupported", m[0], m.index);
  for (const m of matchesOf(WORD_RE, text)) {
    const w = m[0];
    if (ZONES.has(w)) add("zone", w, m.index);
    else if (CHANGE.has(w.toLowerCase())) add("change", w.toLowerCase(), m.index);
    else if (CONCEPT.has(w.toLowerCase())) add("concept", w.toLowerCase(), m.index);
  }
  return out;
}

/** Every string and number an item sends (names, keys, paths, ids, values), for verbatim checks. */
function sentValues(item: WorkItem): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") out.push(v);
    else if (typeof v === "number") out.push(String(v));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk([item.settings, item.patch, item.run, item.target]);
  return out;
}

/** Whether `token` occurs in `text` as a whole token (not inside a longer number, path or word). */
function occursIn(token: string, text: string, caseSensitive: boolean): boolean {
  // A colon after the token ends it when a space or the end follows ("monitoring_catalog: main"), not in "dbfs:/x".
  const re = new RegExp(
    `(?<![\\w:./@-])${escapeRegExp(token)}(?![\\w/@-]|:\\S|\\.\\w)`,
    caseSensitive ? "" : "i",
  );
  return re.test(text);
}

function isAccounted(token: Token, provenance: string[], values: string[]): boolean {
  if (token.kind === "marked") {
    // Verbatim and whole: `boat_performance` is not accounted by a task key "01_boat_performance".
    const t = token.text;
    const whole = new RegExp(`(?<![\\w@.-])${escapeRegExp(t)}(?![\\w@-]|\\.\\w)`);
    if (provenance.some((p) => whole.test(p)) || values.some((v) => whole.test(v))) return true;
    // A marked span holding a key=value pair or a path is accounted when its parts are.
    const parts = requirementTokens(t).filter((p) => p.kind !== "marked");
    return parts.length > 0 && parts.every((p) => isAccounted(p, provenance, values));
  }
  // An address is used only as itself: not by a path that happens to contain it ("/Users/ana@x.com/train.py").
  if (token.kind === "email") {
    const alone = new RegExp(`(?<![\\w/.@-])${escapeRegExp(token.text)}(?![\\w@-]|\\.\\w)`, "i");
    return (
      provenance.some((p) => alone.test(p)) ||
      values.some((v) => v.toLowerCase() === token.text.toLowerCase())
    );
  }
  // "after the London close" in a ticket whose schedule runs in Europe/London: the zone the place names is used.
  if (token.zone && values.includes(token.zone)) return true;
  const caseSensitive = token.kind === "zone";
  if (provenance.some((p) => occursIn(token.text, p, caseSensitive))) return true;
  return values.some((v) => v === token.text || (token.kind !== "change" && occursIn(token.text, v, false)));
}

/** Clause-like segments of a line: split at ", ", "; ", sentence ends and dashes, never inside a token. */
function segmentOf(text: string, at: number): string {
  // " and should use the large cluster": a clause joined by a conjunction is its own segment, so a concept word in
  // it is not covered by a field that used the words before the conjunction.
  const seps = [
    ...matchesOf(
      /[,;!?]\s|\.\s|\.$|\s(?:and|but|then|also|plus)\s+(?=(?:should|must|please|use|make|set|run|add|needs?|it|we|they)\b)/g,
      text,
    ),
  ].map((m) => m.index);
  const start = Math.max(0, ...seps.filter((i) => i < at).map((i) => i + 1));
  const end = Math.min(text.length, ...seps.filter((i) => i >= at));
  return text.slice(start, end);
}

/**
 * Words that describe the job as it is, not what should change: "currently runs at 2am", "it normally takes 10
 * minutes", "the rest already succeeded", "from 6am (to 7am)"; and a suggestion the ticket itself retracts
 * ("its own 8-node cluster? No: serverless").
 */
const STATE_RE: RegExp[] = [
  /\b(?:currently|presently|right now|at the moment|normally|usually|typically|already|used to)\b[^,.;!?]*/gi,
  // "the backfill finished last week", "it failed yesterday": a past event, not a date to run for.
  /\b(?:[a-z]+ed|was|were|ran|did|had|went|began|broke)\s+(?:[a-z]+\s+){0,2}(?:yesterday|(?:last|previous|past)\s+\w+)\b/gi,
  /\bfrom\s+\S+(?=\s+to\b)/gi,
  // "manual only", "on demand": no schedule (an answer with a schedule would use the words).
  /\b(?:manual(?:ly)?\s+only|only\s+manually|on\s+demand|by\s+hand)\b/gi,
  // "no emails needed", "we don't need alerts": no notifications (an answer with some would use the words).
  /\b(?:no|without(?:\s+any)?|(?:do(?:es)?\s*n[o']?t|won'?t)\s+need(?:\s+any)?|no\s+need\s+for(?:\s+any)?)\s+(?:e-?mails?|notifications?|alerts?|alerting)(?:\s+(?:needed|required|necessary|wanted|please))?\b(?!\s+to\b)/gi,
  /[^.!?]*\?\s*(?=No\b)/g,
  // "rotate the keys today instead of waiting for the monthly run": why now, not a change.
  /\b(?:instead\s+of|rather\s+than)\s+wait(?:ing)?\b[^.;!?]*/gi,
  // "we paused it during the audit", "I renamed it by hand last week": what someone did, told as a story.
  /\b(?:we|i|they|someone|somebody|ops|you)\s+(?:had\s+|have\s+)?(?:paused|stopped|disabled|suspended|moved|changed|renamed|removed|added|switched|turned)\b[^.;!?]*/gi,
  // "don't touch the node type or anything else", "leave the schedule as it is", "everything else stays": what an
  // update keeps (an update changes only what it is asked to).
  /\b(?:don'?t|dont|do\s+not|never|no\s+need\s+to)\s+(?:touch|change|modify|alter|edit)\b[^.;!?]*/gi,
  /\b(?:keep|leave)\s+(?:the\s+|its\s+|their\s+)?[^.;!?]{0,40}?\s+(?:as\s+(?:it\s+|they\s+)?(?:is|are|was)|unchanged|alone|the\s+same|untouched)\b/gi,
  /\b(?:everything|anything|all)\s+else\s+(?:stays?|remains?|is\s+unchanged|unchanged|as\s+(?:it\s+)?is|the\s+same)\b[^.;!?]*/gi,
  // "Not 5531 — that one is still used by the logistics team", "Not the US one, that runs on its own schedule": the
  // job kept out of the change, and why (the target resolution keeps it out, targets.ts).
  // It ends where another ask joins it ("…, and set retries to 3").
  /(?<![\w-])(?:not|but\s+not|never)\s+(?:job\s+)?(?:#?\d{3,19}\b|the\s+[\w-]+\s+(?:one|job)\b)(?:(?!,?\s*\b(?:and|also|plus|but)\s+(?:please\s+)?(?:set|add|change|make|use|run|retry|email|notify|remove|update|give|bump|increase|reduce)\b)[^.;!?])*/gi,
  // "please don't email me on failure", "no need to notify us when it starts": nobody to add (an address is read).
  /\b(?:don'?t|dont|do\s+not|never|no\s+need\s+to)\s+(?:e-?mail|mail|notify|page|alert|ping|message|bother)\s+(?:me|us|anyone|anybody|them|the\s+team)\b(?![^.;!?,]*@)[^.;!?,]*/gi,
  // "(the daily 6am backup run was dropped on the call — no schedule)": a schedule taken back (schedule.ts).
  RETRACTED_RE,
  // "so 5am UTC is too early now", "until now Priya has run it by hand at 18:00": the time the job has or had.
  OLD_TIME_RE,
  // "9pm CET... I mean Berlin time": the word corrected right after.
  /\S+(?=\s*(?:\.{2,}|…|,|-)\s*(?:I\s+mean|sorry|correction)\b)/gi,
];

function stateSpans(text: string): Array<[number, number]> {
  return STATE_RE.flatMap((re) =>
    matchesOf(re, text).map((m): [number, number] => [m.index, m.index + m[0].length]),
  );
}

const HARD = new Set<Token["kind"]>(["marked", "email", "id", "path", "url", "number", "zone"]);

/** Words of one line that no field accounts for. */
function lineLeftovers(
  text: string,
  line: number | undefined,
  provenance: string[],
  values: string[],
  sent: string[],
  zoneProvenance: string[],
  orderedSteps: string[] = [],
  /** The words of the depends_on fields, when the answer has steps to order (else undefined). */
  orderProvenance?: string[],
  /** The words that may cover a clause: every field's but the target's and the action's (they name the job only). */
  coverage: string[] = provenance,
): Token[] {
  const tokens = requirementTokens(text, line);
  // A markdown heading of words only ("## Alerts", "### Compute") names the section below it, where the ask is.
  if (/^\s{0,3}#{1,6}\s/.test(text) && !tokens.some((t) => HARD.has(t.kind))) return [];
  // A zone word is used only by a time-zone field (chrono may echo "6am IST" in a schedule's words).
  const byKind = (t: Token) => (t.kind === "zone" ? zoneProvenance : provenance);
  // A short number is accounted by what the answer sends, not by what the job has today: "3 times" is not the "3"
  // of some parameter's default.
  // …unless the words give it as the old value ("to 5am instead of 6", "from 4 to 8 workers").
  const valuesFor = (t: Token) =>
    t.kind === "number" &&
    t.text.length <= 2 &&
    !/\b(?:instead\s+of|rather\s+than|from|not|currently|now)\s+(?:at\s+|the\s+)?$/i.test(text.slice(0, t.at))
      ? sent
      : values;
  const hardOk = tokens.filter(
    (t) => HARD.has(t.kind) && (isAccounted(t, byKind(t), valuesFor(t)) || dateSent(text, t, sent)),
  );
  // A segment is covered by recorded words when one holds the other (each stretch of a "a … b" source on its own).
  const piecesOf = (words: string[]) =>
    words.flatMap((p) => p.split(/\s*…\s*/)).filter((p) => p.trim().length >= 4);
  const coveredBy = (seg: string, pieces: string[]) =>
    seg.trim().length > 0 &&
    pieces.some(
      (p) =>
        seg.toLowerCase().includes(p.toLowerCase()) || p.toLowerCase().includes(seg.trim().toLowerCase()),
    );
  const pieces = piecesOf(coverage);
  const orderPieces = orderProvenance && piecesOf(orderProvenance);
  const coveredByWords = (seg: string) => coveredBy(seg, pieces);
  const covered = (seg: string) =>
    seg.trim().length > 0 && (hardOk.some((t) => seg.includes(t.text)) || coveredByWords(seg));
  const left: Token[] = [];
  const state = stateSpans(text);
  for (const t of tokens) {
    if (t.kind === "unsupported") {
      left.push(t);
      continue;
    }
    if (state.some(([a, b]) => t.at >= a && t.at < b)) continue;
    if (HARD.has(t.kind)) {
      if (!hardOk.includes(t)) left.push(t);
      continue;
    }
    const seg = segmentOf(text, t.at);
    // "instead of X" is used only when X (the old value) is no longer sent, whatever words a field recorded.
    if (t.text === "instead") {
      if (!insteadAccounted(text.slice(t.at), seg, covered, sent)) left.push(t);
      continue;
    }
    if (provenance.some((p) => occursIn(t.text, p, false))) continue;
    // An order word ("after", "then") is used only by a depends_on whose words hold its clause, not by an id or
    // a schedule in the same clause that another field used ("run one after another every hour": the hour is not
    // the order).
    if (SEQUENCE.has(t.text)) {
      // With one step there is nothing to order: "before the close" is context, any field's words may cover it.
      const byOrder = coveredBy(seg, orderPieces ?? pieces);
      // …or by a step in the clause that got a depends_on ("then the notebook /x … after landing").
      if (byOrder || orderedSteps.some((w) => w.length >= 4 && seg.includes(w))) continue;
      // With one step, an order word about no code ("after the London close", "before the market opens") places the
      // run in the business day; one about code or another run ("after the ingest job finishes") asks.
      if (!orderProvenance && !ABOUT_CODE.test(seg)) continue;
      left.push(t);
      continue;
    }
    if (t.kind === "concept" && covered(seg)) continue;
    // "only on weekdays", "Monday to Friday only": the restriction is used when the words it restricts are.
    const restricted =
      text
        .slice(Math.max(0, t.at - 40), t.at)
        .split(/[,;.!?]\s/)
        .pop() ?? "";
    if (
      t.kind === "change" &&
      t.text === "only" &&
      (covered(text.slice(t.at + 4, t.at + seg.length)) || coveredByWords(restricted))
    )
      continue;
    left.push(t);
  }
  return left;
}

/** "… instead of X": accounted when its clause is used and X (the old value) is no longer sent. */
function insteadAccounted(
  rest: string,
  seg: string,
  covered: (s: string) => boolean,
  values: string[],
): boolean {
  const old = /^instead\s+of\s+(\S+)/i.exec(rest)?.[1];
  if (!covered(seg)) return false;
  // "Can it run at noon instead?": the old value is whatever the job has now, replaced by the field that used the clause.
  if (!old) return /^instead\s*(?:[.?!]|$)/i.test(rest);
  const oldTokens = requirementTokens(old).filter((t) => HARD.has(t.kind));
  return oldTokens.every((t) => !values.includes(t.text));
}

/**
 * The words of a ticket no field accounts for, grouped per line (empty when everything is accounted). Values the
 * target job has today (its current time, path, recipients) describe that job, so they count as accounted; the
 * verbs of change around them still must be consumed.
 */
export function unaccountedWords(
  prose: Prose,
  items: WorkItem[],
  existingJobs: WorkspaceJob[] = [],
): Array<{ line?: number; tokens: string[] }> {
  const entries: FieldSource[] = items.flatMap((i) => i.explanation ?? []);
  const provenance = entries.map((e) => e.words);
  // "orders-daily: retry only the transform task, 3 times": the job's name covers no clause it is said in.
  const coverage = entries.filter((e) => e.field !== "target" && e.field !== "action").map((e) => e.words);
  const zoneProvenance = entries.filter((e) => /timezone|zone/.test(e.field)).map((e) => e.words);
  const multiStep = items.some((i) => (i.settings?.tasks?.length ?? 0) > 1);
  const orderProvenance = multiStep
    ? entries.filter((e) => /depends_on$/.test(e.field)).map((e) => e.words)
    : undefined;
  // The words of every step that waits for another (its code path or label), for order words in its clause.
  const waiting = new Set(
    entries.map((e) => /^tasks\[([^\]]+)\]\.depends_on$/.exec(e.field)?.[1]).filter((k) => k !== undefined),
  );
  const orderedSteps = entries
    .filter((e) => waiting.has(/^tasks\[([^\]]+)\]$/.exec(e.field)?.[1] ?? "\u0000"))
    .flatMap((e) => e.words.split(/\s*(?:…|:)\s+/));
  const targets = new Set(items.map((i) => i.target?.job_id).filter((id) => id !== undefined));
  const current = existingJobs
    .filter((j) => targets.has(j.job_id))
    .flatMap((j) => sentValues({ key: "", action: "update", settings: j.settings }));
  const sent = items.flatMap(sentValues);
  const values = [...sent, ...current];
  const out: Array<{ line?: number; tokens: string[] }> = [];
  const fields = entries.map((e) => e.field);
  const title = prose.lines.find((l) => l.text.trim() !== "");
  for (const l of prose.lines) {
    // A prose line may join wrapped file lines: each word is quoted with the file line it is on.
    for (const t of lineLeftovers(
      l.text,
      l.line,
      provenance,
      values,
      sent,
      zoneProvenance,
      orderedSteps,
      orderProvenance,
      coverage,
    )) {
      // "PLAT-311 Feature Store Refresh – cluster config": a concept word in the title names the topic of the ask;
      // it is used when the answer sets a field of that concept.
      if (l === title && t.kind === "concept" && topicSet(t.text, fields)) continue;
      const line = lineIn(l, t.at);
      const group = out.find((o) => o.line === line) ?? out[out.push({ line, tokens: [] }) - 1];
      if (!group.tokens.includes(t.text)) group.tokens.push(t.text);
    }
  }
  return out;
}

/** A question quoting the words no field used, or undefined when the answer accounts for all of them. */
const DATES = new RegExp(DATE_RE.source, "gi");

/**
 * "recompute March 31 … with run_date 2024-03-31": a day of a month written in words is accounted by a date the
 * answer sends on that month and day.
 */
function dateSent(text: string, t: Token, sent: string[]): boolean {
  if (t.kind !== "number" || !/^\d{1,2}$/.test(t.text)) return false;
  return matchesOf(DATES, text).some((m) => {
    const day = m[1] ?? m[4];
    if (day !== t.text || t.at < m.index || t.at >= m.index + m[0].length) return false;
    const mmdd = `-${String(monthOf((m[2] ?? m[3])!)).padStart(2, "0")}-${day.padStart(2, "0")}`;
    return sent.some((v) => new RegExp(String.raw`\d{4}${mmdd}(?!\d)`).test(v));
  });
}

/** The fields each family of concept words is about (a title's topic word is used when one of them is set). */
const TOPICS: Array<[RegExp, RegExp]> = [
  [
    /^(?:clusters?|workers?|nodes?|runtime|serverless|gpu|driver)$/,
    /cluster|compute|serverless|workers|node_type/,
  ],
  [/^(?:e-?mails?|mail|notify|notifications?|alerts?|slack|teams|webhook|pagerduty)$/, /notifications/],
  [/^(?:retry|retries)$/, /retr/],
  [/^timeout$/, /timeout/],
  [/^(?:tags?|tagged|label)$/, /^tags/],
  [/^(?:parameters?|params?|arguments?|args)$/, /param|arguments?/],
  [/^(?:queue|concurrent|parallel)$/, /queue|concurren/],
  [/^(?:principal|permissions?)$/, /run_as|access_control|permission/],
];

function topicSet(word: string, fields: string[]): boolean {
  return TOPICS.some(([words, field]) => words.test(word) && fields.some((f) => field.test(f)));
}

export function accountingQuestion(
  prose: Prose,
  items: WorkItem[],
  existingJobs: WorkspaceJob[] = [],
): string | undefined {
  const left = unaccountedWords(prose, items, existingJobs);
  if (!left.length) return undefined;
  const quoted = left
    .map((l) => `${l.tokens.map((t) => `"${t}"`).join(", ")}${l.line ? ` (line ${l.line})` : ""}`)
    .join("; ");
  return `I could not use every part of the ticket: ${quoted}. Say what these words should change, or rephrase them, so the plan does not ignore them.`;
}
