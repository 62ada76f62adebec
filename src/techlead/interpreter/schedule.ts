/**
 * Schedules in the ways people say them → Quartz cron + IANA time zone (INTERPRETATION.md §3).
 * chrono-node reads the clock time; a small table of frequency phrases reads how often. Pure.
 */
import * as chrono from "chrono-node";
import { quartzOfCron } from "../../domain/quartz.js";
import { IANA_RE, zoneMentions } from "./zones.js";
import { COUNT_WORDS, lineIn, matchesOf, parseCount, type Prose } from "./text.js";

/** Sub-daily runs limited to some hours ("between 8am and 6pm": from 8, to 18) and/or some days of the week. */
export interface Within {
  window?: { from: number; to: number };
  days?: string[];
  /** "every hour at :15", "hourly, 30 minutes past the hour": the minute of each run (hourly and every N hours). */
  minute?: number;
}

export type Frequency =
  | ({ kind: "minutes"; every: number } & Within)
  | ({ kind: "hours"; every: number } & Within)
  | ({ kind: "hourly" } & Within)
  | { kind: "daily"; count?: number }
  /** `excluded`: the words left these days out ("not on weekends", "drop the Saturday runs"). */
  | { kind: "weekdays"; days: string[]; excluded?: string[] }
  | { kind: "monthly"; day: number | "L" }
  /** "the first Monday of the month" (nth 1) … "the last Friday of the month" (nth "L"): Quartz MON#1, FRIL. */
  | { kind: "nth-weekday"; day: string; nth: number | "L" };

export interface Sourced<T> {
  value: T;
  words: string;
  line?: number;
}

/** A clock time; `hours` when the words give several at the same minute ("at 6am and 6pm"). */
export interface ClockTime {
  hour: number;
  minute: number;
  hours?: number[];
}

export interface ScheduleParts {
  frequency?: Sourced<Frequency>;
  time?: Sourced<ClockTime>;
  zone?: Sourced<string>;
  pause?: Sourced<"PAUSED" | "UNPAUSED">;
  remove?: Sourced<true>;
  /** "push it back an hour", "30 minutes earlier": minutes to move the job's clock time by (update tickets). */
  shift?: Sourced<number>;
  /** What the words leave open that one schedule must decide (each a question for the ticket's author). */
  questions?: string[];
  /** "should run on Saturdays too", "also run at 12:30": the days / time are added to the job's, not put instead. */
  also?: Sourced<true>;
  /** "quarterly on the 1st", "every year on 1 January", "every day in December": the months it runs in (1–12). */
  months?: Sourced<number[]>;
  /** A cron expression pasted as it is ("cron `0 6 * * 1-5`", `schedule_interval="@daily"`), in Quartz. */
  cron?: Sourced<string>;
}

const ALSO_BEFORE =
  /\b(?:also|additionally|in\s+addition)\b(?:\s+(?:(?:a\s+)?runs?|running|be\s+run|be\s+triggered|fire|go|trigger\s+it))?(?:\s+(?:on|at))?\s*$/i;
const ALSO_AFTER = /^\s*(?:too|as\s+well|also|in\s+addition)\b/i;

/** Whether the words of a schedule part are said as an addition ("on Saturdays too", "also at 12:30"). */
function saidAlso(prose: Prose, part: Sourced<unknown> | undefined): Sourced<true> | undefined {
  if (!part) return undefined;
  for (const l of prose.lines) {
    const text = maskNames(l.text);
    const piece = part.words.split(" … ")[0];
    const at = text.indexOf(piece);
    if (at < 0) continue;
    const before = ALSO_BEFORE.exec(text.slice(0, at));
    const after = ALSO_AFTER.exec(text.slice(at + piece.length));
    if (before || after)
      return { value: true, words: (before?.[0] ?? after?.[0] ?? "").trim(), line: l.line };
  }
  return undefined;
}

const SHIFT_AMOUNT = String.raw`(an?|one|two|three|four|half\s+an|\d+)\s*(hours?|hrs?|h|minutes?|mins?)`;
const SHIFT_LATER_EARLIER = new RegExp(String.raw`\b${SHIFT_AMOUNT}\s+(later|earlier|sooner)\b`, "i");
const SHIFT_VERB = new RegExp(
  String.raw`\b(?:(?:push|move|shift|set|put)(?:ed|es|s)?\s+(?:it|the\s+(?:job|run|schedule|start))?\s*(back)|(delay)(?:ed|s)?(?:\s+(?:it|the\s+(?:job|run|schedule|start)))?|(?:bring|move|pull)(?:s)?\s+(?:it|the\s+(?:job|run|schedule|start))?\s*(forward|earlier))\s+(?:by\s+)?${SHIFT_AMOUNT}\b`,
  "i",
);

function shiftMinutes(amount: string, unit: string): number | undefined {
  const n = /^half/i.test(amount) ? 0.5 : /^an?$/i.test(amount) ? 1 : parseCount(amount);
  if (n === undefined) return undefined;
  const minutes = /^h/i.test(unit) ? n * 60 : n;
  return Number.isInteger(minutes) && minutes > 0 ? minutes : undefined;
}

/** "push it back an hour" → 60, "bring it forward 30 minutes" / "an hour earlier" → -30 / -60. */
function readShift(text: string, line: number | undefined): Sourced<number> | undefined {
  if (!/later|earlier|sooner|back|delay|forward/i.test(text)) return undefined;
  const a = SHIFT_LATER_EARLIER.exec(text);
  if (a) {
    const m = shiftMinutes(a[1], a[2]);
    if (m)
      return { value: /later/i.test(a[3]) ? m : -m, words: a[0], ...(line !== undefined ? { line } : {}) };
  }
  const b = SHIFT_VERB.exec(text);
  if (b) {
    const m = shiftMinutes(b[4], b[5]);
    if (m) return { value: b[3] ? -m : m, words: b[0], ...(line !== undefined ? { line } : {}) };
  }
  return undefined;
}

const DAY_CODES: Array<[RegExp, string]> = [
  [/^mon/i, "MON"],
  [/^tue/i, "TUE"],
  [/^wed/i, "WED"],
  [/^thu/i, "THU"],
  [/^fri/i, "FRI"],
  [/^sat/i, "SAT"],
  [/^sun/i, "SUN"],
];
const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

function dayCode(word: string): string | undefined {
  return DAY_CODES.find(([re]) => re.test(word))?.[1];
}

const DAY_WORD =
  "(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)s?";

/** The days "weekends" or a list of day names ("Saturday and Sunday") stands for. */
function namedDays(words: string): string[] {
  return /^weekend/i.test(words)
    ? ["SAT", "SUN"]
    : matchesOf(new RegExp(DAY_WORD, "gi"), words).flatMap((d) => dayCode(d[0]) ?? []);
}

/** Zone words → IANA ids (INTERPRETATION.md §3 plus abbreviations and the zone database's cities): zones.ts. */

/** One named unit per frequency phrase; the first that matches wins (more specific first). */
const ORDINALS: Record<string, number | "L"> = {
  first: 1,
  "1st": 1,
  second: 2,
  "2nd": 2,
  third: 3,
  "3rd": 3,
  fourth: 4,
  "4th": 4,
  last: "L",
};

