/**
 * Provenance of an interpreted plan (issue #15): for every field the interpreter produced from a requirement's
 * prose, the words it came from and their line — `schedule.quartz_cron_expression ← 'every weekday at 7:30 PM'
 * (line 3)` — so a reviewer checks the interpretation in seconds. One formatter for the PR comment's
 * "Interpretation" section, the CLI plan text and `jobagent interpret`. Pure.
 */
import type { FieldSource } from "./model.js";
import { redact } from "./secrets.js";

/**
 * `field ← 'words' (line N)`, or `field ← (default chosen)` when no words gave it; token-looking words are redacted
 * like every other value in the plan.
 */
export function provenanceLine(source: FieldSource): string {
  const words = redact(source.words.replace(/\s+/g, " ").trim());
  // "(no time zone named: UTC)": a default the interpreter chose, not words of the requirement.
  const shown = /^\(.*\)$/.test(words) ? words : `'${words}'`;
  return `${source.field} ← ${shown}${source.line ? ` (line ${source.line})` : ""}`;
}

/**
 * The PR comment section: a self-contained block after a job's field changes. `escape` is the comment's
 * markdown escaper (render.ts), so quoted words cannot break the markup.
 */
export function provenanceMarkdown(
  sources: readonly FieldSource[] | undefined,
  escape: (text: string) => string,
): string[] {
  if (!sources?.length) return [];
  return [
    "**Interpretation** (each field ← the requirement's words it was read from):",
    "",
    ...sources.map((s) => `- ${escape(provenanceLine(s))}`),
    "",
  ];
}
