/**
 * The accounting half of the requirement-vs-plan check (issue #15): a time zone, a clock time or a recipient that
 * the requirement names and the plan does not use is a consistency finding, whatever wrote the plan (the YAML
 * block, the LLM or the offline interpreter). It reads the words with the same tokeniser and zone reader as the
 * interpreter's accounting (accounting.ts `requirementTokens`, zones.ts `zoneMentions`), so a value the interpreter
 * would have to account for is also one the applied spec must carry.
 *
 * Words that describe what should go away or what the job does today ("instead of", "remove", "currently",
 * "from X to Y", "no longer") are not asked for, so their values are not checked. Pure.
 */
import type { JobSettings } from "../../domain/model.js";
import { requirementTokens } from "./accounting.js";
import { cronMeaning, sameZone, type CronMeaning } from "./schedule-meaning.js";
import { matchesOf, type Prose } from "./text.js";
import { zoneMentions } from "./zones.js";

export interface NamedValueFinding {
  field: "schedule.timezone_id" | "schedule" | "recipient";
  words: string;
  line?: number;
  found: string;
  path: string;
  value: unknown;
  fix: string;
}

/** Values in a clause saying what goes away, what is true today, or how long a run takes are not asked for. */
const NOT_ASKED =
  /\b(?:remove|removing|drop|stop|stopped|no longer|instead|replace|replacing|rather than|currently|presently|right now|used to|was|were|old|anymore|any more|not|don'?t|no more|unsubscribe|take off|from|time\s?out|timeout|takes?|longer than|past|after|before|until|by)\b/i;

const CLOCK_RE =
  /\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])|\b(\d{1,2}):(\d{2})\b(?!\s*(?:h|hours?|min))/gi;

/** Clause-like pieces of a line, with their offset. */
function segments(text: string): Array<{ text: string; at: number }> {
  const out: Array<{ text: string; at: number }> = [];
  let start = 0;
  for (const m of matchesOf(/[,;!?]\s|\.\s|\s(?:but|and then)\s/g, text)) {
    out.push({ text: text.slice(start, m.index), at: start });
    start = m.index + m[0].length;
  }
  out.push({ text: text.slice(start), at: start });
  return out;
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
  return out;
}

function clockOf(m: RegExpMatchArray): { hour: number; minute: number } | undefined {
  let hour = Number(m[1] ?? m[4]);
  const minute = Number(m[2] ?? m[5] ?? 0);
  const half = m[3]?.toLowerCase().replace(/\./g, "");
  if (half) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (half === "pm" ? 12 : 0);
  }
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

type Sched = { quartz_cron_expression?: string; timezone_id?: string } | undefined;

/** What the spec's schedule says, read once per check (not once per clause). */
interface SpecSchedule {
  sched: Sched;
  tz: string | undefined;
  meaning: CronMeaning | undefined;
}

function checkSegment(
  seg: string,
  line: number | undefined,
  desired: JobSettings,
  sent: string[],
  { sched, tz, meaning }: SpecSchedule,
): NamedValueFinding[] {
  const out: NamedValueFinding[] = [];
  // Only addresses are looked at here, and an address holds an @: a clause without one is not tokenised at all.
  for (const t of seg.includes("@") ? requirementTokens(seg, line) : []) {
    if (t.kind !== "email" || sent.some((s) => s.toLowerCase() === t.text.toLowerCase())) continue;
    out.push({
      field: "recipient",
      words: t.text,
      line,
      found: `the plan sends nothing to ${t.text}`,
      path: "email_notifications",
      value: desired.email_notifications ?? null,
      fix: `Add ${t.text} to the notification the requirement asks for, or correct the requirement.`,
    });
  }
  for (const z of zoneMentions(seg)) {
    if (tz && sameZone(z.zone, z.words, tz)) continue;
    out.push({
      field: "schedule.timezone_id",
      words: z.words,
      line,
      found: tz ? `the schedule runs in ${tz}, not ${z.zone}` : `the plan has no schedule in ${z.zone}`,
      path: "schedule.timezone_id",
      value: tz ?? null,
      fix: `Set schedule.timezone_id to ${z.zone}, or correct the requirement.`,
    });
  }
  for (const m of matchesOf(CLOCK_RE, seg)) {
    const c = clockOf(m);
    if (!c || sent.some((s) => s.includes(m[0]))) continue;
    // "7:30" without am/pm may be the evening ("7:30 in the evening"): either reading agrees.
    const hours = !m[3] && c.hour < 12 ? [c.hour, c.hour + 12] : [c.hour];
    if (meaning && hours.some((h) => meaning.hours.includes(h)) && meaning.minutes.includes(c.minute))
      continue;
    if (sched?.quartz_cron_expression && !meaning) continue;
    out.push({
      field: "schedule",
      words: m[0],
      line,
      found: sched?.quartz_cron_expression
        ? `the schedule "${sched.quartz_cron_expression}" never runs at ${String(c.hour).padStart(2, "0")}:${String(c.minute).padStart(2, "0")}`
        : "the plan has no schedule",
      path: "schedule.quartz_cron_expression",
      value: sched?.quartz_cron_expression ?? null,
      fix: "Make the schedule run at the time the requirement names, or correct the requirement.",
    });
  }
  return out;
}

/** Zones, clock times and recipients the words ask for that `desired` does not use. */
export function unusedNamedValues(prose: Prose, desired: JobSettings): NamedValueFinding[] {
  const sent = strings(desired);
  const sched = desired.schedule as Sched;
  const schedule: SpecSchedule = {
    sched,
    tz: sched?.quartz_cron_expression ? (sched.timezone_id ?? "UTC") : undefined,
    meaning: sched?.quartz_cron_expression ? cronMeaning(sched.quartz_cron_expression) : undefined,
  };
  const out: NamedValueFinding[] = [];
  for (const l of prose.lines) {
    for (const seg of segments(l.text)) {
      if (NOT_ASKED.test(seg.text)) continue;
      out.push(...checkSegment(seg.text, l.line, desired, sent, schedule));
    }
  }
  return out;
}