const FREQUENCY_PHRASES: Array<{
  name: string;
  /** A cheap test the line must pass before `re` is tried (every line of every requirement is read). */
  cue?: RegExp;
  re: RegExp;
  build: (m: RegExpExecArray) => Frequency | undefined;
}> = [
  {
    // "on the first Monday of the month", "last Friday of every month", "2nd Tuesday each month"
    name: "nth-weekday-of-month",
    re: new RegExp(
      `\\b(?:on\\s+)?(?:the\\s+|every\\s+|each\\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|last)\\s+(${DAY_WORD})\\s+(?:of|in)\\s+(?:the|each|every)\\s+month\\b`,
      "i",
    ),
    build: (m) => {
      const day = dayCode(m[2]);
      const nth = ORDINALS[m[1].toLowerCase()];
      return day && nth !== undefined ? { kind: "nth-weekday", day, nth } : undefined;
    },
  },
  {
    // "twice a day (at 6am and 6pm)": daily at the clock times listed; `count` is checked against them.
    name: "n-times-a-day",
    re: /\b(twice|two times|three times|thrice)\s+(?:a|per|each)\s+day\b|\btwice\s+daily\b/i,
    build: (m) => ({ kind: "daily", count: /^(?:three|thrice)/i.test(m[1] ?? "") ? 3 : 2 }),
  },
  {
    name: "every-n-minutes",
    re: new RegExp(String.raw`\bevery\s+(\d+|${COUNT_WORDS})\s*(?:minutes?|mins?|m)\b`, "i"),
    build: (m) => {
      const every = parseCount(m[1]) ?? 0;
      // "every 60 minutes", "every 120 minutes": whole hours (a minute step of 60 or more is not valid Quartz).
      if (every >= 60 && every % 60 === 0 && 24 % (every / 60) === 0 && every < 24 * 60)
        return every === 60 ? { kind: "hourly" } : { kind: "hours", every: every / 60 };
      return { kind: "minutes", every };
    },
  },
  {
    name: "every-minute",
    re: /\bevery\s+(?:single\s+)?minute\b|\bonce\s+(?:a|per|each)\s+minute\b|\bminutely\b/i,
    build: () => ({ kind: "minutes", every: 1 }),
  },
  {
    name: "every-half-hour",
    re: /\bevery\s+half(?:\s+an)?\s+hour\b|\btwice an hour\b/i,
    build: () => ({ kind: "minutes", every: 30 }),
  },
  {
    name: "every-n-hours",
    re: /\bevery\s+(\d+|two|three|four|six|eight|twelve)\s*(?:hours?|hrs?|h)\b/i,
    build: (m) => ({ kind: "hours", every: parseCount(m[1]) ?? 0 }),
  },
  {
    name: "hourly",
    re: /\b(hourly|every hour|each hour|once an hour|on the hour)\b/i,
    build: () => ({ kind: "hourly" }),
  },
  {
    // "every weekday except Friday", "every day except Sundays", "daily but not on weekends"
    name: "days-except",
    cue: /except|but|apart|other than|excluding|save/i,
    re: new RegExp(
      `\\b(?:every\\s+|each\\s+|on\\s+|all\\s+)?(weekdays?|business\\s+days|working\\s+days|days?|daily|nightly|nights?|mornings?|evenings?)\\s*,?\\s*(?:except|but(?:\\s+not)?|apart\\s+from|other\\s+than|excluding|save)\\s+(?:on\\s+|for\\s+)?(weekends?|${DAY_WORD}(?:\\s*(?:,|and|&|or|\\+)\\s*${DAY_WORD})*)\\b`,
      "i",
    ),
    build: (m) => {
      const base = /^(?:week|business|working)/i.test(m[1]) ? WEEK.slice(0, 5) : WEEK;
      const excluded = namedDays(m[2]);
      const days = base.filter((d) => !excluded.includes(d));
      return days.length && days.length < base.length ? { kind: "weekdays", days } : undefined;
    },
  },
  {
    // "daily at 6am but not on weekends", "every day, never on Sundays": the days named are left out.
    name: "days-negated",
    cue: /not|never|no|except|excluding|skip|drop|remove|stop|cancel|rid/i,
    re: new RegExp(
      `\\b(?:but\\s+)?(?:not|never|no(?:\\s+(?:more\\s+)?runs)?|except|excluding|skip(?:ping)?|drop|remove|stop|cancel|get\\s+rid\\s+of)(?:\\s+(?:longer|more|be|run|runs|running|scheduled|triggered|fire|happen))*\\s+(?:(?:the|on|at|during|in|over)\\s+)*(weekends?|${DAY_WORD}(?:\\s*(?:,|and|&|or|\\+)\\s*${DAY_WORD})*)(?:\\s+runs?)?\\b`,
      "i",
    ),
    build: (m) => {
      const excluded = namedDays(m[1]);
      const days = WEEK.filter((d) => !excluded.includes(d));
      return days.length && days.length < WEEK.length
        ? { kind: "weekdays", days, excluded: WEEK.filter((d) => excluded.includes(d)) }
        : undefined;
    },
  },
  {
    name: "weekday-range",
    re: new RegExp(
      `\\b(?:every\\s+|on\\s+|only\\s+on\\s+)?(?:weekdays?|business days|working days|week ?days|(mon(?:day)?)\\s*(?:-|–|to|through|thru|until|till|til)\\s*(fri(?:day)?))\\b`,
      "i",
    ),
    build: () => ({ kind: "weekdays", days: ["MON", "TUE", "WED", "THU", "FRI"] }),
  },
  {
    name: "day-range",
    re: new RegExp(`\\b(${DAY_WORD})\\s*(?:-|–|to|through|thru|until|till|til)\\s*(${DAY_WORD})\\b`, "i"),
    build: (m) => {
      const a = WEEK.indexOf(dayCode(m[1]) ?? "");
      const b = WEEK.indexOf(dayCode(m[2]) ?? "");
      if (a < 0 || b < 0 || b < a) return undefined;
      return { kind: "weekdays", days: WEEK.slice(a, b + 1) };
    },
  },
  {
    name: "weekends",
    re: /\b(weekends?|on saturdays? and sundays?)\b/i,
    build: () => ({ kind: "weekdays", days: ["SAT", "SUN"] }),
  },
  {
    name: "day-names",
    re: new RegExp(
      // "Mon, Wed and Fri", "Mon/Wed/Fri", "monday wednesday and friday" (a list with no commas).
      `\\b(?:every\\s+|on\\s+|each\\s+)?${DAY_WORD}(?:(?:\\s*(?:,|and|&|\\+|\\/)\\s*|\\s+)${DAY_WORD})*\\b`,
      "i",
    ),
    build: (m) => {
      const days = matchesOf(new RegExp(DAY_WORD, "gi"), m[0])
        .map((d) => dayCode(d[0]))
        .filter((d): d is string => !!d);
      const unique = WEEK.filter((d) => days.includes(d));
      return unique.length ? { kind: "weekdays", days: unique } : undefined;
    },
  },
  {
    name: "day-of-month",
    re: /\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+day)?\s+of\s+(?:the|each|every)\s+month\b|\bday\s+(\d{1,2})\s+of\s+(?:the|each|every)\s+month\b/i,
    build: (m) => ({ kind: "monthly", day: Number(m[1] ?? m[2]) }),
  },
  {
    name: "last-day-of-month",
    re: /\b(?:on\s+)?the\s+(?:last\s+day|end)\s+of\s+(?:the|each|every)\s+month\b|\bmonthly\b[^.\n]*\blast\s+day\b/i,
    build: () => ({ kind: "monthly", day: "L" }),
  },
  {
    name: "first-of-month",
    re: /\b(?:first|1st)(?:\s+day)?\s+of\s+(?:the|each|every)\s+month\b|\bmonthly\b[^.\n]*\b(?:first|1st)(?:\s+day)?\b|\bmonthly\b/i,
    build: () => ({ kind: "monthly", day: 1 }),
  },
  {
    name: "daily",
    re: /\b(daily|every\s+day|each\s+day|every\s+night|nightly|every\s+morning|each\s+morning|every\s+evening|once\s+a\s+day|per\s+day|night(?:ly)?\s+at|every\s+\d{1,2}(?::\d\d)?\s*(?:am|pm))\b/i,
    build: () => ({ kind: "daily" }),
  },
];

const DAYS_OF_OTHER_CLAUSE = ["day-names", "weekends"];
const DAILY_RE = FREQUENCY_PHRASES.find((p) => p.name === "daily")!.re;

/** Where one clause of a line ends (, ; "but", a sentence end). */
const CLAUSE_END = /[,;]|\bbut\b|\.\s/;
const CLAUSE_ENDS = new RegExp(CLAUSE_END.source, "g");
/** Words a clause naming only run days may hold besides the days ("on Mondays and Fridays only"). */
const DAYS_CLAUSE_FILLER = /^(?:on|only|and|or|also|just|every|each|the|too|as|well|runs?|at|in|of)$/i;

/**
 * A daily phrase in another clause than the days, and the days' clause about something else ("every morning at 5,
 * full refresh on Sundays only"): those days are not when the job runs. "Every morning at 5 UTC, on Mondays and
 * Fridays" (a clause of days only) still restricts the daily runs.
 */
function dailyElsewhere(text: string, days: RegExpExecArray): boolean {
  const daily = DAILY_RE.exec(text);
  if (!daily) return false;
  // "starting next Monday", "until Friday": a date, not days to run on (read, or asked, elsewhere).
  if (
    /\b(?:starting|start|from|beginning|until|till|as\s+of|next|this|coming)\s*$/i.test(
      text.slice(0, days.index),
    )
  )
    return false;
  const [a, b] = daily.index < days.index ? [daily, days] : [days, daily];
  if (!CLAUSE_END.test(text.slice(a.index + a[0].length, b.index))) return false;
  const ends = matchesOf(CLAUSE_ENDS, text).map((e) => e.index);
  const start = Math.max(0, ...ends.filter((i) => i < days.index));
  const end = Math.min(text.length, ...ends.filter((i) => i >= days.index + days[0].length));
  const rest = (text.slice(start, days.index) + " " + text.slice(days.index + days[0].length, end))
    .replace(/^\s*(?:[,;.]|but)\s*/i, "")
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length >= 3 && !DAYS_CLAUSE_FILLER.test(w));
  return rest.length > 0;
}

const INTERVAL_COUNT = String.raw`\d+(?:\.\d+)?|${COUNT_WORDS}`;
const INTERVAL_RE = new RegExp(
  String.raw`\bevery\s+(${INTERVAL_COUNT})\s*(minutes?|mins?|m|hours?|hrs?|h|days?)\b|\bevery\s+(?:an?\s+|one\s+)?hour\s+and\s+a\s+half\b|\bevery\s+(?:one\s+and\s+a\s+half|1\s*(?:1\/2|½))\s+hours?\b`,
  "i",
);

