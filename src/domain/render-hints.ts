/**
 * Review hints and documentation references in the plan's markdown (render.ts). A `see` entry written as
 * `label <https://…>` becomes a link; any other entry (a Retriever reference) is shown as text. Pure.
 */
import type { Diagnostic } from "./model.js";
import { escapeMarkdown, link } from "./render-escape.js";
import { hintRule } from "./review-hints.js";
import { reviewRule } from "./review-rules.js";

const LINKED = /^(.*?)\s*<(https?:\/\/[^\s<>]+)>$/;

/** Splits a `see` entry into its label and URL (undefined for a plain reference). */
export function seeEntry(entry: string): { label: string; url?: string } {
  const m = LINKED.exec(entry.trim());
  return m ? { label: m[1] || m[2], url: m[2] } : { label: entry };
}

/** `see` entries as markdown: links where a URL is known. */
export function seeText(see: readonly string[], separator = "; "): string {
  return see
    .map((entry) => {
      const { label, url } = seeEntry(entry);
      return url ? link(label, url) : escapeMarkdown(label);
    })
    .join(separator);
}

/** Is this diagnostic a review hint (code `review.<rule>`)? */
export function isHint(d: Diagnostic): boolean {
  return hintRule(d) !== undefined;
}

/** One job's review hints: rule id, what was found, why it matters, the fix and the documentation link. */
export function hintLines(hints: readonly Diagnostic[]): string[] {
  if (hints.length === 0) return [];
  const lines = hints.map((d) => {
    const id = hintRule(d) ?? d.code;
    const rule = reviewRule(id);
    const icon = d.severity === "error" ? "❌" : "💡";
    const blocking = d.severity === "error" ? " **(blocking)**" : "";
    const why = rule ? ` — ${escapeMarkdown(rule.why)}.` : ".";
    const see = d.see && d.see.length > 0 ? ` ${seeText(d.see)}` : "";
    return `- ${icon} <code>${escapeMarkdown(id)}</code>${blocking} ${escapeMarkdown(d.message)}${why} **Fix:** ${escapeMarkdown(d.fix)}${see}`;
  });
  return ["**Review hints:**", "", ...lines, ""];
}
