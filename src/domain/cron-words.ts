/**
 * Quartz cron expression + timezone → words, for reviewers ("At 06:00 AM, Monday through Friday (Europe/Berlin)").
 * Uses cronstrue, configured for Quartz: 6 or 7 fields (seconds first, optional year), `?` allowed, day-of-week
 * numbered 1 = Sunday … 7 = Saturday. Anything that is not a Quartz expression cronstrue can read comes back raw.
 * Pure: no I/O.
 */
import cronstrue from "cronstrue";

/** Words for a Quartz expression, or undefined when it cannot be read as Quartz (5-field unix cron included). */
export function quartzToWords(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length < 6 || fields.length > 7) return undefined;
  try {
    return cronstrue.toString(fields.join(" "), {
      dayOfWeekStartIndexZero: false,
      use24HourTimeFormat: false,
      throwExceptionOnParseError: true,
      verbose: false,
    });
  } catch {
    return undefined;
  }
}

/** "At 06:00 AM, Monday through Friday (Europe/Berlin)"; the raw expression (with the zone) when unreadable. */
export function cronToWords(expression: string, timezoneId?: string): string {
  const words = quartzToWords(expression) ?? expression.trim();
  const zone = timezoneId?.trim();
  return zone ? `${words} (${zone})` : words;
}

/** Words for a job's trigger block: schedule, continuous, file arrival, table update or periodic. */
export function triggerToWords(settings: Record<string, unknown>): string | undefined {
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const paused = (v: Record<string, unknown>): string => (v.pause_status === "PAUSED" ? " — paused" : "");
  const schedule = obj(settings.schedule);
  if (schedule && typeof schedule.quartz_cron_expression === "string") {
    const tz = typeof schedule.timezone_id === "string" ? schedule.timezone_id : undefined;
    return cronToWords(schedule.quartz_cron_expression, tz) + paused(schedule);
  }
  const continuous = obj(settings.continuous);
  if (continuous) return `Continuously (a new run starts when the previous one ends)${paused(continuous)}`;
  const trigger = obj(settings.trigger);
  if (trigger) {
    const fileArrival = obj(trigger.file_arrival);
    if (fileArrival) return `When files arrive in ${String(fileArrival.url ?? "?")}${paused(trigger)}`;
    const tableUpdate = obj(trigger.table_update);
    if (tableUpdate) {
      const names = Array.isArray(tableUpdate.table_names) ? tableUpdate.table_names.map(String) : [];
      const cond = tableUpdate.condition === "ALL_UPDATED" ? "all of" : "any of";
      return `When ${cond} these tables is updated: ${names.join(", ")}${paused(trigger)}`;
    }
    const periodic = obj(trigger.periodic);
    if (periodic) {
      const unit = String(periodic.unit ?? "").toLowerCase();
      return `Every ${String(periodic.interval ?? "?")} ${unit}${paused(trigger)}`;
    }
  }
  return undefined;
}