/**
 * "every 90 minutes", "every 7 hours", "every 3 days": Quartz restarts its count each hour (minutes) and each day
 * (hours, days of the month), so an interval that does not divide the hour / the day / is a number of days cannot be
 * written as one schedule — `0 0/90` fires hourly, `0 0/45` at :00 and :45, `0 0 0/7` leaves 3 hours before midnight.
 * The question says why and offers the nearest intervals that can be. undefined when the interval is expressible.
 */
export function unevenInterval(text: string): string | undefined {
  const m = INTERVAL_RE.exec(text);
  if (!m) return undefined;
  const said = m[0].trim();
  if (!m[1]) return hourAndAHalf(said);
  const n = /^\d/.test(m[1]) ? Number(m[1]) : parseCount(m[1]);
  if (n === undefined || n <= 0) return undefined;
  const unit = m[2].toLowerCase();
  const why = "Quartz, the Jobs API's schedule syntax, restarts the count";
  if (unit.startsWith("d")) {
    if (n === 1) return undefined;
    return `"${said}" cannot be one Databricks schedule: ${why} every month (a day-of-month step of ${n} jumps at each month's end), so runs would not stay ${n} days apart. Should it run daily, on named days of the week (e.g. MON,THU), or on fixed days of the month?`;
  }
  const minutes = unit.startsWith("h") ? n * 60 : n;
  if (!Number.isInteger(minutes)) return hourAndAHalf(said);
  if (minutes < 60) {
    if (60 % minutes === 0) return undefined;
    const [lo, hi] = nearestDivisors(minutes, [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60]);
    return `"${said}" cannot be one Databricks schedule: ${why} every hour, so it would run at :00 and then every ${minutes} minutes within each hour (${minuteRuns(minutes)}), not evenly. Should it run every ${lo} or every ${hi} minutes instead?`;
  }
  // "every 120 minutes" is every 2 hours (read by the every-n-minutes phrase).
  if (minutes % 60 === 0 && 24 % (minutes / 60) === 0 && minutes < 24 * 60) return undefined;
  if (minutes === 24 * 60) return undefined;
  if (minutes % 60 !== 0 && minutes < 24 * 60) {
    const [lo, hi] = nearestDivisors(minutes / 60, [1, 2, 3, 4, 6, 8, 12]);
    return `"${said}" cannot be one Databricks schedule: ${why} every hour, so a step of ${minutes} minutes would fire once an hour (at :00), not every ${minutes} minutes. Should it run ${lo === 1 ? "hourly" : `every ${lo} hours`} or every ${hi} hours instead, or at listed clock times?`;
  }
  const hours = minutes / 60;
  if (hours > 24)
    return `"${said}" cannot be one Databricks schedule: ${why} every day, so no schedule can wait more than a day between runs. Should it run every 12 hours or daily instead, or on named days of the week?`;
  const [lo, hi] = nearestDivisors(hours, [1, 2, 3, 4, 6, 8, 12, 24]);
  const option = (h: number) => (h === 24 ? "daily" : h === 1 ? "hourly" : `every ${h} hours`);
  return `"${said}" cannot be one Databricks schedule: ${why} every day at midnight, so runs would not stay ${hours} hours apart (the last gap before midnight would be shorter). Should it run ${option(lo)} or ${option(hi)} instead, or at listed clock times?`;
}

const MONTH_INDEX: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const MONTH_WORD = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
/** 1–12 for a month's name ("March", "mar"). */
export const monthOf = (word: string) => MONTH_INDEX[word.slice(0, 3).toLowerCase()]!;
const QUARTERLY_RE = /\b(?:quarterly|(?:every|each|once\s+a|per)\s+quarter)\b/i;
const YEARLY_RE = /\b(?:yearly|annually|once\s+a\s+year|(?:every|each|per)\s+year)\b/i;
/** "1 January", "January 1st", "Jan 1", "the 15th of March". */
export const DATE_RE = new RegExp(
  String.raw`\b(?:(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+(${MONTH_WORD})|(${MONTH_WORD})\.?\s+(\d{1,2})(?:st|nd|rd|th)?)\b(?!\s*[:.]\d)`,
  "i",
);
/** "in December", "during July and August", "every day in January, April and July" (the months it runs in). */
const IN_MONTHS_RE = new RegExp(
  String.raw`\b(?:in|during|throughout|every|each)\s+(?:the\s+months?\s+of\s+)?(${MONTH_WORD}(?:\s*(?:,|and|&|or)\s*${MONTH_WORD})*)\b`,
  "i",
);

export interface MonthsReading {
  months?: Sourced<number[]>;
  /** The day of the month the words give with the months ("first day of each quarter", "on 1 January"). */
  day?: number | "L";
  question?: string;
}

const monthsQuestion = (said: string, what: string) =>
  `"${said}": ${what} Give the day of the month and the clock time (e.g. "on the 1st at 06:00"), or the Quartz expression.`;

/**
 * "quarterly, on the first day of each quarter", "every year on 1 January", "every day in December": the months a
 * schedule is limited to, and the day of the month said with them. Quarters are calendar quarters (January, April,
 * July, October; their last days: March, June, September, December). A quarter or a year without its day, and
 * months left out ("except in August"), are asked about.
 */
export function readMonths(text: string, line?: number): MonthsReading | undefined {
  const quarter = QUARTERLY_RE.exec(text);
  const year = YEARLY_RE.exec(text);
  const except = new RegExp(
    String.raw`\b(?:except|excluding|but\s+not|not)\s+(?:in\s+|during\s+)?${MONTH_WORD}\b`,
    "i",
  ).exec(text);
  if (except) return undefined; // a month left out: the accounting asks (the "except" is not read)
  if (quarter) {
    const last = /\b(?:last\s+day|end)\s+of\s+(?:the|each|every)\s+quarter\b/i.exec(text);
    const first =
      /\b(?:(?:the\s+)?(?:first|1st)(?:\s+day)?|start|beginning)\s+of\s+(?:the|each|every)\s+quarter\b/i.exec(
        text,
      ) ?? /\b(?:on\s+)?the\s+(?:first|1st)\b/i.exec(text);
    const nth = /\bon\s+the\s+(\d{1,2})(?:st|nd|rd|th)\b/i.exec(text);
    if (last)
      return {
        months: { value: [3, 6, 9, 12], words: `${quarter[0]} … ${last[0]}`, ...(line ? { line } : {}) },
        day: "L",
      };
    if (first || nth)
      return {
        months: {
          value: [1, 4, 7, 10],
          words: `${quarter[0]} … ${(first ?? nth)![0]}`,
          ...(line ? { line } : {}),
        },
        day: first ? 1 : Number(nth![1]),
      };
    return {
      question: monthsQuestion(
        quarter[0],
        "on which day of each quarter (calendar quarters: January, April, July, October)?",
      ),
    };
  }
  const found = DATE_RE.exec(text);
  // "step 2 may take long": the verb, not the month (the month is written May).
  const date = found && /^may$/.test(found[2] ?? found[3] ?? "") ? null : found;
  if (year) {
    if (!date) return { question: monthsQuestion(year[0], "on which date each year?") };
    const day = Number(date[1] ?? date[4]);
    const month = monthOf(date[2] ?? date[3]!);
    if (day < 1 || day > 31) return { question: monthsQuestion(date[0], "that day does not exist.") };
    return { months: { value: [month], words: `${year[0]} … ${date[0]}`, ...(line ? { line } : {}) }, day };
  }
  const inMonths = IN_MONTHS_RE.exec(text);
  if (inMonths) {
    // "May" only after in/during/every: a verb elsewhere ("it may run late").
    const months = [...inMonths[1]!.matchAll(new RegExp(MONTH_WORD, "gi"))].map((m) => monthOf(m[0]));
    const unique = [...new Set(months)].sort((a, b) => a - b);
    // A month named in a line that says no schedule ("the January backfill") is not a schedule's month.
    if (
      !CLOCK_TEXT.test(text) &&
      !/\b(?:daily|every|each|nightly|monthly|weekdays?|mondays?|tuesdays?|wednesdays?|thursdays?|fridays?|saturdays?|sundays?)\b/i.test(
        text.replace(inMonths[0], ""),
      )
    )
      return undefined;
    return { months: { value: unique, words: inMonths[0], ...(line ? { line } : {}) } };
  }
  // "on March 15 at 6am" with no "every year": one date, not a schedule — asked.
  if (
    date &&
    CLOCK_TEXT.test(text) &&
    !/\b(?:starting|from|until|till|since|by|before|after|on\s+or)\b/i.test(text)
  )
    return {
      question: monthsQuestion(
        date[0],
        "a single date is not a schedule — should it run every year on that date, or once (run it by hand)?",
      ),
    };
  return undefined;
}

function hourAndAHalf(said: string): string {
  return `"${said}" cannot be one Databricks schedule: Quartz, the Jobs API's schedule syntax, restarts its count every hour and every day, so runs cannot stay 90 minutes apart. Should it run hourly or every 2 hours instead, or at listed clock times?`;
}

