/**
 * Safety rails around whatever the model says. Pure.
 * - The requirement cannot widen what the Worker may touch: update / delete / run items must target a job the
 *   requirement names (by name or id, or singles out by a code path it runs, a tag only it carries or the words of its
 *   name in one sentence that fits no other job's name) or a job
 *   created by the same requirement; others are dropped and reported.
 * - A target name that fits several existing jobs becomes a question (never a guess).
 * - Structured fields in the requirement's front matter win over the model; conflicts are reported.
 */
import { escapeRegExp } from "../../domain/regexp.js";
import type { Diagnostic, Interpretation, JobSettings, WorkItem, WorkspaceJob } from "../../domain/model.js";
import type { RequirementDoc } from "../types.js";
import { isObject as isPlainObject } from "../../domain/json.js";
import { jobsNamedByWords } from "../job-reference.js";

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\s_\-`"'*]+/g, " ")
    .trim();
}

/** True when the requirement text names this target (exact name, or job id as a number on its own). */
function namedInRequirement(
  doc: RequirementDoc,
  name: string | undefined,
  jobId: number | undefined,
): boolean {
  const text = normalise(doc.text);
  if (name && normalise(name).length > 0 && text.includes(normalise(name))) return true;
  if (jobId !== undefined && new RegExp(`(^|[^0-9])${jobId}([^0-9]|$)`).test(doc.text)) return true;
  return false;
}

/** The code paths a job's tasks run (notebook, Python file, SQL file). */
function codePaths(job: WorkspaceJob): string[] {
  return (job.settings.tasks ?? []).flatMap((t) =>
    [
      (t.notebook_task as { notebook_path?: string } | undefined)?.notebook_path,
      (t.spark_python_task as { python_file?: string } | undefined)?.python_file,
      (t.sql_task as { file?: { path?: string } } | undefined)?.file?.path,
    ].filter((p): p is string => typeof p === "string" && p.length > 0),
  );
}

function tagWritten(text: string, key: string, value: string): boolean {
  return new RegExp(
    `(^|[^\\w-])${escapeRegExp(key)}\\s*[:=]\\s*\`?${escapeRegExp(value)}(?![\\w-])`,
    "i",
  ).test(text);
}

/**
 * True when the requirement singles the job out by what it runs or how it is tagged (INTERPRETATION.md: jobs are
 * resolved by name, id, tag or code path): a code path only this job runs, or a `key=value` tag only it carries.
 */
function describedInRequirement(
  doc: RequirementDoc,
  job: WorkspaceJob,
  existingJobs: WorkspaceJob[],
): boolean {
  const only = (fits: (j: WorkspaceJob) => boolean) => existingJobs.filter(fits).length === 1 && fits(job);
  for (const path of codePaths(job))
    if (doc.text.includes(path) && only((j) => codePaths(j).includes(path))) return true;
  for (const [key, value] of Object.entries(job.settings.tags ?? {})) {
    if (typeof value !== "string" || !value || !tagWritten(doc.text, key, value)) continue;
    if (only((j) => (j.settings.tags as Record<string, unknown> | undefined)?.[key] === value)) return true;
  }
  return false;
}

export interface GuardResult {
  items: WorkItem[];
  diagnostics: Diagnostic[];
}

