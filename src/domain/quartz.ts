/**
 * Quartz cron syntax (the syntax Databricks schedules use), pure.
 * `sec min hour day-of-month month day-of-week [year]`; exactly one of day-of-month / day-of-week is `?`;
 * `L`, `W`, `LW`, `L-n` in day-of-month; `nL`, `n#k` in day-of-week; names JAN-DEC and SUN-SAT; ranges, lists, steps.
 */

export interface QuartzResult {
  ok: boolean;
  /** Precise reason when not ok, naming the field and the part that is wrong. */
  reason?: string;
  /** The Quartz expression meaning what a Unix (5-field) cron expression means, when one does. */
  fromUnix?: string;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};
const DAYS: Record<string, number> = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

const FIELDS: FieldSpec[] = [
  { name: "seconds", min: 0, max: 59 },
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS },
  { name: "year", min: 1970, max: 2099 },
];

class QuartzError extends Error {}

function parseValue(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase();
  if (spec.names && upper in spec.names) return spec.names[upper];
  if (!/^\d+$/.test(text)) {
    const hint = spec.names
      ? ` (use ${spec.min}-${spec.max} or ${Object.keys(spec.names).join(", ")})`
      : ` (use ${spec.min}-${spec.max})`;
    throw new QuartzError(`${spec.name} field: '${text}' is not a valid value${hint}`);
  }
  const n = Number(text);
  if (n < spec.min || n > spec.max) {
    throw new QuartzError(`${spec.name} field: ${n} is out of range ${spec.min}-${spec.max}`);
  }
  return n;
}

/** Month and day names contain L and W (JUL, WED); hide them before looking for the special characters. */
function withoutNames(upper: string, spec: FieldSpec): string {
  return upper.replace(/[A-Z]{3}/g, (m) => (spec.names && m in spec.names ? "0" : m));
}