/** The expressible intervals just below and just above `n` (`choices` ascending). */
function nearestDivisors(n: number, choices: number[]): [number, number] {
  const lo = [...choices].reverse().find((c) => c < n) ?? choices[0];
  const hi = choices.find((c) => c > n) ?? choices[choices.length - 1];
  return [lo, hi];
}

function minuteRuns(every: number): string {
  const out: string[] = [];
  for (let m = 0; m < 60; m += every) out.push(`:${String(m).padStart(2, "0")}`);
  return out.join(", ");
}

/** The hours of a day from `first`, every `every` hours. */
function hoursFrom(first: number, every: number): number[] {
  const out: number[] = [];
  for (let h = first; h < 24; h += every) out.push(h);
  return out;
}

/** Words that end schedule reading (an "until" end date cannot be expressed). */
const CLOCK_TEXT =
  /\d\s*(?:am|pm|a\.m\.|p\.m\.)|\d[:.]\d\d|\bmidnight\b|\bnoon\b|\bat\s+\d{1,2}\b|\b\d{1,2}\s*o'?clock\b/i;

/**
 * CLOCK_TEXT without its word boundaries: a line that does not match it holds no part that matches CLOCK_TEXT, so
 * every reading chrono could make of it would be dropped — chrono (most of the cost of reading a line) is skipped.
 */
const MAY_HOLD_CLOCK_TEXT = /\d\s*(?:am|pm|a\.m\.|p\.m\.)|\d[:.]\d\d|midnight|noon|at\s+\d|\d\s*o'?clock/i;

interface ClockCandidate {
  value: { hour: number; minute: number };
  /** Index in the line's text, and that text. */
  at?: number;
  text?: string;
  words: string;
  line: number;
  /** Describes the job as it is now ("currently runs at 2am", "from 2am to 4am"), not what is asked for. */
  current: boolean;
}

/** Words that describe the state before the change: a clock time in such a sentence is the old value. */
const CURRENT_STATE =
  /\b(?:currently|at the moment|right now|presently|used to|so far|until now|as of today|today it|is running at|was)\b/i;

function clockCandidates(prose: Prose): ClockCandidate[] {
  const out: ClockCandidate[] = [];
  for (const l of prose.lines) {
    const before = out.length;
    // Hide dates, durations and ids so chrono reads only clock times.
    const masked = l.text
      .replace(/\{\{[^}]*\}\}/g, (s) => " ".repeat(s.length))
      .replace(
        /(?<![:.\d])\b\d+(?:\.\d+)?\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|workers?|times?|retries|concurrent)\b/gi,
        (s) => " ".repeat(s.length),
      )
      .replace(/\b\d{4}-\d{2}-\d{2}\b|\b[0-9a-f]{8,}\b|[\w.-]*\d[\w.-]*\.x-\S+|\/\S+|\S+@\S+/gi, (s) =>
        " ".repeat(s.length),
      );
    const sentenceAt = (index: number): string => {
      const before =
        masked
          .slice(0, index)
          .split(/[.!?;]\s/)
          .pop() ?? "";
      const after = masked.slice(index).split(/[.!?;]\s/)[0] ?? "";
      return before + after;
    };
    const spoken = spokenClocks(masked);
    const push = (index: number, value: { hour: number; minute: number }, words: string) => {
      const fromTo =
        /\bfrom\s*$/i.test(masked.slice(Math.max(0, index - 12), index)) &&
        /^\S*\s*(?:\S+\s+)?(?:to|until|->|→)\s/i.test(masked.slice(index + words.length));
      out.push({
        value,
        words,
        at: index,
        text: l.text,
        line: lineIn(l, index),
        current: fromTo || CURRENT_STATE.test(sentenceAt(index)),
      });
    };
    for (const c of spoken) push(c.index, c.value, c.words);
    const readings = MAY_HOLD_CLOCK_TEXT.test(masked)
      ? chrono.parse(masked, new Date(Date.UTC(2024, 0, 1)), { forwardDate: true })
      : [];
    for (const r of readings) {
      if (!CLOCK_TEXT.test(r.text)) continue;
      // A spoken time ("half past six in the evening") already read by the grammar below wins over chrono's reading.
      if (spoken.some((c) => r.index < c.index + c.words.length && c.index < r.index + r.text.length))
        continue;
      // "Monday to Friday at 08:00" is a range whose end carries the clock time; "from 2am to 4:30am" is old → new.
      const ends = [r.start, r.end].filter((x): x is NonNullable<typeof x> => !!x && x.isCertain("hour"));
      if (!ends.length) continue;
      if (
        ends.length === 2 &&
        (/^from\b/i.test(r.text) || /\bfrom\s*$/i.test(masked.slice(Math.max(0, r.index - 12), r.index)))
      ) {
        out.push({
          value: { hour: ends[0].get("hour") ?? 0, minute: ends[0].get("minute") ?? 0 },
          words: r.text.trim(),
          line: lineIn(l, r.index),
          current: true,
        });
        out.push({
          value: { hour: ends[1].get("hour") ?? 0, minute: ends[1].get("minute") ?? 0 },
          words: r.text.trim(),
          line: lineIn(l, r.index),
          current: false,
        });
        continue;
      }
      const at = ends[0];
      let hour = at.get("hour") ?? 0;
      // "every night at 04:00" is 04:00: chrono moves a clock time after "night" to the evening unless it says
      // am/pm, but a zero-padded 24-hour time, or a small hour at night ("night at 2"), is meant literally.
      const written = /(?<!\d)(\d{1,2})(?:[:.]\d\d|\s*o'?clock)?(?!\d)/.exec(r.text);
      if (
        written &&
        !at.isCertain("meridiem") &&
        !/\d\s*(?:am|pm|a\.m\.|p\.m\.)/i.test(r.text) &&
        hour === Number(written[1]) + 12
      ) {
        if (/^0\d/.test(written[1]) || (/\bnight\b/i.test(r.text) && Number(written[1]) <= 5))
          hour = Number(written[1]);
      }
      let words = r.text.trim();
      // "7:30 in the evening", "8 at night": a part of the day chrono leaves out sets the meridiem.
      const partOfDay = /^\s*,?\s*(?:in\s+the\s+|at\s+)?(evening|afternoon|night|tonight)\b/i.exec(
        masked.slice(r.index + r.text.length),
      );
      if (partOfDay && !at.isCertain("meridiem") && hour >= 1 && hour < 12) {
        hour += 12;
        words += partOfDay[0];
      }
      push(r.index, { hour, minute: at.get("minute") ?? 0 }, words);
    }
    // "at 0630" / "at 18h" (24-hour spellings chrono does not read)
    if (out.length === before) {
      const m = /\bat\s+([01]\d|2[0-3])([0-5]\d)\b|\bat\s+([01]?\d|2[0-3])h\b/i.exec(masked);
      if (m) push(m.index, { hour: Number(m[1] ?? m[3]), minute: Number(m[2] ?? 0) }, m[0]);
    }
  }
  return out;
}

const HOUR = String.raw`(1[0-2]|0?[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)`;
/** What follows a spoken hour and fixes its meridiem: "am", "in the evening", "at night", "tonight". */
const MERIDIEM = String.raw`(?:\s*(a\.?m\.?|p\.?m\.?)(?![a-z])|\s+(?:in\s+the\s+|at\s+)?(morning|afternoon|evening|night|tonight)\b)?`;

/**
 * Clock times said in words, which chrono does not read: "half past six (in the evening)", "a quarter past ten",
 * "quarter to 8 pm", "seven o'clock", "noon" / "midday", "midnight". A part of the day or am/pm after the phrase sets
 * the meridiem; without one, "every night/evening" before it does for hours from 6 to 11 (and 12 → midnight).
 */
