/**
 * What a schedule means, for comparing a requirement's words with the spec that will be applied: a Quartz cron is
 * expanded into the sets of minutes, hours and days it fires on; the words' frequency, clock time and time zone are
 * compared with those sets field by field (not phrase by phrase), so "every night at 04:00 UTC" agrees with
 * "0 0 4 * * ?" / UTC and "every weekday at 06:00 Berlin" with "0 0 6 ? * MON-FRI" / Europe/Berlin. Pure.
 */
import type { ClockTime, Frequency } from "./schedule.js";

const WEEK = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];
/** Quartz day-of-week numbers: 1 = SUN … 7 = SAT. */
const QUARTZ_DOW = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

export type CronDays =
  | { kind: "every" }
  | { kind: "weekdays"; days: string[] }
  | { kind: "month-days"; days: number[] }
  | { kind: "last-of-month" }
  | { kind: "other"; text: string };

export interface CronMeaning {
  minutes: number[];
  hours: number[];
  days: CronDays;
}

/** The values a cron field stands for; undefined for special forms (L, W, #) or unreadable text. */
function expand(
  field: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = min,
): number[] | undefined {
  const value = (token: string): number | undefined => {
    const i = names.indexOf(token.toUpperCase());
    if (i >= 0) return i + nameBase;
    return /^\d+$/.test(token) ? Number(token) : undefined;
  };
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const m = /^(\*|\?|[A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const all = m[1] === "*" || m[1] === "?";
    const from = all ? min : value(m[1]);
    const to = m[2] !== undefined ? value(m[2]) : all || m[3] !== undefined ? max : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from === undefined || to === undefined || step < 1 || from < min || to > max || from > to)
      return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** Expands a Quartz expression (sec min hour day-of-month month day-of-week [year]); undefined when unreadable. */
export function cronMeaning(expression: string): CronMeaning | undefined {
  const f = expression.trim().split(/\s+/);
  if (f.length < 6 || f.length > 7) return undefined;
  const minutes = expand(f[1], 0, 59);
  const hours = expand(f[2], 0, 23);
  if (!minutes || !hours) return undefined;
  const dom = f[3];
  const dow = f[5];
  const anyDom = dom === "?" || dom === "*";
  const anyDow = dow === "?" || dow === "*";
  let days: CronDays;
  if (anyDom && anyDow) days = { kind: "every" };
  else if (anyDom) {
    const d = expand(dow, 1, 7, QUARTZ_DOW, 1);
    const codes = d?.map((n) => QUARTZ_DOW[n - 1]);
    days = !codes
      ? { kind: "other", text: dow }
      : codes.length === 7
        ? { kind: "every" }
        : { kind: "weekdays", days: WEEK.filter((c) => codes.includes(c)) };
  } else if (anyDow) {
    if (dom.toUpperCase() === "L") days = { kind: "last-of-month" };
    else {
      const d = expand(dom, 1, 31);
      days = !d
        ? { kind: "other", text: dom }
        : d.length === 31
          ? { kind: "every" }
          : { kind: "month-days", days: d };
    }
  } else days = { kind: "other", text: `${dom} ${dow}` };
  const months = expand(f[4], 1, 12, MONTHS, 1);
  if (!months || months.length !== 12) days = { kind: "other", text: `${f[3]} ${f[4]} ${f[5]}` };
  return { minutes, hours, days };
}

/** Whether `values` is every `step`-th value of 0..max-1 (from any start below step): "every 6 hours". */
function sameHours(
  hours: number[],
  f: Extract<Frequency, { kind: "minutes" | "hours" | "hourly" }>,
): boolean {
  return hours.join(",") === hoursOf(f).join(",");
}

function evenlyEvery(values: number[], step: number, size: number): boolean {
  if (step < 1 || !values.length || values[0] >= step || values[values.length - 1] + step < size)
    return false;
  return values.every((v, i) => v === values[0] + i * step);
}

function daysOf(f: Frequency): CronDays {
  switch (f.kind) {
    case "weekdays":
      return f.days.length === 7
        ? { kind: "every" }
        : { kind: "weekdays", days: WEEK.filter((d) => f.days.includes(d)) };
    case "monthly":
      return f.day === "L" ? { kind: "last-of-month" } : { kind: "month-days", days: [f.day] };
    case "nth-weekday":
      return { kind: "other", text: `${f.day}${f.nth === "L" ? "L" : `#${f.nth}`}` };
    case "minutes":
    case "hours":
    case "hourly":
      return f.days && f.days.length < 7
        ? { kind: "weekdays", days: WEEK.filter((d) => f.days!.includes(d)) }
        : { kind: "every" };
    default:
      return { kind: "every" };
  }
}

/** The hours a sub-daily frequency fires in: every hour, or those of its window (minutes: its last hour excluded). */
function hoursOf(f: Extract<Frequency, { kind: "minutes" | "hours" | "hourly" }>): number[] {
  const w = f.window;
  const [from, to] = w ? [w.from, f.kind === "minutes" ? w.to - 1 : w.to] : [0, 23];
  const step = f.kind === "hours" ? f.every : 1;
  const out: number[] = [];
  for (let h = from; h <= to; h += step) out.push(h);
  return out;
}

function sameDays(a: CronDays, b: CronDays): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "weekdays" && b.kind === "weekdays") return a.days.join(",") === b.days.join(",");
  if (a.kind === "month-days" && b.kind === "month-days") return a.days.join(",") === b.days.join(",");
  // Special forms ("MON#1", "FRIL") agree when the day-of-week field says exactly that.
  if (a.kind === "other" && b.kind === "other") return b.text.toUpperCase().split(/\s+/).includes(a.text);
  return a.kind !== "other";
}

/**
 * Which parts of a cron disagree with what the words say: "days", "how often", "time". Only parts the words
 * state are compared ("at 9am" alone says nothing about the days).
 */
export function cronDisagreements(
  frequency: Frequency | undefined,
  time: ClockTime | undefined,
  cron: CronMeaning,
): string[] {
  const out: string[] = [];
  const single = (xs: number[]): boolean => xs.length === 1;
  // "at 6am and 6pm": the cron must fire at exactly those hours, at the one minute.
  const asked = time?.hours;
  if (asked && !(asked.join(",") === cron.hours.join(",") && single(cron.minutes))) out.push("time");
  if (asked && frequency && !sameDays(daysOf(frequency), cron.days)) out.push("days");
  if (asked) return out;
  if (frequency) {
    if (!sameDays(daysOf(frequency), cron.days)) out.push("days");
    switch (frequency.kind) {
      case "minutes":
        if (!evenlyEvery(cron.minutes, frequency.every, 60) || !sameHours(cron.hours, frequency))
          out.push("how often");
        break;
      case "hours":
        if (
          !single(cron.minutes) ||
          (frequency.window
            ? !sameHours(cron.hours, frequency)
            : !evenlyEvery(cron.hours, frequency.every, 24))
        )
          out.push("how often");
        else if (frequency.minute !== undefined && cron.minutes[0] !== frequency.minute) out.push("time");
        else if (
          !frequency.window &&
          time &&
          (cron.minutes[0] !== time.minute || !cron.hours.includes(time.hour))
        )
          out.push("time");
        break;
      case "hourly":
        if (!sameHours(cron.hours, frequency) || !single(cron.minutes)) out.push("how often");
        else if (frequency.minute !== undefined && cron.minutes[0] !== frequency.minute) out.push("time");
        break;
      default:
        if (!single(cron.hours) || !single(cron.minutes)) out.push("how often");
        else if (time && (cron.hours[0] !== time.hour || cron.minutes[0] !== time.minute)) out.push("time");
    }
  } else if (time && !(cron.hours.includes(time.hour) && cron.minutes.includes(time.minute))) {
    out.push("time");
  }
  return out;
}

/** A periodic trigger ({interval, unit}) against the words' frequency and time; the parts that disagree. */
export function periodicDisagreements(
  frequency: Frequency | undefined,
  time: { hour: number; minute: number } | undefined,
  periodic: { interval?: number; unit?: string },
): string[] {
  const hours =
    periodic.unit === "HOURS"
      ? (periodic.interval ?? 0)
      : periodic.unit === "DAYS"
        ? (periodic.interval ?? 0) * 24
        : periodic.unit === "WEEKS"
          ? (periodic.interval ?? 0) * 168
          : 0;
  const out: string[] = [];
  if (frequency) {
    const asked =
      frequency.kind === "hours"
        ? frequency.every
        : frequency.kind === "hourly"
          ? 1
          : frequency.kind === "daily"
            ? 24
            : frequency.kind === "weekdays" && frequency.days.length === 7
              ? 24
              : undefined;
    if (asked === undefined)
      out.push("days"); // weekdays, a day of the month, minutes: a periodic trigger cannot say them
    else if (asked !== hours) out.push("how often");
  }
  // A periodic trigger runs at intervals from when it was set; it cannot hold a clock time.
  if (time) out.push("time");
  return out;
}

const ABBREVIATION =
  /^(?:cet|cest|gmt|bst|est|edt|pst|pdt|cst|cdt|aest|aedt|sgt|jst|utc|zulu|eastern|pacific|central(?: time)?|uk time|german time|california time)$/i;

function canonicalZone(id: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: id }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function offsetsOf(id: string): string | undefined {
  try {
    const format = new Intl.DateTimeFormat("en-US", { timeZone: id, timeZoneName: "longOffset" });
    const out: string[] = [];
    // Mid-month and around the common DST changes of 2024.
    for (let month = 0; month < 12; month++) {
      for (const day of [1, 15]) {
        const at = new Date(Date.UTC(2024, month, day, 12));
        out.push(format.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "");
      }
    }
    return out.join(",");
  } catch {
    return undefined;
  }
}

/**
 * Whether the zone the words name (`asked`, an IANA id read from `words`) is the zone `actual` (the spec's
 * timezone_id). Aliases are equal (US/Eastern = America/New_York, Etc/UTC = UTC); a zone given by abbreviation
 * ("CET", "UTC", "Pacific") agrees with any zone keeping the same UTC offsets all year.
 */
export function sameZone(asked: string, words: string, actual: string): boolean {
  const a = canonicalZone(asked);
  const b = canonicalZone(actual);
  if (!a || !b) return asked === actual;
  if (a === b) return true;
  if (!ABBREVIATION.test(words.trim())) return false;
  const oa = offsetsOf(a);
  return oa !== undefined && oa === offsetsOf(b);
}
