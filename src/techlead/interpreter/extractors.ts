/**
 * The table of extractors: each a small named unit reading one kind of fact (with its words) into the Reading.
 * Adding an extractor = adding an entry here (see docs/interpreter.md). Pure.
 */
import { escapeRegExp } from "../../domain/regexp.js";
import {
  clauses,
  AMOUNT_WORDS,
  COUNT_WORDS,
  EMAIL_RE,
  globalOf,
  lineIn,
  type Prose,
  keyValuePairs,
  parameterList,
  parseCount,
  parseDuration,
  WORKSPACE_PATH_RE,
  trimPath,
  type Clause,
  matchesOf,
} from "./text.js";
import type { WorkspaceJob } from "../../domain/model.js";
import { emptyReading, type EmailEvent, type Extractor, type Reading, type Sourced } from "./reading.js";
import { amountSeconds, maskNames, readSchedule, TRIGGER_GAP_RE, TRIGGER_WAIT_RE } from "./schedule.js";

function firstMatch(reading: Reading, re: RegExp): { m: RegExpExecArray; line: number } | undefined {
  for (const l of reading.prose.lines) {
    const m = re.exec(l.text);
    if (m) return { m, line: lineIn(l, m.index) };
  }
  return undefined;
}

/** A negation and the event it rules out, within a few words ("not on success", "don't email anyone when it starts"). */
const NEGATED_EVENT =
  /\b(?:not|never|no|don['’]?t|do\s+not|except)\b(?:\s+(?![\w.+-]+@)[\w'’-]+){0,4}?\s+(?:on|when|if|upon|after|for|at)?\s*(?:it\s+)?(?:succeed|succeeds|succeeded|success|successful(?:ly)?|completes?|completed|starts?|started|fail|fails|failed|failure|failures)\b/gi;