function spokenClocks(
  text: string,
): Array<{ index: number; value: { hour: number; minute: number }; words: string }> {
  const out: Array<{ index: number; value: { hour: number; minute: number }; words: string }> = [];
  const hourOf = (w: string) => parseCount(w) ?? Number(w); // HOUR matches only digits and one … twelve
  const bare = new RegExp(
    String.raw`\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(\s+o'?clock)?\b${MERIDIEM}`,
    "gi",
  );
  // [pattern, reading, whether a meridiem may follow]; the meridiem groups are the pattern's last two.
  const res: Array<[RegExp, (m: RegExpExecArray) => { hour: number; minute: number }, boolean]> = [
    [
      new RegExp(String.raw`\b(?:a\s+)?(half|quarter)\s+past\s+${HOUR}\b${MERIDIEM}`, "gi"),
      (m) => ({ hour: hourOf(m[2]), minute: m[1].toLowerCase() === "half" ? 30 : 15 }),
      true,
    ],
    [
      // "twenty past six", "10 past 7", "ten minutes to nine" (minutes past or to the hour; "2 to 8" is a range).
      new RegExp(
        String.raw`\b(?:([1-5]?\d|five|ten|twenty|twenty-five)\s+(?:minutes\s+)?(past|after)|([1-5]?\d|five|ten|twenty|twenty-five)\s+minutes\s+(to|before))\s+${HOUR}\b(?!\s*(?:-\s*)?(?:workers?|nodes?|executors?|times|retries|attempts|minutes?|mins?|hours?|hrs?|days?|runs?|gb|tb|%))${MERIDIEM}`,
        "gi",
      ),
      (m) => {
        const said = m[1] ?? m[3] ?? "0";
        const minutes = parseCount(said) ?? Number(said);
        const hour = hourOf(m[5] ?? "0");
        return m[4] ? { hour: (hour + 11) % 12 || 12, minute: 60 - minutes } : { hour, minute: minutes };
      },
      true,
    ],
    [
      // British "half six" = 6:30 (not "half an hour", "half past").
      new RegExp(String.raw`\bhalf\s+(?!past\b|an?\b|hour)${HOUR}\b${MERIDIEM}`, "gi"),
      (m) => ({ hour: hourOf(m[1]), minute: 30 }),
      true,
    ],
    [
      new RegExp(String.raw`\b(?:a\s+)?quarter\s+to\s+${HOUR}\b${MERIDIEM}`, "gi"),
      (m) => ({ hour: (hourOf(m[1]) + 11) % 12 || 12, minute: 45 }),
      true,
    ],
    [bare, (m) => ({ hour: hourOf(m[1]), minute: 0 }), true],
    [/\b(noon|midday|midnight)\b/gi, (m) => ({ hour: /midnight/i.test(m[1]) ? 0 : 12, minute: 0 }), false],
  ];
  for (const [re, read, meridiem] of res) {
    for (const m of matchesOf(re, text)) {
      if (out.some((o) => m.index < o.index + o.words.length && o.index < m.index + m[0].length)) continue;
      const [suffix, partOfDay] = meridiem ? m.slice(-2) : [undefined, undefined];
      // A bare number word is a time only with o'clock, am/pm or a part of the day ("six in the evening").
      if (re === bare && !m[2] && !suffix && !partOfDay) continue;
      const value = read(m);
      const night = /\bevery\s+(?:night|evening)\b[^.]*$/i.test(text.slice(0, m.index));
      const pm = suffix
        ? /^p/i.test(suffix)
        : partOfDay
          ? /afternoon|evening|night|tonight/i.test(partOfDay)
          : meridiem && night && value.hour >= 6;
      if (pm && value.hour < 12) value.hour += 12;
      if (suffix && /^a/i.test(suffix) && value.hour === 12) value.hour = 0;
      out.push({ index: m.index, value, words: m[0].trim() });
    }
  }
  return out;
}

/**
 * The clock time asked for: the first one not describing the current state (else the first one). Further times on
 * the same line, joined by "and" / "," at the same minute ("at 6am and 6pm"), become more hours of the same cron.
 */
function readTime(prose: Prose): Sourced<ClockTime> | undefined {
  const all = clockCandidates(prose);
  const pick = all.find((c) => !c.current) ?? all[0];
  if (!pick) return undefined;
  const value: ClockTime = { ...pick.value };
  let words = pick.words;
  const more = all.filter((c) => c !== pick && !c.current && c.text === pick.text && c.at !== undefined);
  if (pick.text !== undefined && pick.at !== undefined) {
    const line = { text: pick.text };
    let end = pick.at + pick.words.length;
    for (const c of more.sort((a, b) => (a.at ?? 0) - (b.at ?? 0))) {
      if ((c.at ?? 0) < end) continue;
      if (!/^\s*(?:,|and|&|,\s*and)\s*(?:at\s+)?$/i.test(line.text.slice(end, c.at))) break;
      if (c.value.minute !== value.minute) break;
      value.hours = [...new Set([...(value.hours ?? [value.hour]), c.value.hour])].sort((a, b) => a - b);
      words = line.text.slice(pick.at, (c.at ?? 0) + c.words.length);
      end = (c.at ?? 0) + c.words.length;
    }
  }
  return { value, words, line: pick.line };
}

function readZone(prose: Prose): Sourced<string> | undefined {
  const found: Array<Sourced<string> & { current: boolean }> = [];
  for (const l of prose.lines) {
    // Paths, emails and URLs are not zone words; IANA ids ("Europe/London") are kept.
    const text = l.text.replace(/https?:\/\/\S+|\S+@\S+|\S*\/\S+/g, (s) =>
      new RegExp(`^${IANA_RE.source}[.,;)]*$`).test(s) ? s : " ".repeat(s.length),
    );
    // Each sentence separately; within one, the last zone named wins ("9pm CET... I mean Berlin time").
    let offset = 0;
    for (const sentence of text.split(/(?<=[.!?;])(?<!\b[AaPp]\.[Mm]\.)\s+/)) {
      const start = text.indexOf(sentence, offset);
      offset = start + sentence.length;
      let best: { index: number; zone: string; words: string } | undefined;
      // "6am London time, not 6am UTC", "Berlin instead of UTC": a zone the words reject is not the one asked for.
      const last = zoneMentions(sentence)
        .filter(
          (z) =>
            !/\b(?:not|instead\s+of|rather\s+than|no\s+longer|from)\s+(?:[\w:.]+\s+){0,2}$/i.test(
              sentence.slice(0, z.index),
            ),
        )
        .at(-1);
      if (last) best = { index: last.index, zone: last.zone, words: last.words };
      if (
        best &&
        (CLOCK_TEXT.test(sentence) ||
          /\btime\b|\bzone\b|\b(daily|weekday|every|nightly|morning|monday|friday)/i.test(sentence))
      ) {
        found.push({
          value: best.zone,
          words: best.words,
          line: lineIn(l, start + best.index),
          current: CURRENT_STATE.test(sentence),
        });
      }
    }
  }
  // The last zone named wins, unless it only describes the current state ("currently 2am UTC").
  const pick = found.filter((f) => !f.current).at(-1) ?? found.at(-1);
  return pick
    ? { value: pick.value, words: pick.words, ...(pick.line !== undefined ? { line: pick.line } : {}) }
    : undefined;
}

/** Hides paths, emails, dynamic references and hyphenated/underscored names ("nightly-orders") from phrase reading. */
/**
 * "this weekend", "next Monday", "switch it back on Monday": one date, not the days the job runs
 * on. Hidden from the schedule's days (the words stay for the accounting).
 */
const ONE_OFF_DAY = new RegExp(
  String.raw`\b(?:(?:this|next|coming|the\s+coming)\s+(?:weekend|${DAY_WORD})(?!\s+of\b)|(?:back|again)\s+on\s+(?:${DAY_WORD}))\b`,
  "gi",
);

/** "Mon/Wed/Fri": days written with slashes (not a path). */
const SLASHED_DAYS = new RegExp(`^(?:${DAY_WORD})(?:\\/(?:${DAY_WORD}))+[.,;]?$`, "i");

export function maskNames(text: string): string {
  return (
    text
      .replace(ONE_OFF_DAY, (s) => " ".repeat(s.length))
      // Paths, addresses, {{references}} and URLs; "Mon/Wed/Fri" is a list of days, not a path.
      .replace(/\S*\/\S+|\S+@\S+|\{\{[^}]*\}\}|https?:\/\/\S+/g, (s) =>
        SLASHED_DAYS.test(s) ? s : " ".repeat(s.length),
      )
      .replace(/\b[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+\b/g, (s) =>
        // Day and hour ranges ("Mon-Fri", "9-5") are schedule words, not names.
        new RegExp(`^${DAY_WORD}-${DAY_WORD}$`, "i").test(s) || /^\d{1,2}-\d{1,2}$/.test(s)
          ? s
          : " ".repeat(s.length),
      )
  );
}

/**
 * Hides a quoted or bold name after "job", "called", "named" (`Job "Hourly Digest" runs …`, `called **Daily
 * Sales**`): a name's words are not the schedule's.
 */
function maskQuotedNames(text: string): string {
  return text.replace(
    /(\b(?:job|called|named|name(?:d)?\s*(?:is|:)?|pipeline|workflow)\s*:?\s*)("[^"\n]+"|“[^”\n]+”|\*\*[^*\n]+\*\*|'[^'\n]+')/gi,
    (_, lead: string, name: string) => lead + " ".repeat(name.length),
  );
}

/** A markdown heading line. */
export const HEADING = /^\s{0,3}#{1,6}\s/;

/**
 * A sentence (or parenthesis) that takes a schedule back: "(the daily 6am run was dropped on the call — no
 * schedule)", "the Monday run is not needed". Its times and days are not the schedule's; the words that remove a
 * schedule from an existing job are read apart (parts.remove). Every match starts where a sentence or parenthesis
 * does: the look-behind says so, and spares the engine a scan of the rest of the sentence from every position in it
 * (ten times faster, the same matches).
 */