/** Drops items that target jobs the requirement does not name; turns ambiguous targets into questions. */
export function guardTargets(
  items: WorkItem[],
  doc: RequirementDoc,
  existingJobs: WorkspaceJob[],
): GuardResult {
  const diagnostics: Diagnostic[] = [];
  const createdNames = new Set(
    items.filter((i) => i.action === "create" && i.settings?.name).map((i) => String(i.settings!.name)),
  );
  const createKeys = new Set(items.filter((i) => i.action === "create").map((i) => i.key));
  const kept: WorkItem[] = [];
  const dropped = new Set<string>();
  for (const item of items) {
    if (item.action === "create") {
      kept.push(item);
      continue;
    }
    const target = item.target ?? {};
    const byId =
      target.job_id !== undefined ? existingJobs.find((j) => j.job_id === target.job_id) : undefined;
    const name = target.name ?? byId?.settings.name;
    const targetsOwnCreate =
      (name !== undefined && createdNames.has(name) && target.job_id === undefined) ||
      (!item.target && (item.depends_on ?? []).some((d) => createKeys.has(d)));
    const named =
      targetsOwnCreate ||
      namedInRequirement(doc, target.name, target.job_id) ||
      (byId?.settings.name !== undefined && namedInRequirement(doc, byId.settings.name, undefined)) ||
      (byId !== undefined && describedInRequirement(doc, byId, existingJobs)) ||
      (byId !== undefined &&
        jobsNamedByWords(doc.text, existingJobs).some((n) => n.job.job_id === byId.job_id));
    if (!named && !(item.questions?.length && !item.target)) {
      dropped.add(item.key);
      const described = target.name
        ? `"${target.name}"`
        : target.job_id !== undefined
          ? `job ${target.job_id}`
          : "an unnamed job";
      diagnostics.push({
        severity: "warning",
        code: "llm.target-not-named",
        file: doc.file,
        path: `items[${item.key}].target`,
        value: item.target,
        message: `The model proposed to ${item.action} ${described}, which the requirement does not name; the item was dropped (a requirement cannot widen what the agent may touch).`,
        fix: `If this is intended, name the job explicitly in the requirement (e.g. "${item.action} the job named <exact name>").`,
      });
      continue;
    }
    if (target.job_id === undefined && target.name !== undefined && !targetsOwnCreate) {
      const matches = existingJobs.filter((j) => j.settings.name === target.name);
      if (matches.length > 1 && !item.questions?.length) {
        kept.push({
          ...item,
          questions: [
            `Several existing jobs are named "${target.name}" (ids ${matches.map((m) => m.job_id).join(", ")}). Which one should be ${item.action === "run" ? "run" : `${item.action}d`}? Give its job id in the requirement.`,
          ],
        });
        continue;
      }
      if (matches.length === 1) {
        kept.push({ ...item, target: { ...target, job_id: matches[0]!.job_id } });
        continue;
      }
      if (matches.length === 0 && !item.questions?.length) {
        kept.push({
          ...item,
          questions: [
            `No existing job is named "${target.name}". Which job is meant? Give its exact name or job id in the requirement.`,
          ],
        });
        continue;
      }
    }
    kept.push(item);
  }
  // Items that waited on a dropped item lose that dependency (it will never run).
  const items2 = kept.map((item) =>
    item.depends_on?.some((d) => dropped.has(d))
      ? { ...item, depends_on: item.depends_on.filter((d) => !dropped.has(d)) }
      : item,
  );
  return { items: items2, diagnostics };
}

// ---------------------------------------------------------------------------------------------------------------
// Structured fields win.

const KEYED_ARRAYS: Record<string, string> = {
  tasks: "task_key",
  job_clusters: "job_cluster_key",
  parameters: "name",
  environments: "environment_key",
};

function keyedEntries(value: unknown, keyField: string): Map<string, Record<string, unknown>> | undefined {
  if (!Array.isArray(value)) return undefined;
  const map = new Map<string, Record<string, unknown>>();
  for (const entry of value) {
    if (!isPlainObject(entry) || typeof entry[keyField] !== "string") return undefined;
    map.set(entry[keyField] as string, entry);
  }
  return map;
}

/** Deep merge where `structured` wins; every leaf both define differently is reported. */
function mergeWinning(
  llm: unknown,
  structured: unknown,
  path: string,
  conflicts: Array<{ path: string; llm: unknown; structured: unknown }>,
  arrayKey?: string,
): unknown {
  if (structured === undefined) return llm;
  if (llm === undefined) return structured;
  if (isPlainObject(llm) && isPlainObject(structured)) {
    const out: Record<string, unknown> = { ...llm };
    for (const [key, value] of Object.entries(structured)) {
      out[key] = mergeWinning(llm[key], value, path ? `${path}.${key}` : key, conflicts, KEYED_ARRAYS[key]);
    }
    return out;
  }
  if (arrayKey) {
    const a = keyedEntries(llm, arrayKey);
    const b = keyedEntries(structured, arrayKey);
    if (a && b) {
      const out: unknown[] = [];
      for (const [key, entry] of b) out.push(mergeWinning(a.get(key), entry, `${path}[${key}]`, conflicts));
      for (const [key, entry] of a) if (!b.has(key)) out.push(entry);
      return out;
    }
  }
  if (JSON.stringify(llm) !== JSON.stringify(structured)) conflicts.push({ path, llm, structured });
  return structured;
}

