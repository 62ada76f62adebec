/**
 * How `jobagent import` writes a job as a requirement file: the settings normalised (no server defaults, no
 * output-only or ownership fields), inline secrets replaced by secret references, keys in a stable readable order,
 * a short deterministic prose summary, and `adopt: <job id>` so the next plan adopts exactly that job.
 */
import { stringify } from "yaml";
import type { JobSettings, WorkspaceJob } from "../../domain/model.js";
import { normalizeJobSettings } from "../../domain/normalize.js";
import { isObject as isPlainObject } from "../../domain/json.js";
import { findInlineSecrets } from "../../domain/secrets.js";
import { cronToWords } from "../../domain/cron-words.js";
import { BUNDLE_FIELDS, REPO_TAG, TASK_TAG } from "../../state/ownership.js";

type Obj = Record<string, unknown>;

/** Readable order of a job's keys (the rest follow alphabetically). Presentation only; the API ignores key order. */
const JOB_KEY_ORDER = [
  "name",
  "description",
  "tags",
  "schedule",
  "trigger",
  "continuous",
  "parameters",
  "git_source",
  "job_clusters",
  "environments",
  "tasks",
];
const TASK_KEY_ORDER = ["task_key", "description", "depends_on", "run_if"];
/** Task types whose `source` defaults to GIT with a git_source and WORKSPACE without (as normalize makes explicit). */
const SOURCED_TASKS = ["notebook_task", "spark_python_task", "dbt_task"];

export interface SecretReplacement {
  path: string;
  kind: string;
  reference: string;
  scope: string;
  key: string;
}

export interface ImportedJob {
  settings: JobSettings;
  secrets: SecretReplacement[];
  /** True when the job was deployed by a Databricks Asset Bundle. */
  bundle: boolean;
}

export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "")
      .slice(0, 60) || "job"
  );
}

function ordered(obj: Obj, first: string[]): Obj {
  const keys = Object.keys(obj);
  const head = first.filter((k) => keys.includes(k));
  const tail = keys.filter((k) => !first.includes(k)).sort();
  return Object.fromEntries([...head, ...tail].map((k) => [k, obj[k]]));
}

function dropDefaultSource(task: Obj, hasGit: boolean): void {
  for (const type of SOURCED_TASKS) {
    const t = task[type];
    if (isPlainObject(t) && t.source === (hasGit ? "GIT" : "WORKSPACE")) delete t.source;
  }
  const sql = task.sql_task;
  if (isPlainObject(sql) && isPlainObject(sql.file) && sql.file.source === (hasGit ? "GIT" : "WORKSPACE"))
    delete sql.file.source;
  if (isPlainObject(task.for_each_task) && isPlainObject(task.for_each_task.task))
    dropDefaultSource(task.for_each_task.task, hasGit);
}

/** Replaces every inline secret the secrets scanner finds with a `{{secrets/<scope>/<key>}}` reference. */
function replaceSecrets(settings: Obj, scope: string): SecretReplacement[] {
  const findings = findInlineSecrets(settings);
  const replacements: SecretReplacement[] = [];
  for (const f of findings) {
    const key = slug(
      f.path
        .split(/[.[\]]/)
        .filter(Boolean)
        .pop() ?? "secret",
    ).replace(/-/g, "_");
    const reference = `{{secrets/${scope}/${key}}}`;
    replaceIn(settings, f.secret, reference);
    replacements.push({ path: f.path, kind: f.kind, reference, scope, key });
  }
  return replacements;
}

function replaceIn(node: unknown, secret: string, reference: string): unknown {
  if (typeof node === "string") return node.split(secret).join(reference);
  if (Array.isArray(node)) {
    node.forEach((v, i) => (node[i] = replaceIn(v, secret, reference)));
    return node;
  }
  if (isPlainObject(node))
    for (const [k, v] of Object.entries(node)) node[k] = replaceIn(v, secret, reference);
  return node;
}

/** A workspace job → the settings a requirement writes (see the module comment). */
/**
 * The normaliser drops `num_workers: 0` as a server default (it is, on read-back), but a requirement must state a
 * cluster's size: put the read-back value back where a cluster has neither num_workers nor autoscale.
 */