export const RETRACTED_RE =
  /(?<![^.;!?()\n])[^.;!?()\n]*\b(?:no\s+schedule|without\s+(?:a\s+)?schedule|(?:was|were|got|has\s+been|have\s+been|is|are)\s+(?:dropped|scrapped|cancell?ed|removed|not\s+needed))\b[^.;!?()\n]*/gi;

const AMOUNT = String.raw`(?:(\d+|an?|${COUNT_WORDS})\s*)?(seconds?|secs?|minutes?|mins?|hours?|hrs?|h)\b`;
/**
 * The timing of a file-arrival or table-update trigger, said in words that a schedule would otherwise read: "don't
 * fire more than once every 5 minutes", "at most once per hour", "at least 10 minutes between runs" (the trigger's
 * min_time_between_triggers_seconds) and "wait 2 minutes after the last file changes" (wait_after_last_change_seconds).
 */
export const TRIGGER_GAP_RE = new RegExp(
  String.raw`\b(?:(?:not|never|no|(?:do|does|should|must|wo)n'?t)\s+(?:\w+\s+){0,2}more\s+(?:often\s+)?than\s+(?:once\s+)?(?:every|per|each|an?|in)|at\s+most\s+once\s+(?:every|per|each|an?|in)|(?:at\s+least|minimum(?:\s+of)?)(?=\s+\S+\s+\S+\s+between\s+(?:triggers|runs|starts)))\s*${AMOUNT}(?:\s+between\s+(?:triggers|runs|starts))?`,
  "i",
);
export const TRIGGER_WAIT_RE = new RegExp(
  String.raw`\bwait(?:s|ing)?\s+(?:for\s+)?${AMOUNT}\s+(?:after|since)\s+(?:the\s+)?last\s+(?:file\s+)?(?:change|changes|changed|upload|uploads|update|updates|modification|write|file|one)\b[^,.;]*`,
  "i",
);

/**
 * Words about the time the job has now or had, not the one asked for: "so 5am UTC is too early now", "until now
 * Priya has run it by hand at 18:00", "so far we have been running it at 9".
 */
export const OLD_TIME_RE =
  /(?:\S+\s+){0,3}(?:is|was|are|were|'s)\s+(?:(?:way|much|a\s+bit|a\s+little|slightly|far)\s+)?too\s+(?:early|late|soon)\b|\b(?:until|till|up\s+to)\s+now\b[^.;!?\n]*|\bso\s+far\b[^.;!?\n]*|\b(?:has|have|'ve)\s+(?:been\s+)?(?:run|ran|running|triggered|started|kicked\s+off)\b[^.;!?\n]*/gi;

const TRIGGER_GAP_ALL = new RegExp(TRIGGER_GAP_RE.source, "gi");
const TRIGGER_WAIT_ALL = new RegExp(TRIGGER_WAIT_RE.source, "gi");

function maskRetracted(text: string): string {
  return text
    .replace(RETRACTED_RE, (s) => " ".repeat(s.length))
    .replace(OLD_TIME_RE, (s) => " ".repeat(s.length))
    .replace(TRIGGER_GAP_ALL, (s) => " ".repeat(s.length))
    .replace(TRIGGER_WAIT_ALL, (s) => " ".repeat(s.length));
}

/** Seconds of an AMOUNT match (groups `at`, `at + 1`): "5 minutes" → 300, "an hour" → 3600. */
export function amountSeconds(m: RegExpExecArray, at: number): number | undefined {
  const word = (m[at] ?? "a").toLowerCase();
  const n = /^an?$/.test(word) ? 1 : parseCount(word);
  if (n === undefined) return undefined;
  const unit = (m[at + 1] ?? "").toLowerCase();
  return n * (/^s/.test(unit) ? 1 : /^m/.test(unit) ? 60 : 3600);
}

const CRON_NAME = String.raw`(?:MON|TUE|WED|THU|FRI|SAT|SUN|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)`;
const CRON_FIELD = String.raw`(?:[0-9*?][0-9*?/,#LW-]*|${CRON_NAME}(?:[-,#/](?:${CRON_NAME}|[0-9]+))*L?|LW?)`;
/** A cron expression of 5 to 7 fields (Unix, or Quartz), or a crontab / Airflow preset. */
const CRON_RE = new RegExp(
  String.raw`(?<![\w*/,?#@-])(${CRON_FIELD}(?:[ \t]+${CRON_FIELD}){4,6})(?![\w*/,?#-])|(?<![\w@])(@(?:hourly|daily|midnight|weekly|monthly|yearly|annually))\b`,
  "gi",
);
/** Words saying a cron expression is one ("cron", "crontab", "schedule:", "Quartz", a pasted spec's key). */
const CRON_CUE = /\b(?:cron\w*|schedule(?:_interval)?|quartz|expression|interval)\b|[`"']/i;

/**
 * A cron expression the ticket pastes: "on cron `0 6 * * 1-5`", "crontab: 30 2 1 * *", `schedule: "0 6 * * *"`,
 * `schedule_interval="@daily"`, a Quartz "0 0 6 ? * MON-FRI". An expression with no `*` or `?` (five numbers) is not
 * taken for one; one Quartz cannot say is a question.
 */
function readCron(prose: Prose): { cron?: Sourced<string>; question?: string } {
  for (const l of prose.lines) {
    if (!/[*?@]/.test(l.text) || !CRON_CUE.test(l.text)) continue;
    for (const m of matchesOf(CRON_RE, l.text)) {
      const said = (m[1] ?? m[2] ?? "").trim();
      if (m[1] && !/[*?]/.test(said)) continue;
      const read = quartzOfCron(said);
      if ("reason" in read)
        return {
          question: `"${said}": ${read.reason}. Give the schedule in words (e.g. "weekdays at 6am") or as a Quartz expression.`,
        };
      // `schedule_interval="@daily"`, "cron: 0 6 * * 1-5": the key it is given under is part of its words.
      const lead = /\b[A-Za-z_][\w.-]*\s*[:=]\s*["'`]?\s*$/.exec(l.text.slice(0, m.index));
      const words = lead ? l.text.slice(lead.index, m.index + said.length) : said;
      return { cron: { value: read.quartz, words, line: lineIn(l, m.index) } };
    }
  }
  return {};
}