/** The notification events a clause names ("when it succeeds or fails" → on_success and on_failure). */
function eventsOf(text: string): EmailEvent[] {
  if (
    /\b(longer than|more than|over|exceeds?|takes? longer)\b/i.test(text) &&
    /\b(warn|warning|alert|notify|let)\b/i.test(text) &&
    parseDuration(text)
  ) {
    return ["on_duration_warning_threshold_exceeded"];
  }
  // "email_on_failure: True", "notify_on_success": the words of a pasted key are words.
  text = text.replace(/_/g, " ");
  // "on failure (not on success)", "do not email anyone on success": a negated event is not one to email on.
  text = text.replace(NEGATED_EVENT, " ");
  const events: EmailEvent[] = [];
  if (/\b(starts?|started|begins?|kicks? off)\b/i.test(text)) events.push("on_start");
  if (
    /\b(succeed|succeeds|succeeded|success|successful(?:ly)?|completes?|completed|finishes|done)\b/i.test(
      text,
    )
  )
    events.push("on_success");
  if (
    /\b(fail|fails|failed|failing|failure|failures|errors?|breaks|crash(?:es)?|alerts?)\b/i.test(text) ||
    /\b(?:does|did|do)\s*n[o'’]?t\s+work\b|\b(?:goes|went)\s+wrong\b|\bstops?\s+working\b/i.test(text)
  )
    events.push("on_failure");
  // One event unless the words join them ("succeeds or fails", "on start and on failure").
  if (events.length > 1 && !/\b(?:or|and|&|\/)\b|\//.test(text)) return [events[events.length - 1]];
  return events;
}

/**
 * A clause that states when the rest of its sentence applies: "if it fails", "should it fail", "in case of failure",
 * also after a list marker or a label ("* if a run goes over 45 minutes", "Alerts: if it fails").
 */
const CONDITION_OPENER =
  /^(?:(?:[-*+•]|\d+[.)])\s+)?(?:[^:\n]{1,60}:\s*)?(?:and\s+|but\s+)?(?:if|when|whenever|should|in\s+case|on|upon|once|after|every\s+time|each\s+time|any\s+time)\b/i;

function eventOf(text: string): EmailEvent | undefined {
  const events = eventsOf(text);
  return events.includes("on_failure") ? "on_failure" : events[0];
}

/**
 * Recipients a clause retires: "to X instead of Y", "X rather than Y", "X in place of / replacing Y",
 * "replace Y with X" — Y is removed (and X added) rather than both being emailed.
 */
function retiredEmails(text: string): Set<string> {
  const t = text.replace(/\/\S+/g, " ");
  // The addresses right after the phrase ("instead of a@x.com and b@x.com"), not any later in the clause
  // ("instead of skipping them, and run as the user a@x.com" retires nobody).
  const after =
    /\b(?:instead of|rather than|in place of|replacing)\s+((?:the\s+)?(?:(?:old|current)\s+)?(?:address(?:es)?\s+)?[^\s,;]+@[^\s,;]+(?:\s*(?:,|and|or)\s*[^\s,;]+@[^\s,;]+)*)/i.exec(
      t,
    )?.[1] ?? "";
  const replaced = /\breplace\s+(.*?)\s+(?:with|by)\b/i.exec(t)?.[1] ?? "";
  return new Set([...(after.match(EMAIL_RE) ?? []), ...(replaced.match(EMAIL_RE) ?? [])]);
}

/** The addresses a text names (not those inside a path: "/Users/ana@x.com/train.py"). */
function addressesIn(text: string): string[] {
  return text.replace(/\/\S+/g, " ").match(EMAIL_RE) ?? [];
}

/**
 * The people a ticket gives an address for, by first name ("priya.nair@bank.co.uk" → priya): "on success, just
 * Priya" names that address. A first name two addresses share names nobody.
 */
function peopleOf(text: string, more: string[] = []): Map<string, string> {
  const byName = new Map<string, string | undefined>();
  for (const email of new Set([...addressesIn(text), ...more])) {
    // A person's address ("first.last@", "first_last@"), not a team's ("apac-ops@", "data-oncall@").
    const first = /^([a-z]{3,})[._][a-z]{2,}@/i.exec(email)?.[1]?.toLowerCase();
    if (!first) continue;
    byName.set(first, byName.has(first) && byName.get(first) !== email ? undefined : email);
  }
  return new Map([...byName].filter((e): e is [string, string] => e[1] !== undefined));
}

/** Words that take someone off a list, or keep them as they are: a first name there adds no recipient. */
const NOT_ADDING =
  /\b(?:off|remove[sd]?|drop(?:ped)?|stop|no\s+longer|left|leav(?:e|es|ing)|instead\s+of|except|not|never|without|unsubscribe|stays?|still|keeps?|remains?)\b|n't\b/i;

/** "take him off the failure emails", "remove bob from the alerts": someone taken off by name or pronoun. */
const TAKE_OFF_RE =
  /\b(?:take|taking|took|get|getting)\s+(\p{L}+)\s+off\b|\b(?:remove|drop)\s+(\p{L}+)\s+from\s+(?:the\s+)?(?:\w+\s+)?(?:e-?mails?|mails?|alerts?|notifications?|list|recipients)\b/iu;

/** A clause about being notified ("…should also get the success mails", "on success, just Priya"). */
const NOTIFY_CUE =
  /\b(?:e-?mails?|mails?|notif\w*|alerts?|ping|cc|gets?|receives?|on\s+(?:success|failure|start))\b/i;

/** The addresses of the people a clause names by first name (see peopleOf). */
function peopleIn(text: string, people: Map<string, string>): string[] {
  if (people.size === 0 || NOT_ADDING.test(text) || !NOTIFY_CUE.test(text)) return [];
  const out: string[] = [];
  for (const w of text.match(/\p{L}+/gu) ?? []) {
    const email = people.get(w.toLowerCase());
    if (email && !out.includes(email)) out.push(email);
  }
  return out;
}

const STOP_EMAILING =
  /\b(stop|don'?t|do not|no longer|remove|no more)\b[^.]*\b(email|emailing|mail|notify|notifying|alert)|\b(?:remove|drop|delete|take\s+off|get\s+rid\s+of|unsubscribe)\s+(?:the\s+)?(?:(?:address|recipient|email)\s+)?[\w.%+-]+@/i;

/**
 * The addresses a clause stops emailing, part by part: in "stop emailing ops@x.com, data@x.com should keep getting
 * them" only ops@x.com is stopped. A part that is nothing but addresses continues the list before it ("stop
 * emailing a@x.com, b@x.com").
 */
function stoppedEmails(text: string): Set<string> {
  const out = new Set<string>();
  if (!STOP_EMAILING.test(text)) return out;
  let previous = false;
  for (const part of text.split(/,\s+|;\s*|\s+(?:but|while|whereas|though)\s+/i)) {
    const emails = addressesIn(part);
    // "…, b@x.com about the job" continues the list; "…, b@x.com should keep getting them" says something else.
    const continues =
      /^\s*(?:(?:and|or)\s+)?[A-Za-z0-9._%+-]+@/.test(part) &&
      !/\b(?:keep|keeps|still|should|continue|remain|gets?|getting|receive|add|also|only)\b/i.test(part);
    const stops: boolean = continues ? previous : STOP_EMAILING.test(part);
    if (stops) for (const e of emails) out.add(e);
    previous = stops;
  }
  return out;
}

/** The task a clause ties a setting to: "the load task", "task `extract`", "The extract task". */
function taskOfClause(text: string): string | undefined {
  const m =
    /\b(?:the\s+)?`?([A-Za-z][\w-]*)`?\s+(?:task|step)\b(?!s)/i.exec(text) ??
    /\b(?:task|step)\s+`?([A-Za-z][\w-]*)`?/i.exec(text);
  if (!m) return undefined;
  if (
    /^(the|a|an|each|every|all|whole|this|that|which|one|first|last|new|same|said|its|other|per|any|single|given|failed|failing)$/i.test(
      m[1],
    )
  )
    return undefined;
  return m[1];
}

/**
 * The task clause `i` ties a setting to, following "that task" / "this step" / "the same task" / "it" back to
 * the task named earlier in the same sentence ("The fetch step is flaky: retry it 3 times and make that task
 * time out after 20 minutes").
 */
function taskOfClauseAt(all: Clause[], i: number): string | undefined {
  const own = taskOfClause(all[i].text);
  if (own) return own;
  if (!/\b(?:(?:that|this|the\s+same|said)\s+(?:task|step)|it)\b/i.test(all[i].text)) return undefined;
  for (let j = i - 1; j >= 0 && all[j].sentence === all[i].sentence; j--) {
    const earlier = taskOfClause(all[j].text);
    if (earlier) return earlier;
  }
  // "The `score_applicants` task keeps failing. … let that task retry twice": the task an earlier sentence named;
  // none named, "that task" is still one task — a question, never every task.
  if (/\b(?:that|this|the\s+same|said)\s+(?:task|step)\b/i.test(all[i].text)) {
    for (let j = i - 1; j >= 0; j--) {
      const earlier = taskOfClause(all[j].text);
      if (earlier) return earlier;
    }
    return THE_TASK;
  }
  return undefined;
}

/**
 * A timeout tied to a task without naming it ("stop the task if it runs over 30 minutes", "each step should time
 * out after 10 min"): every task when the words say each/every/all (`ANY_TASK`); "the task" (`THE_TASK`) is the
 * job's only task, or a question when it has several (INTERPRETATION.md: a timeout the ticket ties to a task is that task's, never the job's).
 */
export const ANY_TASK = "*";
export const THE_TASK = "?";
const ANY_TASK_RE = /\b(?:the|each|every|all|any|a|its)\s+(?:tasks?|steps?)\b/i;

function genericTask(text: string): string | undefined {
  const m = ANY_TASK_RE.exec(text);
  if (!m) return undefined;
  return /\b(each|every|all|any)\b/i.test(m[0]) ? ANY_TASK : THE_TASK;
}

/** "5 minutes between retries", "ten minutes apart", "wait 30 seconds between", "retry every 2 minutes". */
const RETRY_INTERVAL_RE = new RegExp(
  String.raw`((?:\d+(?:\.\d+)?|${COUNT_WORDS})\s*(?:seconds?|secs?|minutes?|mins?|m|hours?|h))\s+(?:between(?:\s+(?:retries|attempts|tries))?(?!\s+(?:\d|noon|midnight))|apart)\b|\bwait(?:ing)?\s+(\d+\s*(?:seconds?|minutes?|mins?))\s+between\b|\bretry\s+every\s+(\d+\s*(?:seconds?|minutes?|mins?))`,
  "i",
);

/**
 * Timeout phrases, each binding its duration: "kill it after 2 hours", "time out after 20 minutes",
 * "timeout of 2h", "a 90 minute timeout", "abort if it runs longer than 3 hours", "time limit: 1 hour",
 * "make it give up after 45 minutes".
 */
const DURATION_WORDS = String.raw`(?:half an? hour|an? hour and a half|(?:\d+(?:\.\d+)?|${AMOUNT_WORDS})\s*-?\s*(?:seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h))\b`;
const TIMEOUT_PHRASES: RegExp[] = [
  new RegExp(
    String.raw`\b(?:time\s?s?\s?out|timed out|time limit|max(?:imum)? (?:run(?:time)?|duration))\b[^.;,]{0,40}?\b(?:of|after|at|to|is|=|:|in)?\s*(${DURATION_WORDS})`,
    "i",
  ),
  new RegExp(
    String.raw`\b(?:kill|abort|cancel|terminate|stop|give up|bail out)(?:s|ed)?\b[^.;,]{0,50}?\b(?:after|at|past|beyond|longer than|more than|over|exceeds?|once it hits|when it hits)\s+(${DURATION_WORDS})`,
    "i",
  ),
  new RegExp(`(${DURATION_WORDS})\\s+(?:time\\s?out|time limit|hard limit|cap)\\b`, "i"),
  // "time the whole job out after 2 hours", "time it out at 90 minutes"
  new RegExp(
    String.raw`\btime\s+(?:(?:the\s+)?(?:whole\s+|entire\s+)?(?:job|run|it|task|step|\w+\s+(?:task|step)))\s+out\s+(?:after|at|in)\s+(${DURATION_WORDS})`,
    "i",
  ),
  // "give it 90 minutes max", "allow two hours", "90 minutes tops"
  new RegExp(
    String.raw`\b(?:give\s+it|allow(?:\s+it)?|cap\s+it\s+at)\s+(?:up\s+to\s+|at\s+most\s+)?(${DURATION_WORDS})(?:\s*(?:max(?:imum)?|at\s+most|tops))?`,
    "i",
  ),
  new RegExp(
    String.raw`(${DURATION_WORDS})\s+(?:max(?:imum)?|tops)\b(?!\s+(?:between|apart|wait|interval))`,
    "i",
  ),
  new RegExp(
    String.raw`\b(?:should(?:n'?t|\s+not|\s+never)|must(?:n'?t|\s+not|\s+never)|may\s+not|can(?:'?t|not)|never|not\s+allowed\s+to|no\s+run\s+may)\s+(?:run|take|last|go)\s+(?:(?:any\s+)?longer|more)\s+than\s+(${DURATION_WORDS})`,
    "i",
  ),
  new RegExp(
    String.raw`\b(?:if|when|once)\s+(?:it|the\s+(?:job|run|task|step))\s+(?:takes|runs|goes|lasts)\s+(?:(?:more|longer)\s+than|over|beyond|past)\s+(${DURATION_WORDS})[^.;]{0,20}?\b(?:kill|abort|cancel|terminate|stop)`,
    "i",
  ),
];

/** Node type ids of the three clouds (i3.xlarge, Standard_DS3_v2, n2-highmem-4). */
const NODE_TYPE = String.raw`Standard_[A-Za-z0-9_]+|[a-z][a-z0-9-]*\d[a-z0-9-]*\.(?:\d*x?large|medium|small|metal)|n[12][a-z]?-(?:standard|highmem|highcpu)-\d+`;
/** A worker count in digits or the words tickets use. */
const WORKER_COUNT = String.raw`\d+|${COUNT_WORDS}`;
const WORKER_WORD = String.raw`(?:worker(?:\s+node)?s?|nodes?|executors?)\b`;
const NODE_RE = new RegExp(String.raw`\b(${NODE_TYPE})\b`);
/** A list item naming a cluster by its key, then its facts: "- `cpu_small`: m5.xlarge, 2 workers, 15.4.x-scala2.12". */
const NAMED_CLUSTER_LINE =
  /^\s*(?:[-*•]\s+|\d+[.)]\s+)?(?:(?:job\s+)?cluster\s+)?`([a-z][\w-]*)`\s*(?::|=|—|–|-)\s*(.+)$/i;
/** "8 workers", "4-node"; "4 i3.2xlarge workers", "2 x m5.xlarge". */
const WORKERS_RE = new RegExp(String.raw`\b(${WORKER_COUNT})(?:\s+|-)${WORKER_WORD}`, "i");
const SIZED_WORKERS_RE = new RegExp(
  String.raw`\b(${WORKER_COUNT})\s*(?:[x×*]\s*(?:${NODE_TYPE})\b|(?:${NODE_TYPE})\s+${WORKER_WORD})`,
  "i",
);
/** A job name as written: quoted (any characters) or one identifier-like token ("genomics-alignment"). */
const QUOTED_NAME = String.raw`(?:["“\`']([^"”\`'\n]{2,100})["”\`']|\*\*([^*\n]{2,100})\*\*)`;
const TOKEN_NAME = String.raw`([A-Za-z0-9][\w.-]*[A-Za-z0-9_])`;
/** "Job name: Sales Rollup": after an explicit name label, Title Case words up to the end of the phrase. */
const LABELLED_NAME = String.raw`([A-Za-z0-9][\w.-]*[A-Za-z0-9_](?:\s+(?!(?:that|which|who|to|and|with|for|runs?|running|should|will|is|on|at|every|daily|please|pls|oh|btw|also|thx|thanks|then|but|plus)\b)[A-Z0-9][\w.-]*[A-Za-z0-9_])*(?:\s+\([A-Za-z0-9][\w &/-]{0,20}\))?)`;
const NAME_CUE = String.raw`(?:(?:^|[.!?]\s+)(?:(?:[-*+•]|\d+[.)])\s+|\|\s*)?name\s*(?=[:=]|\s*\|)|\bjob[\s_-]?name|\bname\s+(?:of\s+)?(?:(?:the|this|our|my)\s+)?(?:new\s+)?(?:job|pipeline|workflow)\b|\bname\s+(?:the\s+job|it)|\bcall\s+(?:the\s+job|it)|\b(?:job|pipeline|workflow)\s+(?:called|named|titled)|\b(?:job|pipeline|workflow|it)\s+(?:is|should\s+be|shall\s+be|will\s+be|must\s+be|can\s+be|to\s+be|gets?)\s+(?:called|named|titled))(?:\s+(?:is|should\s+be|to|as))?\s*(?:[:=]|\s*\|)?\s*`;

/**
 * Phrases that name the job to create, strongest first. A name is taken only where the words say it is the job's
 * name (a name label, "call the job X", `Job "X"`, `Create "X":`, a quoted name opening a sentence); unquoted
 * names must look like identifiers (contain "-", "_" or "."), except right after an explicit name label.
 */
const JOB_NAME_PHRASES: Array<{
  name: string;
  re: RegExp;
  unquotedNeedsMark: boolean;
  /** Only on the ticket's first line (a title), not on a line of facts further down. */
  firstLineOnly?: boolean;
}> = [
  {
    // An explicit name label ("Job name: X", "the job is called X", "name of job is X"): stronger than any title.
    name: "name-label",
    re: new RegExp(
      NAME_CUE +
        `(?:${QUOTED_NAME}|${LABELLED_NAME})(?=\\s*(?:$|[,.;:!?)|]|\\s(?:and|with|that|which|to|for|runs?|running|executing|using|on|at|every|should|please|pls|oh|btw|also|thx|thanks|then|but|plus)\\b))`,
      "i",
    ),
    unquotedNeedsMark: false,
  },
  {
    // A ticket whose first line is a bold (or heading) title: "**Nightly Ledger Sync**", "# **Sales Flash**".
    name: "bold-title",
    re: /^\s*(?:#+\s*)?\*\*([^*\n]{2,100})\*\*\s*$/,
    unquotedNeedsMark: false,
  },
  {
    // 'Steps for the new "Credit Risk Scoring" job:', 'our "Sales Flash" pipeline'
    name: "quoted-then-job",
    re: new RegExp(
      String.raw`\b(?:the|a|an|our|this|my|new)\s+(?:new\s+)?` +
        QUOTED_NAME +
        String.raw`\s+(?:job|pipeline|workflow)\b`,
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    // "New job pls: **dbt-finance-models**", "New job request — `orders-v2`"
    name: "new-job-quoted",
    re: new RegExp(
      String.raw`\bnew\s+job\b(?:\s+(?:pls|please|plz|request|ticket))?\s*[:—–-]\s*` + QUOTED_NAME,
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    name: "job-quoted",
    re: new RegExp(String.raw`\b(?:job|pipeline)\s*[:,]?\s+` + QUOTED_NAME, "i"),
    unquotedNeedsMark: true,
  },
  {
    name: "create-quoted",
    re: new RegExp(
      String.raw`\b(?:create|set\s*up|setup|add|make|build|needs?)\s*:?\s+(?:(?:a|the|one)\s+)?(?:new\s+)?(?:job\s+)?` +
        QUOTED_NAME,
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    name: "quoted-subject",
    re: new RegExp(
      String.raw`(?:^|[.!?:]\s+)\s*` +
        QUOTED_NAME +
        String.raw`\s*(?::|—|–|\s-\s|\s+(?:runs?|should|will|is|needs?|has|does|must)\b)`,
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    name: "job-colon",
    re: new RegExp(
      String.raw`(?:^|[.!?]\s+)\s*(?:[-*+]\s+)?(?:job|svc|service|workflow)\s*[:=]\s*\`?` +
        TOKEN_NAME +
        String.raw`\`?(?=\s*(?:$|[,.;]))`,
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    name: "job-label",
    re: new RegExp(
      String.raw`(?:^|[.!?]\s+)\s*(?:(?:please\s+)?(?:make|create|add|set\s*up|new)\s+(?:a\s+)?(?:new\s+)?)?job\s+\`?` +
        TOKEN_NAME +
        String.raw`\`?\s*(?::|—|–|\s-\s)`,
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    name: "create-bare-token",
    re: new RegExp(
      String.raw`\b(?:create|set\s*up|setup|make)\s+\`?` +
        TOKEN_NAME +
        String.raw`\`?\s+(?:which|that|to|job|from|with|using|running)\b`,
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    // A ticket opening with the job's name as a title: "Test_Train_Serverless — serverless, one task …"
    name: "title-token",
    re: new RegExp(String.raw`^\s*\`?` + TOKEN_NAME + String.raw`\`?\s*(?:—|–|\s-\s)`, "i"),
    unquotedNeedsMark: true,
  },
  {
    // "Create code-search-index: python wheel …", "set up orders_v2 — runs …"
    name: "create-token-colon",
    re: new RegExp(
      String.raw`(?:^|[.!?]\s+)\s*(?:(?:please|pls|can\s+you|could\s+you)\s+)?(?:create|set\s*up|setup|make|add)\s+(?:a\s+)?(?:new\s+)?\`?` +
        TOKEN_NAME +
        String.raw`\`?\s*(?::|—|–|\s-\s)`,
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    name: "create-token",
    re: new RegExp(
      String.raw`\b(?:create|new|set\s*up|make|add)\s+(?:a\s+)?(?:new\s+)?job\s+\`?` + TOKEN_NAME + "`?",
      "i",
    ),
    unquotedNeedsMark: true,
  },
  {
    // A first line opening with the job's name and a colon: "kpi-daily: run /Workspace/… every weekday 7am".
    name: "title-token-colon",
    re: new RegExp(String.raw`^\s*\`?` + TOKEN_NAME + String.raw`\`?\s*:\s+\S`, "i"),
    unquotedNeedsMark: true,
    firstLineOnly: true,
  },
  {
    // A ticket whose first line is a heading in Title Case: "# Customer Health Score" (weakest: any naming
    // phrase wins over it; generic headings — "# New job request", "## Schedule" — name nothing).
    name: "heading-title",
    re: /^\s*#{1,2}\s+((?!(?:New|Job|Ticket|Request|Summary|Overview|Description|Context|Background|What|When|Why|Who|How|Schedule|Tasks?|Notifications?|Compute|Details|Requirements?|Notes?|Please|Hi|Hello)\b)[A-Z][\w&'-]*(?:\s+(?:[A-Z0-9][\w&'-]*|of|and|for|the|to|in|by|&)){0,6})\s*$/,
    unquotedNeedsMark: false,
    firstLineOnly: true,
  },
];

/** "1. `prepare` — notebook /…", "- **Score**: /…": a list item labelling the code on its line names a step. */
function labelsListedStep(line: string, nameAt: number): boolean {
  return (
    /^\s*(?:(?:\d+[.)]|step\s+\d+[:.)]?)\s*|[-*+]\s+)["“`'*]*$/i.test(line.slice(0, nameAt)) &&
    /(?:^|[\s(:])(?:\/|dbfs:|s3:|abfss:|gs:)[\w.@-]/.test(line.slice(nameAt))
  );
}

/**
 * Whether prose line `index` is a body row of a table of the job's facts ("| field | value |" above, a "| name | X |"
 * row): not the header row itself, and not a table of parameters ("| name | value |" lists parameter names).
 */
function factTableRow(prose: Prose, index: number): boolean {
  const isRow = (i: number) => i >= 0 && /^\s*\|.*\|\s*$/.test(prose.lines[i]!.text);
  const isRule = (i: number) => /^\s*\|(?:\s*:?-+:?\s*\|)+\s*$/.test(prose.lines[i]!.text);
  let top = index;
  while (isRow(top - 1)) top--;
  if (top === index || !isRule(top + 1) || top + 1 === index) return false;
  const first = /^\s*\|\s*([^|]*?)\s*\|/.exec(prose.lines[top]!.text)?.[1]?.toLowerCase() ?? "";
  return /^(?:field|fields|setting|settings|property|attribute|item|what|)$/.test(first.replace(/\*\*/g, ""));
}

/** Every place the words introduce a new job by name, in text order (one entry per distinct name). */
export function jobNameIntroductions(
  prose: Prose,
  existingJobs: WorkspaceJob[],
): Array<Sourced<string> & { lineIndex: number; index: number; phrase: string }> {
  const out: Array<Sourced<string> & { lineIndex: number; index: number; phrase: string }> = [];
  for (const phrase of JOB_NAME_PHRASES) {
    prose.lines.forEach((l, lineIndex) => {
      if (phrase.firstLineOnly && lineIndex > 0) return;
      for (const m of matchesOf(globalOf(phrase.re), l.text)) {
        const raw = m.slice(1).find((g) => g !== undefined) ?? "";
        const at = m[0].indexOf(raw);
        const quoted = at > 0 && /["“`'*]/.test(m[0][at - 1]);
        const name = raw.trim().replace(/[.]+$/, "");
        if (!name) continue;
        if (phrase.unquotedNeedsMark && !quoted && !/[-_.]/.test(name)) continue;
        if (/^(?:\/|https?:)/.test(name)) continue;
        if (labelsListedStep(l.text, (m.index ?? 0) + at)) continue;
        if (IT_CUE.test(m[0]) && OTHER_SUBJECT.test(l.text.slice(0, m.index ?? 0))) continue;
        if (/^\s*\|\s*name\s*\|/i.test(m[0]) && !factTableRow(prose, lineIndex)) continue;
        if (existingJobs.some((j) => (j.settings.name ?? "").toLowerCase() === name.toLowerCase())) continue;
        if (out.some((o) => o.value.toLowerCase() === name.toLowerCase())) continue;
        out.push({
          value: name,
          words: m[0].trim(),
          line: lineIn(l, m.index ?? 0),
          lineIndex,
          index: (m.index ?? 0) + at,
          phrase: phrase.name,
        });
      }
    });
  }
  return out.sort((a, b) => a.lineIndex - b.lineIndex || a.index - b.index);
}

/** A naming cue whose "it" is whatever the clause is about: "call it X", "name it X", "it should be called X". */
const IT_CUE = /\b(?:call|name)\s+it\b|\bit\s+(?:is|should|shall|will|must|can|to|gets?)\b/i;
/**
 * The clause before such a cue is about something other than the job: "Cluster: call it `stream_cluster`", "the
 * new table — name it orders_v2". That "it" names the cluster or the table, not the job.
 */
const OTHER_SUBJECT =
  /\b(?:cluster|task|step|table|schema|catalog|volume|notebook|warehouse|parameter|file|folder|branch|tag|query|dashboard|alert|pool|policy|library|package|wheel)s?\b[^.;!?]*$/i;

/** The name of the job to create: the strongest naming phrase (the table is ordered strongest first). */
function readJobName(prose: Prose, existingJobs: WorkspaceJob[]): Sourced<string> | undefined {
  const all = jobNameIntroductions(prose, existingJobs);
  const best = JOB_NAME_PHRASES.map((p) => all.find((a) => a.phrase === p.name)).find((a) => a !== undefined);
  return best
    ? { value: best.value, words: best.words, ...(best.line !== undefined ? { line: best.line } : {}) }
    : undefined;
}

const PYPI_SPEC = String.raw`[A-Za-z](?:[\w.-]*[A-Za-z0-9])?(?:\[[\w,-]+\])?(?:\s*(?:==|>=|<=|~=|!=)\s*[\w.*+!-]*\w(?:\s*,\s*(?:==|>=|<=|~=|!=|>|<)\s*[\w.*+!-]*\w)*)?`;
/** "pypi package X", "pip install X Y", "install the python library X", "Libraries: X, Y". */
const PYPI_CUE = new RegExp(
  String.raw`\b(?:(?:pypi|pip|python)\s+(?:packages?|librar(?:y|ies)|dependenc(?:y|ies))\s*:?|pip\s+install|install(?:ing|ed)?(?:\s+the)?(?:\s+(?:pypi|python)\s+(?:packages?|librar(?:y|ies)))?|(?:librar(?:y|ies)|dependenc(?:y|ies))\s*:)\s+\`?(${PYPI_SPEC})\`?((?:\s*(?:,|\band\b|&)\s*\`?${PYPI_SPEC}\`?)*)`,
  "gi",
);
/** A pinned package anywhere: "with pandas==2.2.2 installed". */
const PINNED_ANYWHERE = /(?<![\w.-])([A-Za-z][\w.-]*(?:\[[\w,-]+\])?(?:==|>=|~=)\d(?:[\w.*+!-]*\w)?)/g;
const PINNED = /^[A-Za-z][\w.-]*(?:\[[\w,-]+\])?\s*(?:==|>=|<=|~=|!=|>|<)/;
const NOT_A_PACKAGE =
  /^(?:the|a|an|it|on|in|to|and|or|with|library|libraries|package|packages|pypi|pip|python|maven|from|of|for|then|dependencies|requirements)$/i;

export const EXTRACTORS: Extractor[] = [
  {
    // "with the pypi package scikit-learn==1.5.0", "pip install pandas==2.2 pyarrow", "maven com.acme:etl:1.4",
    // "requirements file /Workspace/etl/requirements.txt": libraries the tasks need (a bare word after "install"
    // is taken only when it is pinned or follows pypi/pip).
    name: "libraries",
    fields: ["tasks[].libraries", "environments[].spec.dependencies"],
    extract(r) {
      // Most tickets name no library: one cheap look at the whole text first (this runs for every requirement).
      if (!/pypi|pip|python|install|librar|dependenc|maven|requirements|[=>~]=/i.test(r.prose.text)) return;
      for (const l of r.prose.lines) {
        const text = l.text.replace(/\/\S+|\S+@\S+|https?:\/\/\S+/g, (x) =>
          /requirements[\w.-]*\.txt$/i.test(x) ? x : " ".repeat(x.length),
        );
        const add = (spec: string, words: string, at: number) => {
          if (!r.libraries.some((x) => "pypi" in x.value && x.value.pypi === spec))
            r.libraries.push({ value: { pypi: spec }, words, line: lineIn(l, at) });
        };
        for (const m of matchesOf(PYPI_CUE, text)) {
          const explicit = /\b(?:pypi|pip|python|librar(?:y|ies)|dependenc(?:y|ies))\b/i.test(m[0]);
          const specs = [m[1], ...(m[2] ?? "").split(/\s*(?:,|\band\b|&)\s*/)]
            .map((x) => x.replace(/`/g, "").replace(/\s+/g, "").trim())
            .filter((x) => x && !NOT_A_PACKAGE.test(x) && (explicit || PINNED.test(x)));
          for (const spec of specs) add(spec, m[0].trim(), m.index);
        }
        for (const m of matchesOf(PINNED_ANYWHERE, text)) add(m[1], m[1], m.index);
        const maven =
          /\bmaven\s+(?:library\s+|coordinates?\s+|package\s+)?`?([\w.-]+:[\w.-]+:[\w.-]*\w)`?/i.exec(text);
        if (maven)
          r.libraries.push({ value: { maven: maven[1] }, words: maven[0], line: lineIn(l, maven.index) });
        const req =
          /\brequirements(?:\s+file)?\s*(?::|at|in|from)?\s*`?((?:\/|dbfs:\/)\S*requirements[\w.-]*\.txt)`?/i.exec(
            l.text,
          );
        if (req)
          r.libraries.push({ value: { requirements: req[1] }, words: req[0], line: lineIn(l, req.index) });
      }
    },
  },
  {
    // "Job parameters:" / "Named parameters:" / "Notebook params:" / "with these parameters:" followed by
    // "- name: value" or "name=value" lines or a markdown table (text.ts parameterList).
    name: "parameter-list",
    fields: [
      "parameters",
      "job_parameters",
      "tasks[].python_wheel_task.named_parameters",
      "tasks[].notebook_task.base_parameters",
    ],
    extract(r) {
      for (const p of parameterList(r.prose)) {
        const v = { name: p.key, value: p.value, words: p.words, line: p.line };
        // "Named parameters:" (a wheel's keyword arguments) and "Notebook params:" lists fill those fields.
        if (p.kind === "named") r.wheelNamed.push(v);
        else if (p.kind === "notebook") r.notebookParameters.push(v);
        else {
          r.jobParameters.push(v);
          r.runParameters.push({ ...v });
        }
      }
    },
  },
  {
    name: "job-name",
    fields: ["name"],
    extract(r, ctx) {
      r.jobName = readJobName(r.prose, ctx.existingJobs);
    },
  },
  {
    name: "schedule",
    fields: ["schedule.quartz_cron_expression", "schedule.timezone_id", "schedule.pause_status"],
    extract(r) {
      r.schedule = readSchedule(r.prose);
      r.questions.push(...(r.schedule.questions ?? []));
    },
  },
  {
    name: "file-arrival",
    fields: ["trigger.file_arrival.url"],
    extract(r) {
      for (const l of r.prose.lines) {
        if (
          !/\bfiles?\b/i.test(l.text) ||
          !/\b(land|lands|landing|arrive|arrives|arrival|dropped|drops|appear|appears|uploaded|shows? up|comes? in|new)\b/i.test(
            l.text,
          )
        )
          continue;
        const m = /(?:\/Volumes\/[^\s,;'"`()]+|(?:s3a?|abfss|gs|wasbs):\/\/[^\s,;'"`()]+)/.exec(l.text);
        if (m) {
          r.fileArrival = {
            value: trimPath(m[0]),
            words: l.text.slice(Math.max(0, m.index - 40), m.index + m[0].length).trim(),
            line: l.line,
          };
          return;
        }
      }
    },
  },
  {
    // "don't fire more than once every 5 minutes", "wait 2 minutes after the last file changes": a trigger's timing.
    name: "trigger-timing",
    fields: [
      "trigger.file_arrival.min_time_between_triggers_seconds",
      "trigger.file_arrival.wait_after_last_change_seconds",
      "trigger.table_update.min_time_between_triggers_seconds",
      "trigger.table_update.wait_after_last_change_seconds",
    ],
    extract(r) {
      for (const l of r.prose.lines) {
        const gap = TRIGGER_GAP_RE.exec(l.text);
        const gapSeconds = gap ? amountSeconds(gap, 1) : undefined;
        if (gap && gapSeconds !== undefined && !r.triggerMinGap)
          r.triggerMinGap = { value: gapSeconds, words: gap[0], line: lineIn(l, gap.index) };
        const wait = TRIGGER_WAIT_RE.exec(l.text);
        const waitSeconds = wait ? amountSeconds(wait, 1) : undefined;
        if (wait && waitSeconds !== undefined && !r.triggerWait)
          r.triggerWait = { value: waitSeconds, words: wait[0], line: lineIn(l, wait.index) };
      }
    },
  },
  {
    name: "table-update",
    fields: ["trigger.table_update.table_names"],
    extract(r) {
      const hit = firstMatch(
        r,
        /\btables?\s+`?([\w]+\.[\w]+\.[\w]+(?:`?\s*(?:,|and)\s*`?[\w]+\.[\w]+\.[\w]+)*)`?[^.\n]*\b(updated?|changes?|changed|modified|gets? new data|refreshed)\b/i,
      );
      if (hit) {
        const names = hit.m[1].split(/`?\s*(?:,|and)\s*`?/).map((s) => s.replace(/`/g, "").trim());
        r.tableUpdate = { value: names, words: hit.m[0], line: hit.line };
      }
    },
  },
  {
    name: "continuous",
    fields: ["continuous.pause_status"],
    extract(r) {
      const hit = firstMatch(
        r,
        /\b(run(?:s|ning)?\s+continuously|continuous(?:ly)?(?:\s+job|\s+mode)?|always[- ]on|24\/7)\b/i,
      );
      if (hit) r.continuous = { value: true, words: hit.m[0], line: hit.line };
    },
  },
  {
    name: "compute",
    fields: ["job_clusters[].new_cluster", "tasks[].existing_cluster_id", "serverless"],
    extract(r) {
      const serverless = firstMatch(r, /\bserverless\b(?!\s+(?:sql\s+)?warehouse)/i);
      if (serverless) r.serverless = { value: true, words: serverless.m[0], line: serverless.line };
      const existing = firstMatch(r, /\b(\d{4}-\d{6}-[a-z0-9]{5,8})\b/i);
      if (existing) r.existingClusterId = { value: existing.m[1], words: existing.m[0], line: existing.line };
      const autoscale =
        firstMatch(
          r,
          /\b(?:autoscal\w*\s+(?:from\s+|between\s+)?)?(\d+)\s*(?:-|to|and)\s*(\d+)\s+workers\b/i,
        ) ??
        // "autoscale, min 2 / max 10 workers", "minimum 2, maximum 8 workers", "min_workers: 2, max_workers: 10"
        firstMatch(
          r,
          /\bmin(?:imum)?(?:[\s_]workers)?\s*[:=]?\s*(\d+)\s*(?:\/|,|and|-|;)?\s*max(?:imum)?(?:[\s_]workers)?\s*[:=]?\s*(\d+)(?:\s+(?:workers|nodes))?\b/i,
        );
      if (autoscale) {
        r.cluster.autoscale = {
          value: { min_workers: Number(autoscale.m[1]), max_workers: Number(autoscale.m[2]) },
          words: autoscale.m[0],
          line: autoscale.line,
        };
      } else {
        // "8 workers"; "4 i3.2xlarge workers", "2 x m5.xlarge"; "bump the workers to 8", "set the worker count to 6",
        // "scale the cluster to 10 nodes".
        const workers =
          firstMatch(r, WORKERS_RE) ??
          firstMatch(r, SIZED_WORKERS_RE) ??
          firstMatch(
            r,
            /\b(?:workers|worker\s+count|number\s+of\s+workers|num_workers)\b[^.,;\d]{0,40}?\b(?:to|=|:)\s*(\d+)\b(?!\s*(?:am|pm|[ap]\.m\.|:\d|min|h\b|hours?|minutes?|%))/i,
          );
        const count = workers ? parseCount(workers.m[1]) : undefined;
        if (workers && count !== undefined)
          r.cluster.numWorkers = { value: count, words: workers.m[0], line: workers.line };
      }
      const node = firstMatch(r, NODE_RE);
      if (node) r.cluster.nodeType = { value: node.m[1], words: node.m[0], line: node.line };
      const spark = firstMatch(r, /\b(\d{1,2}\.\d{1,2}\.x-(?:[a-z0-9]+-)*scala\d\.\d{1,2})\b/i);
      if (spark) {
        // "DBR 15.4 LTS (15.4.x-scala2.12)": the runtime said twice, in words and as its key — the words are read too.
        const line = r.prose.lines.find((l) => l.text.includes(spark.m[0]))?.text ?? "";
        const end = line.indexOf(spark.m[0]) + spark.m[0].length;
        const said = new RegExp(
          String.raw`\b(?:dbr|runtime|spark)\s*(?:version\s*)?${escapeRegExp(spark.m[1].split(".x-")[0]!)}\b[^.;\n]*$`,
          "i",
        ).exec(line.slice(0, end - spark.m[0].length));
        const words = said ? line.slice(said.index, end) : spark.m[0];
        r.cluster.sparkVersion = { value: spark.m[1], words, line: spark.line };
      } else {
        // "DBR 15.4 LTS", "runtime 15.4 LTS ML" / "ML runtime 15.4" (the ML runtime: 15.4.x-cpu-ml-scala2.12),
        // "… ML GPU" (15.4.x-gpu-ml-scala2.12).
        const dbr = firstMatch(
          r,
          /\b(?:(ML|machine\s+learning)\s+)?(?:dbr|runtime|spark)\s*(?:version\s*)?(\d{1,2}\.\d{1,2})(?:\s*LTS)?(?:\s+(?:for\s+)?(ML|machine\s+learning))?(?:\s+(?:with\s+)?(GPU))?\b/i,
        );
        if (dbr) {
          const version = dbr.m[2] as string;
          const major = Number(version.split(".")[0]);
          const ml = dbr.m[1] !== undefined || dbr.m[3] !== undefined;
          const flavour = ml ? (dbr.m[4] ? "gpu-ml-" : "cpu-ml-") : "";
          r.cluster.sparkVersion = {
            value: `${version}.x-${flavour}scala${major >= 17 ? "2.13" : "2.12"}`,
            words: dbr.m[0],
            line: dbr.line,
          };
        }
      }
      const kind = firstMatch(r, /\b(?:job|new|dedicated|its\s+own|their\s+own)[\s_-]clusters?\b/i);
      if (kind) r.cluster.kind = { value: true, words: kind.m[0], line: kind.line };
      const key =
        firstMatch(r, /\bcluster\s+(?:called|named|key)\s+`?([\w-]+)`?/i) ??
        // "Cluster: call it `stream_cluster`, …"
        firstMatch(r, /\bcluster\b[^.;!?\n]*?\b(?:call|name)\s+it\s+`([\w-]+)`/i) ??
        // "job cluster `ml_cpu`: 4 workers, …", "job_cluster_key: etl"
        firstMatch(r, /\bjob[\s_-]?cluster(?:[\s_-]?key)?\s*(?:[:=]\s*)?`([\w-]+)`/i) ??
        firstMatch(r, /\bjob[\s_-]?cluster[\s_-]?key\s*[:=]\s*([a-z][\w-]*)\b/i);
      if (key) r.cluster.key = { value: key.m[1], words: key.m[0], line: key.line };
    },
  },
  {
    // "Two job clusters:" / "- `cpu_small`: m5.xlarge, 2 workers, 15.4.x-scala2.12" / "- `mem_large`: …": two or
    // more clusters, each read from its own line the way the one cluster of a job is (the compute extractor).
    name: "named-clusters",
    fields: ["job_clusters[].job_cluster_key", "job_clusters[].new_cluster"],
    extract(r, ctx) {
      const found: Reading["namedClusters"] = [];
      for (const l of r.prose.lines) {
        const m = NAMED_CLUSTER_LINE.exec(l.text);
        if (!m || !(NODE_RE.test(m[2] as string) || WORKERS_RE.test(m[2] as string))) continue;
        const one = emptyReading({ lines: [{ ...l, text: m[2] as string }], text: m[2] as string });
        EXTRACTORS.find((e) => e.name === "compute")?.extract(one, ctx);
        found.push({ key: m[1] as string, ask: one.cluster, words: l.text.trim(), line: l.line });
      }
      if (found.length >= 2) r.namedClusters = found;
    },
  },
  {
    name: "retries",
    fields: ["tasks[].max_retries", "tasks[].min_retry_interval_millis", "tasks[].retry_on_timeout"],
    extract(r) {
      const all = clauses(r.prose);
      all.forEach((c, i) => {
        // "retry only the transform task, 3 times", "retry just `load` twice": retries of one task.
        const onlyTask =
          /\bretr(?:y|ies)\s+(?:only|just)\s+(?:the\s+)?`?((?!job\b|run\b|whole\b)[\w-]+)`?(?:\s+(?:task|step))?\s*,?\s*(?:up\s+to\s+)?(\d+|once|twice|thrice|one|two|three|four|five)(?:\s*(?:times?|x))?\b/i.exec(
            c.text,
          );
        const onlyCount = onlyTask ? parseCount(onlyTask[2] as string) : undefined;
        if (onlyTask && onlyCount !== undefined && !r.retries) {
          r.retries = { value: onlyCount, words: onlyTask[0], line: c.line, task: onlyTask[1] as string };
        }
        const count =
          /\bretr(?:y|ies)\b(?:\s+(?:it|them|the\s+\w+\s+(?:task|step)|the\s+(?!job\b|run\b|whole\b|pipeline\b)[\w-]+|`[\w-]+`|(?!up\b|at\b|max|no\b|on\b|once\b|twice\b|thrice\b|and\b|or\b|with\b|plus\b|\d)[a-z][\w-]*(?=\s+(?:\d+|once|twice|thrice|one|two|three|four|five)\b)|(?:each|every|all|both)\s+(?:of\s+the\s+)?(?:tasks?|steps?)|this|that))?(?:\s+(?:up\s+to|at\s+most|max(?:imum)?|no\s+more\s+than))?\s+(\d+|once|twice|thrice|one|two|three|four|five)(?:\s*(?:times?|x))?\b/i.exec(
            c.text,
          ) ??
          /\b(?:up\s+to|at\s+most|max(?:imum)?(?:\s+of)?)\s+(\d+|one|two|three|four|five)\s+retries\b/i.exec(
            c.text,
          ) ??
          // "Retries: 3", "retries = 2" (a list of facts).
          /\bretr(?:y|ies)\s*[:=]\s*(\d+|once|twice|thrice|one|two|three|four|five)\b/i.exec(c.text) ??
          /\b(\d+|one|two|three|four|five)\s+(?:retries|retry|retrys)\b/i.exec(c.text) ??
          /\bretries\s+(?:to|=|:|of)\s*(\d+)\b/i.exec(c.text) ??
          /\b(?:max(?:imum)?\s+)?retries\b[^.,;\d]{0,40}?\bto\s+(\d+|one|two|three|four|five)\b/i.exec(
            c.text,
          ) ??
          /\b(?:should\s+)?retry\s+(once|twice)\b/i.exec(c.text);
        if (count && !r.retries) {
          const n = parseCount(count[1]);
          if (n !== undefined) {
            // "Retry the ingest twice": the step named right after the verb.
            const named =
              /^retr(?:y|ies)\s+(?:the\s+)?`?((?!job\b|run\b|whole\b|pipeline\b|it\b|them\b|this\b|that\b|each\b|every\b|all\b|both\b|up\b|at\b|max|\d|(?:of|to|for|on|in|by|from|with)\b|(?:once|twice|thrice|one|two|three|four|five)\b)[\w-]+)`?\s+(?!task\b|step\b)/i.exec(
                count[0],
              )?.[1];
            const task = taskOfClauseAt(all, i) ?? named;
            r.retries = { value: n, words: count[0], line: c.line, ...(task ? { task } : {}) };
          }
        } else if (!r.retries && /\bretry\b[^.]*\bon failure\b/i.test(c.text) && !/\d/.test(c.text)) {
          r.retries = { value: 1, words: "retry on failure", line: c.line };
        }
        const interval = RETRY_INTERVAL_RE.exec(c.text);
        if (interval && !r.retryIntervalMs) {
          const d = parseDuration(interval[1] ?? interval[2] ?? interval[3]);
          if (d) r.retryIntervalMs = { value: d.seconds * 1000, words: interval[0], line: c.line };
        }
        const onTimeout = /\bretry\b[^.]*\bon\s+timeouts?\b|\bretry[_ ]on[_ ]timeout\b/i.exec(c.text);
        // "retry 3 times but not on timeout": the timeout is ruled out (retry_on_timeout stays false).
        if (
          onTimeout &&
          !r.retryOnTimeout &&
          !/\b(?:not|never|no|except|don['’]?t|without)\b(?:\s+\w+){0,3}?\s+(?:on\s+|for\s+|after\s+)?(?:a\s+)?timeouts?\b/i.test(
            onTimeout[0],
          )
        )
          r.retryOnTimeout = { value: true, words: onTimeout[0], line: c.line };
      });
    },
  },
  {
    name: "timeout",
    fields: ["timeout_seconds", "tasks[].timeout_seconds"],
    extract(r) {
      const all = clauses(r.prose);
      for (let i = 0; i < all.length && !r.timeout; i++) {
        const c = all[i];
        for (const re of TIMEOUT_PHRASES) {
          const m = re.exec(c.text);
          if (!m) continue;
          const d = parseDuration(m[1].replace(/(\d)\s*-\s*/, "$1 "));
          if (!d) continue;
          const task = taskOfClauseAt(all, i) ?? genericTask(c.text);
          const perTask = task && !/\b(whole|entire|job)\b/i.test(m[0]) ? task : undefined;
          r.timeout = { value: d.seconds, words: m[0], line: c.line, ...(perTask ? { task: perTask } : {}) };
          break;
        }
      }
    },
  },
  {
    name: "notifications",
    fields: ["email_notifications", "webhook_notifications", "health.rules"],
    extract(r, ctx) {
      // "email a@x and b@x on failure, but only a@x on success": each side of the "but" names its own recipients
      // and event.
      const all = clauses(r.prose).flatMap((c) => {
        const parts = c.text.split(
          /,?\s+but\s+(?=(?:(?:only|just|also)\s+)?(?:email\s+|notify\s+|send\s+(?:it\s+)?to\s+)?[\w.+-]+@)/i,
        );
        return parts.length > 1 ? parts.map((text) => ({ ...c, text })) : [c];
      });
      const people = peopleOf(r.prose.text);
      // Who the jobs email today, for "take him off the failure emails" / "remove bob from the alerts".
      const recipients = ctx.existingJobs.flatMap((j) =>
        Object.values((j.settings.email_notifications ?? {}) as Record<string, unknown>).flatMap((v) =>
          Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [],
        ),
      );
      const known = peopleOf(r.prose.text, recipients);
      all.forEach((c: Clause, i) => {
        const off = TAKE_OFF_RE.exec(c.text);
        if (off && addressesIn(off[0]).length === 0) {
          const said = (off[1] ?? off[2] ?? "").toLowerCase();
          // "bob left the team — take him off …": a pronoun is the last person named before it.
          const before =
            r.prose.text.slice(0, Math.max(0, r.prose.text.indexOf(c.text))) + c.text.slice(0, off.index);
          const named = /^(?:him|her|them)$/.test(said)
            ? (before.match(/\p{L}+/gu) ?? []).reverse().find((w) => known.has(w.toLowerCase()))
            : said;
          const email = named ? known.get(named.toLowerCase()) : undefined;
          const event = eventsOf(c.text)[0];
          if (email)
            r.removeEmails.push({ value: email, words: off[0], line: c.line, ...(event ? { event } : {}) });
          else if (said !== "it")
            r.questions.push(
              `Whose address should come off the list in "${off[0]}"? Give the email address (the ticket does not say who "${off[1] ?? off[2]}" is).`,
            );
        }
        const own = addressesIn(c.text);
        // "on success, just Priya": a first name of an address the ticket gives, where an event is named.
        const emails = own.length === 0 && eventsOf(c.text).length > 0 ? peopleIn(c.text, people) : own;
        const stopping = stoppedEmails(c.text);
        // A clause without an event word takes the event of the condition that opens its sentence ("If it fails,
        // email X"; "In case of failure, notify X"), else of the next clause of the same sentence ("email X, when
        // it fails").
        let events = eventsOf(c.text);
        const noEmails = (x: Clause | undefined) =>
          !!x && x.sentence === c.sentence && addressesIn(x.text).length === 0;
        // The words a recipient is read from hold the borrowed condition too (the accounting sees it used). "alert X"
        // alone reads as on failure; a condition before it ("If it succeeds, alert X") says otherwise.
        let words = c.text;
        const opener = all[i - 1];
        const ownEvents = eventsOf(c.text.replace(/\balerts?\b/gi, " "));
        if (!ownEvents.length && emails.length && noEmails(opener) && CONDITION_OPENER.test(opener.text)) {
          // "If a run takes longer than 45 minutes, warn X": the duration is in the condition, the verb after it.
          const joined = eventsOf(`${opener.text}, ${c.text}`);
          const borrowed =
            joined[0] === "on_duration_warning_threshold_exceeded" ? joined : eventsOf(opener.text);
          if (borrowed.length) [events, words] = [borrowed, `${opener.text}, ${c.text}`];
        }
        // …or of the clause after it, without recipients ("email X, when it fails") or a copy of the message
        // ("Email X and cc Y on failure": the copy's condition is the message's).
        const after = all[i + 1];
        const copy =
          after?.sentence === c.sentence && /^(?:and\s+)?(?:cc|bcc|copy(?:\s+in)?)\b/i.test(after.text);
        if (!events.length && emails.length && (noEmails(after) || copy)) {
          events = eventsOf(after!.text);
          if (events.length) words = `${c.text}${copy ? " and " : ", "}${after!.text}`;
        }
        // "email X on success and on failure": the clause was split at "and on"; the short clauses after it that
        // only name an event add theirs.
        for (let k = i + 1; events.length && emails.length && noEmails(all[k]); k++) {
          const next = all[k] as Clause;
          const more = eventsOf(next.text);
          if (more.length === 0 || next.text.split(/\s+/).length > 4) break;
          // "…, if it fails, email Y": that condition opens the next recipient's clause, not this one's.
          const opens = all[k + 1];
          if (CONDITION_OPENER.test(next.text) && opens?.sentence === c.sentence && !noEmails(opens)) break;
          events = [...new Set([...events, ...more])];
          words = `${words} and ${next.text}`;
        }
        const event = events.includes("on_failure") ? "on_failure" : events[0];
        if (event === "on_duration_warning_threshold_exceeded") {
          const d = parseDuration(words);
          if (d && !r.durationWarning) r.durationWarning = { value: d.seconds, words, line: c.line };
        }
        const retired = retiredEmails(c.text);
        for (const email of emails) {
          // "run it as the user a@x.com" is an identity (run_as), not a recipient.
          const before = c.text.slice(0, c.text.indexOf(email));
          if (/\brun(?:s|ning)?\s+(?:it\s+|the\s+job\s+)?as\s+(?:the\s+)?(?:user\s+)?$/i.test(before))
            continue;
          if (stopping.has(email) || retired.has(email)) {
            r.removeEmails.push({ value: email, words: c.text, line: c.line, ...(event ? { event } : {}) });
            continue;
          }
          // "alice@example.com should still get them": a recipient kept as it is (the accounting checks that the
          // job has it today).
          if (!event && /\b(?:still|keep|keeps|continue|remain)\b/i.test(c.text)) continue;
          if (!event) {
            r.questions.push(
              `When should ${email} be emailed — on failure, on success, on start, or when a run is too long? ("${c.text}")`,
            );
            continue;
          }
          for (const ev of events) r.emails.push({ value: email, event: ev, words, line: c.line });
        }
        const hook =
          /\b(slack|teams|webhook|pagerduty|notification)\b[^.]*?\b(?:destination|channel|webhook|id)?\s*`?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`?/i.exec(
            c.text,
          );
        if (hook) {
          const ev =
            event ??
            eventOf(
              all
                .filter((x) => x.sentence === c.sentence)
                .map((x) => x.text)
                .join(" "),
            );
          // The words hold the event the clause names ("on failure, page us through destination …").
          if (ev)
            r.webhooks.push({ value: hook[2], event: ev, words: event ? words : hook[0], line: c.line });
          else r.questions.push(`On which event should destination ${hook[2]} be notified? ("${c.text}")`);
        }
        if (
          /\b(sms|text message|text me|phone call|call me|whatsapp|pager number)\b/i.test(c.text) ||
          /\+\d[\d ]{7,}/.test(c.text)
        ) {
          r.questions.push(
            `The Jobs API cannot send SMS or phone notifications ("${c.text}"). Give an email address, or the id of a notification destination (Slack, Teams, PagerDuty, webhook) configured in the workspace.`,
          );
        }
      });
    },
  },
  {
    name: "tags",
    fields: ["tags"],
    extract(r) {
      for (const l of r.prose.lines) {
        // "tagged k=v" / "with tag k=v" name an existing job; those are targets, not new tags.
        const m =
          /\b(?:add\s+(?:the\s+)?tags?|tags?\s*:|tag\s+it(?:\s+with)?|tag\s+(?:the\s+)?job\b[^=\n]*?\bwith(?=\s+[\w.-]+\s*[=:])|tags?(?=\s+[\w.-]+\s*[=:]))\s*([^\n]*)/i.exec(
            l.text,
          );
        if (!m || /\b(tagged|with (?:the )?tag)\b/i.test(l.text.slice(0, m.index + 12))) continue;
        // The cue is part of each tag's words ("add the tags … env=prod"): the verb is used by the tags it adds.
        const cue = m[0].slice(0, m[0].length - (m[1] ?? "").length).trim();
        // "tags: project RANGE-2027, team merch-apac": after a "tags:" label, pairs may be "key value".
        const spaced =
          /^tags?\s*:/i.test(m[0]) && !/[=:]/.test(m[1] ?? "")
            ? (m[1] ?? "").replace(/(^|,\s*)([A-Za-z_][\w.-]*)\s+(?=[\w.@/-]+\s*(?:,|$|\.\s|\.$))/g, "$1$2=")
            : (m[1] ?? "");
        for (const kv of matchesOf(/([A-Za-z_][\w.-]*)\s*[=:]\s*("[^"]*"|[\w.@/-]+)/g, spaced)) {
          const said = kv[0].replace(/\.$/, "");
          r.tags.push({
            key: kv[1],
            value: kv[2].replace(/^"|"$/g, "").replace(/\.$/, ""),
            words: cue && !said.startsWith(cue) ? `${cue} … ${said}` : said,
            line: l.line,
          });
        }
      }
    },
  },
  {
    name: "concurrency",
    fields: ["max_concurrent_runs", "queue.enabled"],
    extract(r) {
      const one = firstMatch(
        r,
        /\b(?:only|at most|max(?:imum)?|no more than)\s+(one|1)\s+(?:run\s+)?at\s+a\s+time\b|\bone\s+run\s+at\s+a\s+time\b|\bnever\s+(?:run\s+)?in\s+parallel\b|\b(?:never|no|not)\s+(?:have\s+|allow\s+|let\s+)?(?:two|2)\s+(?:runs?|instances?|copies)\s+(?:at\s+once|at\s+the\s+same\s+time|in\s+parallel|concurrently|simultaneously)\b|\bno\s+overlapping\s+runs\b|\b(?:runs?|it)\s+(?:must|should)\s+(?:never|not)\s+overlap\b|\b(?:don'?t|do\s+not|never)\s+let\s+(?:the\s+)?runs\s+overlap\b/i,
      );
      const n =
        firstMatch(r, /\bmax(?:imum)?\s+(?:of\s+)?concurrent\s+runs?\s*(?:to|=|:|of)?\s*(\d+)\b/i) ??
        firstMatch(
          r,
          /\b(?:up\s+to|at\s+most|max(?:imum)?(?:\s+of)?|no\s+more\s+than)\s+(\d+|two|three|four|five|ten)\s+(?:concurrent|parallel|simultaneous)\s+runs?\b/i,
        ) ??
        firstMatch(r, /\b(\d+)\s+(?:concurrent|parallel|simultaneous)\s+runs?\b/i) ??
        // "max 1 concurrent", "concurrency: 2", "up to 4 runs may overlap"
        firstMatch(r, /\bmax(?:imum)?\s+(\d+)\s+(?:concurrent|parallel|simultaneous)(?:\s+runs?)?\b/i) ??
        firstMatch(r, /\b(?:max(?:imum)?\s+)?concurrency\s*(?:[:=]|of|to)?\s*(\d+)\b/i) ??
        firstMatch(
          r,
          /\b(?:up\s+to|at\s+most|no\s+more\s+than)\s+(\d+|two|three|four|five|ten)\s+runs?\s+(?:may|can|could|are\s+allowed\s+to)\s+(?:overlap|run\s+at\s+once|run\s+in\s+parallel|run\s+at\s+the\s+same\s+time)\b/i,
        ) ??
        // "allow up to 3 runs at the same time", "at most 2 runs at once", "no more than 4 runs in parallel"
        firstMatch(
          r,
          /\b(?:up\s+to|at\s+most|max(?:imum)?(?:\s+of)?|no\s+more\s+than|allow(?:ing)?(?:\s+up\s+to)?)\s+(\d+|two|three|four|five|ten)\s+runs?\s+(?:at\s+(?:the\s+same\s+time|once|a\s+time)|simultaneously|concurrently|in\s+parallel)\b/i,
        );
      if (n) {
        const v = parseCount(n.m[1]);
        if (v !== undefined) r.maxConcurrentRuns = { value: v, words: n.m[0], line: n.line };
      } else if (one) r.maxConcurrentRuns = { value: 1, words: one.m[0], line: one.line };
      const off = firstMatch(
        r,
        /\b(?:disable|turn off|no)\s+queu(?:e|ing)\b|\b(?:don'?t|do not|never)\s+queue\b|\bskip(?:ped)?\s+instead of queu/i,
      );
      const on = firstMatch(
        r,
        /\b(?:enable|turn on|allow)\s+queu\w*|\bqueue\s+(?:up\s+)?(?:the\s+|any\s+)?(?:extra|additional|other|further|remaining|overlapping|new|waiting)?\s*(?:runs|rest|others|overflow|ones)\b|\bqueue(?:ing)?\s+(?:enabled|on)\b|\b(?:should|will|must|get|gets|be)\s+(?:be\s+)?queued\b|\bqueue\b[^.\n]*\b(?:instead of|rather than) (?:skipping|dropping)\b|\bqueue\s+(?:them|anything|everything|whatever|any\s+more)(?:\s+(?:else|beyond|over|more|that|extra))*\b|\bqueue\s+(?:it|them|the\s+(?:next|new)\s+(?:one|run))\s*[,;—–-]?\s*(?:and\s+)?(?:do\s+not|don'?t|never|not)\s+(?:drop|skip)\s+(?:it|them)\b/i,
      );
      if (off) r.queue = { value: false, words: off.m[0], line: off.line };
      else if (on) r.queue = { value: true, words: on.m[0], line: on.line };
    },
  },
  {
    name: "parameters",
    fields: [
      "parameters",
      "tasks[].notebook_task.base_parameters",
      "tasks[].python_wheel_task.parameters",
      "tasks[].python_wheel_task.named_parameters",
      "job_parameters",
    ],
    extract(r) {
      for (const l of r.prose.lines) {
        // Job parameters: "job parameters: …", or a parameter given a default ("parameter env with default prod").
        const jobParams =
          /\bjob\s+param(?:eter)?s?\b\s*:?\s*(.*)$/i.exec(l.text) ??
          (/\bwheel\b|\bnotebook\s+param|\bbase\s+param|\bwidgets?\b/i.test(l.text)
            ? null
            : /\bparam(?:eter)?s?\b\s*:?\s*((?:`?[A-Za-z_][\w.-]*`?\s*(?:\(\s*)?(?:,\s*)?(?:with\s+(?:a\s+)?)?default(?:s|ing|ed)?\b).*)$/i.exec(
                l.text,
              ));
        if (jobParams) {
          const re =
            /([A-Za-z_][\w.-]*)\s*(?:\(\s*default(?:s)?\s*(?:=|:|to|of|is)?\s*|(?:,\s*)?(?:with\s+(?:a\s+)?)?default(?:s|ing|ed)?(?:\s+value)?\s*(?:=|:|to|of|as|is)?\s*|=\s*|:\s*)(\{\{[^}]+\}\}|"[^"]*"|[^\s,;)]+)\)?/gi;
          for (const m of matchesOf(re, jobParams[1].split(/(?<=[\w)"'])\.\s/)[0])) {
            if (/^(default|with|and)$/i.test(m[1])) continue;
            r.jobParameters.push({
              name: m[1],
              value: m[2].replace(/^"|"$/g, "").replace(/\.$/, ""),
              words: m[0].trim(),
              line: l.line,
            });
          }
          continue;
        }
        const named = /\b(?:keyword\s+arg(?:ument)?s|named\s+param(?:eter)?s|kwargs)\b\s*:?\s*(.*)$/i.exec(
          l.text,
        );
        if (named) {
          for (const kv of keyValuePairs(named[1]))
            r.wheelNamed.push({ name: kv.key, value: kv.value, words: kv.words, line: l.line });
          continue;
        }
        // Command-line arguments of a wheel entry point, a Python file or a JAR: "with parameters --env prod --full
        // false", or a line of their own ("- parameters: --env prod --since 7d"; flags are never a notebook's).
        const flags = /\b(?:param(?:eter)?s?|arg(?:ument)?s?)\s*:?\s*`?--?[A-Za-z]/i.test(l.text);
        if (/\bwheel\b|\.py\b|\bjar\b|\bmain\s+class\b/i.test(l.text) || flags) {
          const args =
            /\b(?:with\s+)?(?:(?:one|an?|the)\s+)?(?:param(?:eter)?s?|arg(?:ument)?s?)\s*:?\s*((?:`?--?[\w-]+(?:[ =][^\s.,`-][^\s,`]*)?`?\s*)+)/i.exec(
              l.text.replace(/`(--?[\w-]+=\{\{[^}]*\}\})`/g, " $1 "),
            );
          if (args)
            r.cliArgs = {
              value: args[1].replace(/`/g, "").trim().replace(/\.$/, "").split(/\s+/),
              words: args[0].trim(),
              line: l.line,
            };
          if (args || /\bwheel\b/i.test(l.text)) continue;
        }
        const nb =
          /\b(?:notebook\s+param(?:eter)?s?|widgets?|base\s+param(?:eter)?s?|with\s+(?:the\s+)?param(?:eter)?s?)\b\s*:?\s*(.*)$/i.exec(
            l.text,
          );
        if (nb)
          for (const kv of keyValuePairs(nb[1]))
            r.notebookParameters.push({ name: kv.key, value: kv.value, words: kv.words, line: l.line });
      }
      // run-now: key=value pairs anywhere outside tag phrases.
      for (const l of r.prose.lines) {
        const text = l.text.replace(/\b(tagged|with (?:the )?tag|tags?)\s+[\w.-]+\s*[=:]\s*\S+/gi, " ");
        for (const kv of keyValuePairs(text))
          r.runParameters.push({ name: kv.key, value: kv.value, words: kv.words, line: l.line });
      }
      const only = firstMatch(
        r,
        /\b(?:only|just)\s+(?:the\s+)?(?:tasks?\s+|steps?\s+)?`?([\w-]+)`?(?:\s+(?:task|step))?\b/i,
      );
      // "rerun the clean and publish tasks", "the a, b and c steps": several tasks.
      const several =
        firstMatch(
          r,
          /\b(?:only|just|the)\s+`?([\w-]+)`?((?:\s*,\s*`?[\w-]+`?)*\s+and\s+`?[\w-]+`?)\s+(?:tasks|steps)\b/i,
        ) ??
        // "tasks load_raw and load_gold only", "only the tasks a, b and c"
        firstMatch(
          r,
          /\b(?:tasks|steps)\s+`?([\w-]+)`?((?:\s*,\s*`?[\w-]+`?)*\s+and\s+`?[\w-]+`?)\s+only\b|\bonly\s+(?:the\s+)?(?:tasks|steps)\s+`?([\w-]+)`?((?:\s*,\s*`?[\w-]+`?)*\s+and\s+`?[\w-]+`?)/i,
        );
      if (several && several.m[1] === undefined) {
        several.m[1] = several.m[3];
        several.m[2] = several.m[4];
      }
      if (several) {
        for (const name of `${several.m[1]} ${several.m[2]}`.split(/\s*,\s*|\s+and\s+|\s+/).filter(Boolean))
          r.runOnly.push({ value: name.replace(/`/g, ""), words: several.m[0], line: several.line });
      } else if (
        only &&
        !/^(one|once|on|if|when|until|weekdays?|a|an|the|in|to|for|now|run|rerun|re-run|this|that|it|like|because|after|before|\d+)$/i.test(
          only.m[1],
        )
      )
        r.runOnly.push({ value: only.m[1], words: only.m[0], line: only.line });
    },
  },
  {
    name: "git-source",
    fields: ["git_source"],
    extract(r) {
      const hit = firstMatch(
        r,
        /(https?:\/\/(github\.com|gitlab\.com|dev\.azure\.com|bitbucket\.org|[\w.-]*visualstudio\.com)\/[^\s,;)]+)/i,
      );
      if (!hit) return;
      const url = hit.m[1].replace(/[.,]+$/, "").replace(/\s+$/, "");
      const host = hit.m[2].toLowerCase();
      const provider =
        host === "github.com"
          ? "gitHub"
          : host === "gitlab.com"
            ? "gitLab"
            : host === "bitbucket.org"
              ? "bitbucketCloud"
              : "azureDevOpsServices";
      const lineText = r.prose.lines.find((l) => l.line === hit.line)?.text ?? "";
      const rest = lineText.slice(lineText.indexOf(hit.m[1]) + hit.m[1].length) + " " + r.prose.text;
      const branch = /\b(?:branch|on)\s*:?\s+`?([\w][\w./-]*?)`?(?=[\s,.;:)]|$)/i.exec(rest);
      const tag = /\b(?:git\s+)?tag\s+`?(v?\d[\w.-]*)`?/i.exec(rest);
      const commit = /\bcommit\s+`?([0-9a-f]{7,40})`?/i.exec(rest);
      const value: {
        git_url: string;
        git_provider: string;
        git_branch?: string;
        git_tag?: string;
        git_commit?: string;
      } = { git_url: url, git_provider: provider };
      if (commit) value.git_commit = commit[1];
      else if (tag) value.git_tag = tag[1];
      else if (branch && !/^(the|a|our|that|this|every|each)$/i.test(branch[1])) value.git_branch = branch[1];
      r.git = { value, words: hit.m[0] + (branch ? ` … ${branch[0]}` : ""), line: hit.line };
    },
  },
  {
    name: "run-as",
    fields: ["run_as"],
    extract(r) {
      const sp = firstMatch(
        r,
        // "service principal 5f0c…", "the service principal (application id 5f0c…)", "service principal app id: 5f0c…".
        /\bservice\s+principal\s*(?:\(\s*)?(?:(?:application|app|client)[\s_-]?id\s*[:=]?\s*|id\s*[:=]?\s*)?`?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`?/i,
      );
      if (sp) {
        r.runAs = { value: { service_principal_name: sp.m[1] }, words: sp.m[0], line: sp.line };
        return;
      }
      const named = firstMatch(r, /\bservice\s+principal\b/i);
      if (named && /\brun\w*\s+as\b/i.test(r.prose.text)) {
        r.questions.push("Which service principal should the job run as? Give its application id (a UUID).");
        return;
      }
      const user = firstMatch(
        r,
        /\brun(?:s|ning)?\s+(?:it\s+|the\s+job\s+)?as\s+(?:the\s+)?(?:user\s+)?([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})/i,
      );
      if (user) r.runAs = { value: { user_name: user.m[1] }, words: user.m[0], line: user.line };
    },
  },
  {
    name: "task-edits",
    fields: ["tasks[] (remove)", "job_clusters[] (remove)", "tasks[].notebook_task.notebook_path (repoint)"],
    extract(r) {
      for (const c of clauses(r.prose)) {
        const rm =
          /\b(?:remove|drop|delete|get rid of)\s+(?:the\s+)?(?:task|step)\s+`?([\w-]+)`?/i.exec(c.text) ??
          /\b(?:remove|drop|delete|get rid of)\s+(?:the\s+)?`?([\w-]+)`?\s+(?:task|step)\b/i.exec(c.text) ??
          /\b(?:don'?t|do not|no longer)\s+need\s+(?:the\s+)?`?([\w-]+)`?\s+(?:task|step)\b/i.exec(c.text);
        if (rm) r.removeTasks.push({ value: rm[1], words: rm[0], line: c.line });
        // "remove the `big_cluster` job cluster", "drop job cluster etl", "drop its job cluster"
        const rmCluster =
          /\b(?:remove|drop|delete|get rid of)\s+(?:its|the)\s+()job[\s_-]cluster\b(?!\s+`?[\w-]+`?\s+(?:from|of|in)\b|\s+`)/i.exec(
            c.text,
          ) ??
          /\b(?:remove|drop|delete|get rid of)\s+(?:the\s+)?`?([\w-]+)`?\s+job[\s_-]cluster\b/i.exec(
            c.text,
          ) ??
          /\b(?:remove|drop|delete|get rid of)\s+(?:the\s+)?job[\s_-]cluster\s+`?([\w-]+)`?/i.exec(c.text);
        if (rmCluster && !/^(?:the|its|a)$/i.test(rmCluster[1]))
          r.removeJobClusters.push({ value: rmCluster[1], words: rmCluster[0], line: c.line });
        const path = c.text.match(WORKSPACE_PATH_RE);
        const task = taskOfClause(c.text);
        if (
          path &&
          task &&
          /\b(now\s+)?(use|uses|point|run|runs|switch|change)\b/i.test(c.text) &&
          /\bshould\b|\bnow\b|\bswitch|\bchange|\bpoint/i.test(c.text)
        ) {
          r.repointTasks.push({ task, value: trimPath(path[0]), words: c.text, line: c.line });
        }
      }
    },
  },
  {
    name: "cannot-do",
    fields: ["questions"],
    extract(r) {
      const text = maskNames(r.prose.text);
      const rules: Array<[RegExp, string]> = [
        [
          /\buntil\s+(?:[A-Z][a-z]+\s+\d|\d|the end|end of|december|january|february|march|april|may|june|july|august|september|october|november)|\bthen\s+stop\s+automatically\b|\bend\s+date\b|\bstop\s+(?:running\s+)?(?:after|on)\s+\w+\s+\d/i,
          "The Jobs API has no end date for a schedule: a job cannot stop itself automatically on a date. Should it run indefinitely (and someone pauses it), or do you want a separate change to pause/remove the schedule later?",
        ],
        [
          /\b(cpu|memory)\s+(usage|utili[sz]ation|load)\b|\bcluster\s+is\s+idle\b/i,
          "The Jobs API cannot trigger a job on cluster CPU or memory usage. Supported triggers are a schedule, file arrival, a table update, or continuous. Which one should it use?",
        ],
      ];
      for (const [re, question] of rules) {
        const m = re.exec(text);
        if (m) r.questions.push(`${question} ("${m[0]}")`);
      }
    },
  },
];
