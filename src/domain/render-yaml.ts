/**
 * YAML presentation of a plan's job settings and field changes, for the plan comment (render.ts).
 *
 * - A created job's full settings: YAML in a collapsed `<details>` block. Never cut mid-value: a block either
 *   holds the whole settings or is left out (the caller says where the full plan is).
 * - An update's field changes grouped by where they sit (the job itself, `task <task_key>`, `job cluster <key>`),
 *   each entry old → new as YAML in a `diff` fence: `-` lines are the old value (a removal has only those), `+`
 *   lines the new one (an addition has only those), so removals and additions stay distinct.
 *
 * Values must already be redacted (render.ts does it). Fences are longer than any backtick run inside, so no value
 * can close them; inside a fence GitHub renders no HTML and sends no mentions. Pure: no I/O.
 */
import { stringify } from "yaml";
import type { FieldChange } from "./model.js";

/** YAML text of a value: block style, no line folding (long strings stay on one line), no anchors. */
export function toYaml(value: unknown): string {
  const text = stringify(value, { lineWidth: 0, indent: 2, aliasDuplicateObjects: false });
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

/** A fenced code block whose fence no line of `text` can close. */
export function fenced(text: string, lang: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

/** A created job's full settings as YAML, collapsed. */
export function settingsYamlBlock(settings: unknown, summary = "Full settings (YAML)"): string {
  const yaml = toYaml(settings);
  const lines = yaml.split("\n").filter(Boolean).length;
  return [
    `<details><summary>${summary} · ${lines} lines</summary>`,
    "",
    fenced(yaml, "yaml"),
    "",
    "</details>",
  ].join("\n");
}

export interface ChangeGroup {
  /** "job", "task <key>" or "job cluster <key>". */
  title: string;
  /** The whole entry was added / removed (a new or dropped task). */
  whole?: "added" | "removed";
  entries: Array<{ field: string; change: FieldChange }>;
}

const KEYED = /^(tasks|job_clusters|environments|parameters)\[(?:"((?:[^"\\]|\\.)*)"|([^\]]*))\]/;
const GROUP_TITLE: Record<string, string> = {
  tasks: "task",
  job_clusters: "job cluster",
  environments: "environment",
  parameters: "parameter",
};

/** `tasks[ingest].new_cluster.num_workers` → {group: "task ingest", field: "new_cluster.num_workers"}. */
export function splitPath(path: string): { group: string; field: string; whole: boolean } {
  const m = KEYED.exec(path);
  if (!m) return { group: "job", field: path, whole: false };
  const key = m[2] !== undefined ? (JSON.parse(`"${m[2]}"`) as string) : m[3];
  const rest = path.slice(m[0].length).replace(/^\./, "");
  return { group: `${GROUP_TITLE[m[1]]} ${key}`, field: rest, whole: rest === "" };
}

/** Field changes grouped by job / task_key / job cluster key, in first-seen order (job-level first). */
export function groupChanges(fields: readonly FieldChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of fields) {
    const { group, field, whole } = splitPath(change.path);
    let g = groups.get(group);
    if (!g) groups.set(group, (g = { title: group, entries: [] }));
    if (whole && change.kind !== "change") g.whole = change.kind === "add" ? "added" : "removed";
    g.entries.push({ field, change });
  }
  const all = [...groups.values()];
  return [...all.filter((g) => g.title === "job"), ...all.filter((g) => g.title !== "job")];
}

function prefixed(sign: "-" | "+", field: string, value: unknown): string[] {
  const yaml = field === "" ? toYaml(value) : toYaml({ [field]: value });
  return yaml
    .replace(/\n+$/, "")
    .split("\n")
    .map((line) => `${sign} ${line}`);
}

/** The diff lines of one entry: old value as `-`, new value as `+`. */
export function entryLines(field: string, change: FieldChange): string[] {
  const lines: string[] = [];
  if (change.kind !== "add") lines.push(...prefixed("-", field, change.before));
  if (change.kind !== "remove") lines.push(...prefixed("+", field, change.after));
  return lines;
}

function groupHeading(g: ChangeGroup): string {
  const counts = { add: 0, remove: 0, change: 0 };
  for (const e of g.entries) counts[e.change.kind]++;
  const what = g.whole
    ? g.whole
    : [
        counts.change ? `${counts.change} changed` : "",
        counts.add ? `${counts.add} added` : "",
        counts.remove ? `${counts.remove} removed` : "",
      ]
        .filter(Boolean)
        .join(", ");
  return `@@ ${g.title.replace(/[\r\n]/g, " ")} (${what}) @@`;
}

export interface FieldDiff {
  text: string;
  /** Entries shown / left out (whole entries only: a value is never cut). */
  shown: number;
  omitted: number;
}

/** The changed fields as a `diff` fence grouped per task_key; at most `limit` entries, whole ones only. */
export function fieldDiffBlock(fields: readonly FieldChange[], limit: number): FieldDiff {
  const out: string[] = [];
  let shown = 0;
  for (const g of groupChanges(fields)) {
    if (shown >= limit) break;
    out.push(groupHeading(g));
    for (const { field, change } of g.entries) {
      if (shown >= limit) break;
      out.push(...entryLines(field, change));
      shown++;
    }
  }
  return { text: out.length ? fenced(out.join("\n"), "diff") : "", shown, omitted: fields.length - shown };
}