function itemName(item: WorkItem): string | undefined {
  return (item.settings?.name as string | undefined) ?? item.target?.name;
}

function findPartner(structured: WorkItem, candidates: WorkItem[]): WorkItem | undefined {
  return (
    candidates.find((c) => c.key === structured.key && c.action === structured.action) ??
    candidates.find(
      (c) =>
        c.action === structured.action && itemName(c) !== undefined && itemName(c) === itemName(structured),
    ) ??
    candidates.find(
      (c) =>
        c.action === structured.action &&
        structured.target?.job_id !== undefined &&
        c.target?.job_id === structured.target.job_id,
    ) ??
    (candidates.filter((c) => c.action === structured.action).length === 1
      ? candidates.find((c) => c.action === structured.action)
      : undefined)
  );
}

/**
 * Merges the LLM's interpretation with the structured one from the front matter. For each structured item its
 * fields win (settings, patch, target, run); the model may add fields the structure leaves open. Every field the
 * two set differently is reported as an `llm.conflict` warning. LLM items with no structured partner are kept.
 */
export function mergeWithStructured(
  llm: Interpretation,
  structured: Interpretation | undefined,
): Interpretation {
  if (!structured || structured.items.length === 0) return llm;
  const remaining = [...llm.items];
  const diagnostics: Diagnostic[] = [...structured.diagnostics, ...llm.diagnostics];
  const items: WorkItem[] = [];
  const renamed = new Map<string, string>();
  for (const s of structured.items) {
    const partner = findPartner(s, remaining);
    if (!partner) {
      items.push(s);
      continue;
    }
    remaining.splice(remaining.indexOf(partner), 1);
    if (partner.key !== s.key) renamed.set(partner.key, s.key);
    const conflicts: Array<{ path: string; llm: unknown; structured: unknown }> = [];
    const merged: WorkItem = { ...partner, ...s, key: s.key };
    if (s.settings || partner.settings)
      merged.settings = mergeWinning(partner.settings, s.settings, "settings", conflicts) as JobSettings;
    if (s.patch || partner.patch)
      merged.patch = mergeWinning(partner.patch, s.patch, "patch", conflicts) as WorkItem["patch"];
    if (s.target || partner.target)
      merged.target = mergeWinning(partner.target, s.target, "target", conflicts) as WorkItem["target"];
    if (s.run || partner.run)
      merged.run = mergeWinning(partner.run, s.run, "run", conflicts) as WorkItem["run"];
    if (!s.explanation && partner.explanation) merged.explanation = partner.explanation;
    if (!s.depends_on && partner.depends_on) merged.depends_on = partner.depends_on;
    if (s.priority === undefined && partner.priority !== undefined) merged.priority = partner.priority;
    const questions = [...(s.questions ?? []), ...(partner.questions ?? [])];
    if (questions.length) merged.questions = questions;
    else delete merged.questions;
    for (const c of conflicts) {
      diagnostics.push({
        severity: "warning",
        code: "llm.conflict",
        file: structured.requirement,
        path: c.path,
        value: c.structured,
        message: `The prose interpretation says ${JSON.stringify(c.llm)} for ${c.path}, but the structured front matter says ${JSON.stringify(c.structured)}; the structured value is used.`,
        fix: "Make the prose and the structured fields agree, or remove one of them.",
      });
    }
    items.push(merged);
  }
  items.push(...remaining);
  // Keys that changed name in the merge stay reachable from depends_on.
  const rewired = items.map((item) =>
    item.depends_on?.some((d) => renamed.has(d))
      ? { ...item, depends_on: item.depends_on.map((d) => renamed.get(d) ?? d) }
      : item,
  );
  return { requirement: structured.requirement, items: rewired, diagnostics, source: "llm" };
}