function parseItem(item: string, spec: FieldSpec, index: number): void {
  if (item === "") throw new QuartzError(`${spec.name} field: empty list element`);
  const upper = item.toUpperCase();
  // Day-of-month specials.
  if (index === 3) {
    if (upper === "L" || upper === "LW") return;
    const lOffset = /^L-(\d+)$/.exec(upper);
    if (lOffset) {
      if (Number(lOffset[1]) > 30)
        throw new QuartzError(`day-of-month field: offset from last day must be 0-30, got ${lOffset[1]}`);
      return;
    }
    const w = /^(\d+)W$/.exec(upper);
    if (w) {
      parseValue(w[1], spec);
      return;
    }
    if (upper.includes("W"))
      throw new QuartzError(
        `day-of-month field: 'W' must follow a single day number (e.g. 15W), got '${item}'`,
      );
  }
  // Day-of-week specials.
  if (index === 5) {
    if (upper === "L") return;
    const last = /^([A-Z]{3}|\d)L$/.exec(upper);
    if (last) {
      parseValue(last[1], spec);
      return;
    }
    const nth = /^([A-Z]{3}|\d)#(\d+)$/.exec(upper);
    if (nth) {
      parseValue(nth[1], spec);
      const k = Number(nth[2]);
      if (k < 1 || k > 5) throw new QuartzError(`day-of-week field: the n in '#n' must be 1-5, got ${k}`);
      return;
    }
    if (upper.includes("#"))
      throw new QuartzError(`day-of-week field: '#' must be written day#n (e.g. MON#2), got '${item}'`);
  }
  if (/[LW#]/.test(withoutNames(upper, spec))) {
    const where = upper.includes("#")
      ? "'#' is only allowed in day-of-week"
      : "'L' and 'W' are only allowed in day-of-month and day-of-week";
    throw new QuartzError(`${spec.name} field: ${where}, got '${item}'`);
  }

  const [range, step, extra] = item.split("/");
  if (extra !== undefined) throw new QuartzError(`${spec.name} field: more than one '/' in '${item}'`);
  if (step !== undefined) {
    if (!/^\d+$/.test(step))
      throw new QuartzError(`${spec.name} field: step '${step}' in '${item}' is not a number`);
    const s = Number(step);
    const span = spec.max - spec.min + 1;
    if (s < 1 || s > span)
      throw new QuartzError(`${spec.name} field: step ${s} in '${item}' must be 1-${span}`);
  }
  if (range === "*") return;
  if (range === "")
    throw new QuartzError(`${spec.name} field: missing start before '/' in '${item}' (write */n or 0/n)`);
  const parts = range.split("-");
  if (parts.length > 2) throw new QuartzError(`${spec.name} field: malformed range '${range}'`);
  for (const p of parts) {
    if (p === "") throw new QuartzError(`${spec.name} field: malformed range '${range}'`);
    parseValue(p, spec);
  }
}

function parseField(text: string, index: number): void {
  const spec = FIELDS[index];
  if (text === "?") {
    if (index !== 3 && index !== 5)
      throw new QuartzError(`${spec.name} field: '?' is only allowed in day-of-month or day-of-week`);
    return;
  }
  if (text.includes("?")) throw new QuartzError(`${spec.name} field: '?' must stand alone, got '${text}'`);
  const items = text.split(",");
  if (items.length > 1 && items.some((i) => /[LW#]/.test(withoutNames(i.toUpperCase(), spec)))) {
    if (index === 3 || index === 5)
      throw new QuartzError(
        `${spec.name} field: 'L', 'W' and '#' cannot be combined with a list, got '${text}'`,
      );
  }
  for (const item of items) parseItem(item, spec, index);
}

/** Checks a Quartz cron expression; `reason` says exactly what is wrong. */
export function checkQuartzCron(expression: string): QuartzResult {
  if (typeof expression !== "string" || expression.trim() === "") {
    return { ok: false, reason: "the expression is empty" };
  }
  const fields = expression.trim().split(/\s+/);
  if (fields.length === 5) {
    const fromUnix = quartzOfUnix(fields);
    return {
      ok: false,
      reason:
        "it has 5 fields (Unix cron); Quartz needs 6 or 7: seconds minutes hours day-of-month month day-of-week [year]" +
        (fromUnix ? `; '${fields.join(" ")}' in Quartz is '${fromUnix}'` : ""),
      ...(fromUnix ? { fromUnix } : {}),
    };
  }
  if (fields.length < 6 || fields.length > 7) {
    return {
      ok: false,
      reason: `it has ${fields.length} fields; Quartz needs 6 or 7: seconds minutes hours day-of-month month day-of-week [year]`,
    };
  }
  try {
    fields.forEach((f, i) => parseField(f, i));
  } catch (error) {
    if (error instanceof QuartzError) return { ok: false, reason: error.message };
    throw error;
  }
  const dom = fields[3];
  const dow = fields[5];
  if (dom === "?" && dow === "?") {
    return {
      ok: false,
      reason: "both day-of-month and day-of-week are '?'; exactly one of them must be '?'",
    };
  }
  if (dom !== "?" && dow !== "?") {
    return {
      ok: false,
      reason: `neither day-of-month ('${dom}') nor day-of-week ('${dow}') is '?'; exactly one of them must be '?' (e.g. '${fields.slice(0, 3).join(" ")} ${dom === "*" ? "?" : dom} ${fields[4]} ${dom === "*" ? dow : "?"}')`,
    };
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------------------------------------------
// Quartz normalisation (INTERPRETATION.md §3)

const DOW_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** Canonical spelling of a Quartz expression so that equivalent spellings compare equal. */
export function normalizeQuartz(expression: string): string {
  const fields = expression.trim().toUpperCase().split(/\s+/);
  if (fields.length === 7 && (fields[6] === "*" || fields[6] === "?")) fields.pop();
  if (fields.length !== 6) return fields.join(" ");
  const [sec, min, hour, dom, month, dow] = fields;
  const numeric = (f: string): string =>
    f
      .split(",")
      .map((part) =>
        part
          .replace(/^\*\/(\d+)$/, "0/$1")
          .replace(/^0\/1$/, "*")
          .replace(/\d+/g, (n) => String(Number(n))),
      )
      .join(",");
  let d = dom === "?" ? "*" : numeric(dom);
  let w = dow === "?" ? "*" : normalizeDow(dow);
  if (d === "*" && w === "*") d = w = "*";
  return [numeric(sec), numeric(min), numeric(hour), d, normalizeMonth(month), w].join(" ");
}

function normalizeMonth(field: string): string {
  let f = field;
  MONTH_NAMES.forEach((name, i) => (f = f.replaceAll(name, String(i + 1))));
  return f === "0/1" || f === "*/1" ? "*" : f.replace(/\d+/g, (n) => String(Number(n)));
}

function normalizeDow(field: string): string {
  if (field === "*" || /[L#/]/.test(field)) return field;
  const toNum = (token: string): number => {
    const idx = DOW_NAMES.indexOf(token);
    return idx >= 0 ? idx + 1 : Number(token);
  };
  const days = new Set<number>();
  for (const part of field.split(",")) {
    const [a, b] = part.split("-");
    if (b === undefined) days.add(toNum(a));
    else for (let i = toNum(a); i <= toNum(b); i++) days.add(i);
  }
  if (days.size === 7) return "*";
  return [...days]
    .sort((x, y) => x - y)
    .map((n) => DOW_NAMES[n - 1] ?? String(n))
    .join(",");
}

/**
 * A Unix cron expression (minute hour day-of-month month day-of-week) as Quartz: a seconds field first, `?` in the
 * day field left open, and week days by name — Unix counts them from 0 = Sunday, Quartz from 1 = Sunday, so `1-5`
 * kept as it is would run Sunday to Thursday. undefined when the meaning does not carry over: both day fields
 * restricted (Unix runs when either matches, Quartz cannot say that), steps or `L`/`W`/`#` in the week days.
 */
/** The cron presets of crontab and Airflow (`@daily`, `schedule_interval="@weekly"`) in Quartz. */
const PRESETS: Record<string, string> = {
  "@hourly": "0 0 * * * ?",
  "@daily": "0 0 0 * * ?",
  "@midnight": "0 0 0 * * ?",
  "@weekly": "0 0 0 ? * SUN",
  "@monthly": "0 0 0 1 * ?",
  "@yearly": "0 0 0 1 1 ?",
  "@annually": "0 0 0 1 1 ?",
};

/**
 * The Quartz expression of a cron expression a person pastes: a Quartz one (6 or 7 fields) as it is, a Unix one
 * (5 fields: crontab, Kubernetes, Airflow) translated, a preset (`@daily`). `reason` when it means nothing Quartz
 * can say, or is not valid.
 */
export function quartzOfCron(expression: string): { quartz: string } | { reason: string } {
  const text = expression.trim();
  const preset = PRESETS[text.toLowerCase()];
  if (preset) return { quartz: preset };
  const fields = text.split(/\s+/);
  if (fields.length === 5) {
    const quartz = quartzOfUnix(fields);
    return quartz
      ? { quartz }
      : {
          reason: `the Unix cron expression '${text}' has no Quartz equivalent (both day fields restricted, or steps in the week days)`,
        };
  }
  const checked = checkQuartzCron(text);
  return checked.ok ? { quartz: fields.join(" ") } : { reason: checked.reason ?? "not a Quartz expression" };
}

function quartzOfUnix(fields: readonly string[]): string | undefined {
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  let quartz: string;
  if (dow === "*" || dow === "?") quartz = `0 ${minute} ${hour} ${dom === "?" ? "*" : dom} ${month} ?`;
  else {
    if (dom !== "*" && dom !== "?") return undefined;
    const day = (token: string): string | undefined => {
      if (/^[0-7]$/.test(token)) return DOW_NAMES[Number(token) % 7];
      return /^(SUN|MON|TUE|WED|THU|FRI|SAT)$/i.test(token) ? token.toUpperCase() : undefined;
    };
    const items = dow.split(",").map((item) => {
      const [from, to, ...rest] = item.split("-");
      if (rest.length > 0 || from === undefined) return undefined;
      const a = day(from);
      if (to === undefined) return a;
      const b = day(to);
      // A range must not wrap past Saturday in Quartz's count (Unix `5-7` is FRI-SUN).
      return a && b && (DAYS[a] as number) <= (DAYS[b] as number) ? `${a}-${b}` : undefined;
    });
    if (items.some((i) => i === undefined)) return undefined;
    quartz = `0 ${minute} ${hour} ? ${month} ${items.join(",")}`;
  }
  return checkQuartzCron(quartz).ok ? quartz : undefined;
}