export function readSchedule(whole: Prose): ScheduleParts {
  const parts: ScheduleParts = {};
  const cron = readCron(whole);
  if (cron.cron) parts.cron = cron.cron;
  if (cron.question) (parts.questions ??= []).push(cron.question);
  const pasted = cron.cron?.words;
  // Times and days are read from the words without the sentences that take a schedule back (and without a pasted
  // cron expression: its numbers are not clock times).
  const lines = whole.lines.map((l) => ({
    ...l,
    text: maskRetracted(pasted ? l.text.split(pasted).join(" ".repeat(pasted.length)) : l.text),
  }));
  const prose: Prose = { lines, text: lines.map((l) => l.text).join("\n") };
  // The words as written, for pausing, resuming and removing a schedule (a taken-back sentence may say "no schedule").
  const written = new Map(lines.map((l, i) => [l, whole.lines[i]?.text ?? l.text]));
  // A markdown heading is a title ("# Orders daily ingest"): its frequency word counts only when no sentence says one.
  const heading = (l: { text: string }): boolean => HEADING.test(l.text);
  const ordered = [...prose.lines.filter((l) => !heading(l)), ...prose.lines.filter(heading)];
  for (const l of ordered) {
    const text = maskQuotedNames(maskNames(l.text));
    const said = maskQuotedNames(maskNames(written.get(l) ?? l.text));
    const months = parts.frequency || parts.months ? undefined : readMonths(text, l.line);
    const uneven = parts.frequency ? undefined : (unevenInterval(text) ?? months?.question);
    if (uneven) (parts.questions ??= []).push(uneven);
    if (months?.months) {
      parts.months = months.months;
      // "quarterly, on the first day of each quarter", "every year on 1 January": the day comes with the months.
      if (months.day !== undefined)
        parts.frequency = {
          value: { kind: "monthly", day: months.day },
          words: months.months.words,
          line: l.line,
        };
    }
    if (!parts.frequency && !uneven) {
      for (const phrase of FREQUENCY_PHRASES) {
        if (phrase.cue && !phrase.cue.test(text)) continue;
        const m = phrase.re.exec(text);
        if (!m) continue;
        const value = phrase.build(m);
        if (!value) continue;
        // "every morning at 5, full refresh on Sundays only": the days belong to another clause than the daily
        // runs — they are not the schedule's days (one job cannot do both); nothing is read, and the words ask.
        if (
          value.kind === "weekdays" &&
          DAYS_OF_OTHER_CLAUSE.includes(phrase.name) &&
          dailyElsewhere(text, m)
        ) {
          (parts.questions ??= []).push(
            `Should it run every day, or only on ${m[0].trim().replace(/^(?:on|every|each)\s+/i, "")}? One schedule cannot do both ("${l.text.trim()}"); for something different on some days, write a second job.`,
          );
          break;
        }
        parts.frequency = { value, words: m[0].trim(), line: l.line };
        // "every weekday at 6 and on Saturday at 9": other days at another time — one schedule has one time.
        const other = new RegExp(
          String.raw`\b(?:and|but|plus)\s+(?:also\s+)?(?:on\s+|every\s+)?(?:weekends?|${DAY_WORD})(?:\s*(?:,|and|&)\s*${DAY_WORD})*\s+at\s+\d`,
          "i",
        ).exec(text.slice(m.index + m[0].length));
        // …only when the first days have a time of their own before the "and" ("monday wednesday and friday at
        // 5am" is three days at one time).
        const between = other ? text.slice(m.index + m[0].length).slice(0, other.index) : "";
        const ownTime = /\bat\s+\d|\d\s*(?:[ap]\.?m\b|h\b|uhr\b)|\d[:.]\d{2}|\b(?:noon|midnight)\b/i.test(
          between,
        );
        if (other && ownTime && (value.kind === "weekdays" || value.kind === "daily"))
          (parts.questions ??= []).push(
            `"${l.text.trim()}": one Databricks schedule has one clock time for all its days, so different days at different times cannot be one job's schedule. Should all days run at the same time, or should the other days be a second job?`,
          );
        if (value.kind === "minutes" || value.kind === "hours" || value.kind === "hourly") {
          const found = parts.frequency;
          parts.frequency = limitSubDaily(found, value, text);
          // "… during business hours. Business hours = 9 to 5, Mon–Fri": the hours are defined in another line.
          const defined = /\b(?:business|working|office|work|opening)\s+hours\b/i.test(text)
            ? prose.lines.find((o) => o !== l && BUSINESS_WINDOW_RE.test(maskNames(o.text)))
            : undefined;
          if (defined && !(parts.frequency.value as Within).window)
            parts.frequency = limitSubDaily(found, value, `${text}; ${maskNames(defined.text)}`);
          // "every 15 minutes during business hours" with no hours given: which hours? (not around the clock)
          const limited = parts.frequency.value;
          const business = /\b(?:business|working|office|work|opening)\s+hours\b/i.exec(text);
          if (
            business &&
            (limited.kind === "minutes" || limited.kind === "hours" || limited.kind === "hourly") &&
            !limited.window
          )
            (parts.questions ??= []).push(
              `"${business[0]}": which hours (e.g. 9am to 5pm), in which time zone, and on which days? Without them the job would run around the clock.`,
            );
        }
        break;
      }
    }
    // "pause the schedule", "pause orders-daily for now", "put it on hold" (not "a pause between retries").
    const pause =
      /\b(pause|suspend|disable)\b[^.\n]*\bschedule|\bschedule\b[^.\n]*\b(paused?|suspended|disabled)\b|\b(?:pause|suspend)\b(?!\s+(?:of|between|for\s+\d))|\b(?:put|keep|place|set)\b[^.\n]{0,80}?\bon\s+hold\b|\b(?:create|keep|leave|start|deploy|ship)(?:s|d|ed)?\s+(?:it\s+|the\s+job\s+|this\s+)?(?:as\s+)?paused\b|\bpaused\s+(?:for\s+now|at\s+first|initially|to\s+start(?:\s+with)?|until\b)/i.exec(
        said,
      );
    if (pause && !/\b(?:un-?pause|resume)\b/i.test(said) && !parts.pause)
      parts.pause = { value: "PAUSED", words: pause[0], line: l.line };
    const resume =
      /\b(unpause|un-pause|resume|re-?enable)\b[^.\n]*\bschedule|\bschedule\b[^.\n]*\b(unpaused|resumed)\b|\b(?:un-?pause|resume)\b(?!\s+(?:from|at\s+the))|\b(?:switch|turn)(?:ed)?\s+(?:it|the\s+(?:job|schedule)|[\w-]+)\s+back\s+on\b|\b(?:switch|turn)\s+(?:it\s+)?(?:back\s+)?on\s+again\b/i.exec(
        said,
      );
    if (resume && !parts.pause) parts.pause = { value: "UNPAUSED", words: resume[0], line: l.line };
    const remove =
      /\b(remove|drop|delete|get rid of|take)\b[^.\n]*\bschedule\b(?:\s+off)?|\bschedule\b[^.\n]*\b(?:remove|drop|delete)\s+it\b|\bno (?:more |longer needs? a )?schedule\b|\bunschedule\b/i.exec(
        said,
      );
    // "drop Thursday from the schedule": a day taken out of the schedule (days-negated), not the whole schedule.
    if (remove && !parts.remove && !new RegExp(`\\b(?:weekends?|${DAY_WORD})\\b`, "i").test(remove[0]))
      parts.remove = { value: true, words: remove[0], line: l.line };
    parts.shift ??= readShift(text, l.line);
  }
  // The clock times of a window ("between 8am and 6pm") bound the runs; they are not a time to run at.
  const windowed = parts.frequency && "window" in parts.frequency.value && parts.frequency.value.window;
  const time = windowed ? undefined : readTime(prose);
  if (time) parts.time = time;
  // "twice a day" must come with as many clock times; otherwise the phrase stays unread (and the accounting asks).
  const f = parts.frequency?.value;
  if (f?.kind === "daily" && f.count && (time?.value.hours?.length ?? 1) !== f.count) delete parts.frequency;
  // "every 4 hours starting at 10am": until midnight (10, 14, 18, 22) or around the clock (2, 6, 10, …)? Quartz
  // restarts the count every day, so only a start within the first interval means one thing (toQuartz: `1/4`).
  const start = time?.value.hour;
  if (f?.kind === "hours" && !f.window && start !== undefined && !time?.value.hours && start >= f.every)
    (parts.questions ??= []).push(
      `Every ${f.every} hours from ${start}:00 ("${parts.frequency?.words} … ${time?.words}"): only until midnight (${hoursFrom(start, f.every).join(", ")}), or around the clock (${hoursFrom(start % f.every, f.every).join(", ")})?`,
    );
  const zone = readZone(prose);
  if (zone) parts.zone = zone;
  const also = saidAlso(prose, parts.frequency) ?? saidAlso(prose, parts.time);
  if (also) parts.also = also;
  return parts;
}

const WINDOW_CLOCK = String.raw`(\d{1,2})(?::(00))?\s*(am|pm|a\.m\.|p\.m\.)?|(noon|midnight)`;
const WINDOW_RE = new RegExp(
  String.raw`\b(?:between|from)\s+(?:${WINDOW_CLOCK})\s*(?:and|to|until|till|-|–)\s*(?:${WINDOW_CLOCK})(?![:\w])(?!\s*(?:-\s*)?(?:workers?|nodes?|executors?|times|retries|attempts|minutes?|mins?|hours?|hrs?|days?|runs?|gb|tb|%))`,
  "i",
);
/** "during business hours (9-5 weekdays)", "working hours 8 to 6": the hours named right after the words. */
const BUSINESS_WINDOW_RE = new RegExp(
  String.raw`\b(?:business|working|office|work)\s+hours\b[^.;\n\d]{0,12}?(?:${WINDOW_CLOCK})\s*(?:to|until|till|-|–)\s*(?:${WINDOW_CLOCK})(?![:\w])`,
  "i",
);
const SUB_DAILY_DAYS = ["days-except", "days-negated", "weekday-range", "day-range", "weekends", "day-names"];

function windowHour(m: RegExpExecArray, at: number): number | undefined {
  if (m[at + 3]) return m[at + 3].toLowerCase() === "noon" ? 12 : 0;
  const hour = Number(m[at]);
  const meridiem = m[at + 2]?.toLowerCase().replace(/\./g, "");
  if (meridiem) return hour < 1 || hour > 12 ? undefined : (hour % 12) + (meridiem === "pm" ? 12 : 0);
  return hour <= 23 ? hour : undefined;
}

/**
 * "every 2 hours between 8am and 6pm on weekdays": a sub-daily frequency limited to a window of whole hours and to
 * days of the week, said in the same line. A window with minutes ("8:30 to 17:45") is not read (the accounting asks).
 */
