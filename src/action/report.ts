/**
 * What the action reports: grouped logs and annotations (@actions/core), outputs (GITHUB_OUTPUT) and the job
 * summary (GITHUB_STEP_SUMMARY). Everything passes through the redactor first, so no secret the action knows
 * can reach a log line, an annotation, an output or the summary.
 */
import * as core from "@actions/core";
import type { Diagnostic, Logger } from "../domain/model.js";
import { redact } from "../domain/secrets.js";

/**
 * Replaces every known secret, and anything shaped like a token, with *** (domain/secrets.ts). Secrets shorter than
 * 4 characters are ignored (they would mangle text).
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }
}

export interface ActionLogger extends Logger {
  /** An annotation on the requirement file and line (errors fail the check, warnings do not). */
  annotate(diagnostic: Diagnostic): void;
}

/** A Logger over @actions/core. Groups do not nest on GitHub: an inner group is logged as a heading instead. */
export function createCoreLogger(redactor: Redactor): ActionLogger {
  let depth = 0;
  const r = (message: string) => redactor.redact(message);
  return {
    info: (message) => core.info(r(message)),
    warn: (message) => core.warning(r(message)),
    error: (message) => core.error(r(message)),
    debug: (message) => core.debug(r(message)),
    async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
      if (depth > 0) {
        core.info(`— ${r(name)}`);
        return fn();
      }
      depth++;
      try {
        return await core.group(r(name), fn);
      } finally {
        depth--;
      }
    },
    annotate(d) {
      const links = (d.see ?? []).flatMap((e) => /<(https?:\/\/[^\s<>]+)>\s*$/.exec(e)?.[1] ?? []);
      const see = links.length > 0 ? ` See: ${links.join(" ")}` : "";
      const text = r(`${d.path ? `${d.path}: ` : ""}${d.message} Fix: ${d.fix}${see}`);
      const properties: core.AnnotationProperties = { title: `${d.code}`, file: d.file, startLine: d.line };
      if (d.severity === "error") core.error(text, properties);
      else core.warning(text, properties);
    },
  };
}

export const OUTPUT_NAMES = [
  "changes",
  "to-create",
  "to-update",
  "to-delete",
  "plan-hash",
  "plan-hashes",
  "target",
  "failure-reason",
] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

/** Outputs are set once each; every documented output is always set (empty when not applicable). */
export class Outputs {
  private readonly values = new Map<OutputName, string>();

  constructor(private readonly redactor: Redactor) {}

  set(name: OutputName, value: string | number | boolean): void {
    this.values.set(name, this.redactor.redact(String(value)));
  }

  get(name: OutputName): string | undefined {
    return this.values.get(name);
  }

  flush(): void {
    for (const name of OUTPUT_NAMES) core.setOutput(name, this.values.get(name) ?? "");
  }
}

/** GitHub drops a step's whole summary past 1 MiB, counted in bytes (UTF-8). Kept with room for the notice. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

/**
 * Cuts markdown to at most `maxBytes` UTF-8 bytes at a line boundary (never inside a character), closes an open
 * code fence and open `<details>` blocks, and appends `note`.
 */
export function cutMarkdownToBytes(text: string, maxBytes: number, note: string): string {
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const room = Math.max(0, maxBytes - Buffer.byteLength(note, "utf8") - 256);
  let cut = Buffer.from(text, "utf8").subarray(0, room).toString("utf8");
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1); // a character cut in half
  const lastNewline = cut.lastIndexOf("\n");
  if (lastNewline > 0) cut = cut.slice(0, lastNewline);
  let closing = "";
  let fence: string | undefined;
  for (const line of cut.split("\n")) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!m) continue;
    if (!fence) fence = m[1];
    else if (m[1][0] === fence[0] && m[1].length >= fence.length && m[2].trim() === "") fence = undefined;
  }
  if (fence) closing += `\n${fence}`;
  const outside = fence ? cut.slice(0, cut.lastIndexOf(fence)) : cut;
  const open = (outside.match(/<details[\s>]/g) ?? []).length - (outside.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < open; i++) closing += "\n\n</details>";
  return `${cut}${closing}\n\n${note}`;
}

/** The job summary, collected during the run and written once at the end (on failure too). */
export class JobSummary {
  private readonly sections: string[] = [];

  constructor(private readonly redactor: Redactor) {}

  add(markdown: string): void {
    this.sections.push(markdown);
  }

  get text(): string {
    return this.redactor.redact(this.sections.join("\n\n"));
  }

  async write(): Promise<void> {
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    const text = cutMarkdownToBytes(
      this.text,
      SUMMARY_LIMIT_BYTES,
      "**Summary cut at GitHub's 1 MiB job summary limit; the full plan is in the workflow log.**",
    );
    await core.summary.addRaw(text, true).write();
  }
}