function keepClusterSize(original: Obj, normalized: Obj): void {
  const clusters = (settings: Obj): Array<[string, Obj]> => {
    const out: Array<[string, Obj]> = [];
    for (const [list, key] of [
      ["job_clusters", "job_cluster_key"],
      ["tasks", "task_key"],
    ] as const)
      for (const entry of Array.isArray(settings[list]) ? settings[list] : [])
        if (isPlainObject(entry) && isPlainObject(entry.new_cluster))
          out.push([`${list}:${String(entry[key])}`, entry.new_cluster]);
    return out;
  };
  const before = new Map(clusters(original));
  for (const [id, cluster] of clusters(normalized)) {
    const source = before.get(id);
    if (
      source &&
      cluster.num_workers === undefined &&
      cluster.autoscale === undefined &&
      source.num_workers !== undefined
    )
      cluster.num_workers = source.num_workers;
  }
}

export function importedSettings(job: WorkspaceJob): ImportedJob {
  const bundle = (job.settings.deployment as Obj | undefined)?.kind === "BUNDLE";
  const opts = job.creator_user_name ? { creatorUserName: job.creator_user_name } : {};
  const s = normalizeJobSettings(job.settings, opts) as Obj;
  keepClusterSize(job.settings as Obj, s);
  for (const f of BUNDLE_FIELDS) delete s[f];
  if (isPlainObject(s.tags)) {
    delete s.tags[REPO_TAG];
    delete s.tags[TASK_TAG];
    if (Object.keys(s.tags).length === 0) delete s.tags;
  }
  const hasGit = isPlainObject(s.git_source);
  if (Array.isArray(s.tasks))
    s.tasks = s.tasks.map((t) => {
      if (!isPlainObject(t)) return t;
      dropDefaultSource(t, hasGit);
      return ordered(t, [
        ...TASK_KEY_ORDER,
        ...Object.keys(t)
          .filter((k) => k.endsWith("_task"))
          .sort(),
      ]);
    });
  const secrets = replaceSecrets(s, slug(String(s.name ?? `job-${job.job_id}`)));
  return { settings: ordered(s, JOB_KEY_ORDER) as JobSettings, secrets, bundle };
}

function taskWords(task: Obj): string {
  const type = Object.keys(task).find((k) => k.endsWith("_task") && isPlainObject(task[k]));
  const body = type ? (task[type] as Obj) : {};
  const what =
    ["notebook_path", "python_file", "pipeline_id", "job_id", "package_name", "main_class_name"]
      .map((k) => body[k])
      .find((v) => typeof v === "string" || typeof v === "number") ?? "";
  const deps = Array.isArray(task.depends_on)
    ? task.depends_on.map((d) => (isPlainObject(d) ? String(d.task_key) : "")).filter(Boolean)
    : [];
  const kind = type ? type.replace(/_task$/, "").replace(/_/g, " ") : "task";
  return `\`${String(task.task_key)}\` (${kind}${what !== "" ? ` ${String(what)}` : ""})${deps.length ? ` after ${deps.map((d) => `\`${d}\``).join(", ")}` : ""}`;
}

function whenWords(s: Obj): string {
  const sch = s.schedule;
  if (isPlainObject(sch) && typeof sch.quartz_cron_expression === "string") {
    const words = cronToWords(sch.quartz_cron_expression, sch.timezone_id as string | undefined);
    return `It runs on a schedule: ${words}${sch.pause_status === "PAUSED" ? " (paused)" : ""}.`;
  }
  if (isPlainObject(s.trigger)) {
    const kind = Object.keys(s.trigger).find((k) => k !== "pause_status") ?? "trigger";
    return `It is started by a ${kind.replace(/_/g, " ")} trigger.`;
  }
  if (s.continuous !== undefined) return "It runs continuously.";
  return "It has no schedule: it runs when started.";
}

/** The requirement file for one imported job. */
export function requirementText(job: WorkspaceJob, imported: ImportedJob): string {
  const s = imported.settings as Obj;
  const name = String(s.name ?? `job ${job.job_id}`);
  const tasks = Array.isArray(s.tasks) ? s.tasks.filter(isPlainObject) : [];
  const front = stringify(
    { title: `${name} (imported from job ${job.job_id})`, adopt: job.job_id, job: s },
    { lineWidth: 0 },
  );
  const lines = [
    `# ${name}`,
    "",
    `Imported from job ${job.job_id} by \`jobagent import\`; this file now defines the job and adopts it (\`adopt: ${job.job_id}\`).`,
    `${tasks.length} task(s): ${tasks.map(taskWords).join("; ") || "none"}.`,
    whenWords(s),
  ];
  if (imported.secrets.length > 0)
    lines.push(
      "",
      `Secrets replaced by references: ${imported.secrets.map((r) => `${r.path} → \`${r.reference}\``).join(", ")}.`,
    );
  return `---\n${front}---\n${lines.join("\n")}\n`;
}