function limitSubDaily(
  found: Sourced<Frequency>,
  value: Extract<Frequency, { kind: "minutes" | "hours" | "hourly" }>,
  text: string,
): Sourced<Frequency> {
  const limited: Frequency = { ...value };
  const words = [found.words];
  const w = WINDOW_RE.exec(text) ?? BUSINESS_WINDOW_RE.exec(text);
  // "move it from 8am to 9am" is an old and a new time, not a window.
  if (
    w &&
    !(
      /^from/i.test(w[0]) &&
      /\b(?:move|moved|shift|shifted|change|changed|reschedule)\b/i.test(text.slice(0, w.index))
    )
  ) {
    const from = windowHour(w, 1);
    let to = windowHour(w, 5);
    // "between 8 and 6": without am/pm, an end before the start is in the afternoon.
    if (to !== undefined && from !== undefined && !w[7] && !w[8] && to <= from && to < 12) to += 12;
    if (from !== undefined && to !== undefined && to > from) {
      limited.window = { from, to };
      words.push(w[0].trim());
    }
  }
  const past =
    value.kind === "minutes"
      ? undefined
      : /\bat\s+(?:xx|hh|\*\*?)?:([0-5]\d)\b(?:\s+past(?:\s+(?:the|each|every)\s+hour)?)?|\b(?:at\s+)?([1-5]?\d|five|ten|twenty|twenty-five|thirty|forty|forty-five|fifty)\s+(?:minutes?\s+)?(?:past|after)(?:\s+(?:the|each|every)\s+hour\b|(?!\s*(?:the\b|\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|midnight)))|\b(?:at\s+)?(?:a\s+)?(quarter|half)\s+past(?:\s+(?:the|each|every)\s+hour\b|(?!\s*(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|midnight)))/i.exec(
          text,
        );
  if (past) {
    limited.minute = past[3]
      ? /quarter/i.test(past[3])
        ? 15
        : 30
      : (parseCount(past[1] ?? past[2] ?? "") ?? Number(past[1] ?? past[2]));
    words.push(past[0].trim());
  }
  for (const phrase of FREQUENCY_PHRASES.filter((p) => SUB_DAILY_DAYS.includes(p.name))) {
    if (phrase.cue && !phrase.cue.test(text)) continue;
    const m = phrase.re.exec(text);
    const days = m ? phrase.build(m) : undefined;
    if (days?.kind !== "weekdays") continue;
    limited.days = days.days;
    words.push(m![0].trim());
    break;
  }
  return { ...found, value: limited, words: words.join(" … ") };
}

/** The cron fields a frequency fixes, with the time filled in (INTERPRETATION.md §3 canonical forms). */
export function toQuartz(frequency: Frequency, time: ClockTime | undefined, months?: number[]): string {
  const cron = quartzOf(frequency, time);
  if (!months?.length || months.length === 12) return cron;
  const f = cron.split(" ");
  f[4] = months.join(",");
  return f.join(" ");
}

function quartzOf(frequency: Frequency, time: ClockTime | undefined): string {
  const h = time?.hours?.join(",") ?? time?.hour ?? 0;
  const min = time?.minute ?? 0;
  switch (frequency.kind) {
    case "minutes":
    case "hours":
    case "hourly": {
      // Sub-daily: the hours of a window ("between 8am and 6pm"), the days named ("on weekdays").
      const w = frequency.window;
      const days = frequency.days ? `? * ${dayList(frequency.days)}` : "* * ?";
      if (frequency.kind === "minutes")
        return `0 0/${frequency.every} ${w ? `${w.from}-${Math.max(w.from, w.to - 1)}` : "*"} ${days}`;
      if (frequency.kind === "hours") {
        // "every 4 hours starting at 1am": 1/4 (a start within the first interval; readSchedule asks about a later one).
        const from = w
          ? `${w.from}-${w.to}`
          : time?.hour !== undefined && time.hour < frequency.every
            ? String(time.hour)
            : "0";
        return `0 ${frequency.minute ?? (time && !w ? min : 0)} ${from}/${frequency.every} ${days}`;
      }
      return `0 ${frequency.minute ?? 0} ${w ? `${w.from}-${w.to}` : "*"} ${days}`;
    }
    case "daily":
      return `0 ${min} ${h} * * ?`;
    case "weekdays":
      return `0 ${min} ${h} ? * ${dayList(frequency.days)}`;
    case "monthly":
      return `0 ${min} ${h} ${frequency.day} * ?`;
    case "nth-weekday":
      return `0 ${min} ${h} ? * ${frequency.day}${frequency.nth === "L" ? "L" : `#${frequency.nth}`}`;
  }
}

function dayList(days: string[]): string {
  const idx = days.map((d) => WEEK.indexOf(d)).sort((a, b) => a - b);
  const contiguous = idx.length > 2 && idx.every((v, i) => i === 0 || v === idx[i - 1] + 1);
  if (contiguous) return `${WEEK[idx[0]]}-${WEEK[idx[idx.length - 1]]}`;
  return idx.map((i) => WEEK[i]).join(",");
}

/** Whether a frequency needs a clock time to be complete. */
export function needsTime(frequency: Frequency): boolean {
  return (
    frequency.kind === "daily" ||
    frequency.kind === "weekdays" ||
    frequency.kind === "monthly" ||
    frequency.kind === "nth-weekday"
  );
}

/**
 * Applies the parts a ticket states to an existing Quartz expression (update tickets: "move it to 5am" keeps the
 * days; "only on weekdays, same time" keeps the time).
 */
export function mergeIntoQuartz(existing: string, parts: ScheduleParts): string {
  const f = existing.trim().split(/\s+/);
  if (f.length < 6) return existing;
  const freq = parts.frequency?.value;
  if (parts.also && freq?.kind === "weekdays" && !freq.excluded && !parts.time) {
    // "should run on Saturdays too": the job's days and those (its time kept).
    const today = daysOfField(f[5]);
    if (!today) return existing;
    const days = WEEK.filter((d) => today.includes(d) || freq.days.includes(d));
    f[3] = "?";
    f[5] = days.length === 7 ? "*" : dayList(days);
    return f.join(" ");
  }
  if (freq?.kind === "weekdays" && freq.excluded && !parts.time) {
    // "drop the weekend runs": the days the job runs on today, less those (its time kept). A job whose days are not a
    // set of weekdays ("MON#1", day 15) is left as it is: the interpreter then asks what to change.
    const today = daysOfField(f[5]);
    if (!today) return existing;
    const days = today.filter((d) => !freq.excluded!.includes(d));
    if (days.length) {
      f[3] = "?";
      f[5] = days.length === 7 ? "*" : dayList(days);
      return f.join(" ");
    }
  }
  if (parts.frequency) {
    const fresh = toQuartz(
      parts.frequency.value,
      parts.time?.value ?? { hour: Number(f[2]) || 0, minute: Number(f[1]) || 0 },
    ).split(" ");
    if (
      !parts.time &&
      parts.frequency.value.kind !== "minutes" &&
      parts.frequency.value.kind !== "hours" &&
      parts.frequency.value.kind !== "hourly"
    ) {
      fresh[1] = f[1];
      fresh[2] = f[2];
    }
    return fresh.join(" ");
  }
  if (parts.time) {
    f[1] = String(parts.time.value.minute);
    f[2] = parts.time.value.hours?.join(",") ?? String(parts.time.value.hour);
  }
  return f.join(" ");
}

/**
 * "should also run at 12:30": the time's hours added to those of `existing` (its days kept). undefined when that
 * cannot be one expression — the minutes differ (07:30 and 12:45), or the job has no plain minute and hours.
 */
export function addTimeToQuartz(existing: string, time: ClockTime): string | undefined {
  const f = existing.trim().split(/\s+/);
  if (f.length < 6 || !/^\d+$/.test(f[1]) || !/^\d+(?:,\d+)*$/.test(f[2])) return undefined;
  if (Number(f[1]) !== time.minute) return undefined;
  const hours = new Set([...f[2].split(",").map(Number), ...(time.hours ?? [time.hour])]);
  f[2] = [...hours].sort((a, b) => a - b).join(",");
  return f.join(" ");
}

/**
 * Moves the clock time of a Quartz expression by `minutes` ("push it back an hour"), from `base` (a time the words
 * name) or the expression's own. undefined when the expression has no single minute and plain hours, or when the
 * move would cross midnight (the days would change: a question).
 */
export function shiftQuartz(existing: string, minutes: number, base?: ClockTime): string | undefined {
  const f = existing.trim().split(/\s+/);
  if (f.length < 6) return undefined;
  const hours = base ? (base.hours ?? [base.hour]) : f[2].split(",").map(Number);
  const minute = base ? base.minute : Number(f[1]);
  if (!Number.isInteger(minute) || hours.some((h) => !Number.isInteger(h))) return undefined;
  const moved = hours.map((h) => h * 60 + minute + minutes);
  if (moved.some((t) => t < 0 || t >= 24 * 60) || new Set(moved.map((t) => t % 60)).size !== 1)
    return undefined;
  f[1] = String(moved[0] % 60);
  f[2] = moved.map((t) => Math.floor(t / 60)).join(",");
  return f.join(" ");
}

/**
 * The days of a Quartz day-of-week field ("MON-FRI", "SAT,SUN", "*", "?"); undefined for forms like "MON#1".
 * (schedule-meaning.ts's `cronMeaning` reads whole expressions, but it depends on this module, not the reverse.)
 */
function daysOfField(field: string | undefined): string[] | undefined {
  if (!field || field === "*" || field === "?") return [...WEEK];
  const out = new Set<string>();
  for (const part of field.toUpperCase().split(",")) {
    const range = /^([A-Z]{3})(?:-([A-Z]{3}))?$/.exec(part);
    if (!range) return undefined;
    const a = WEEK.indexOf(range[1]);
    const b = range[2] ? WEEK.indexOf(range[2]) : a;
    if (a < 0 || b < 0 || b < a) return undefined;
    for (let i = a; i <= b; i++) out.add(WEEK[i]);
  }
  return WEEK.filter((d) => out.has(d));
}
