/**
 * Test helpers: the real-world job corpus (read at runtime from ../shared/corpus/real-jobs; never copied into the
 * repo) and a by-hand model of the service's read-back defaults from ../shared/reference/databricks-jobs-api.md.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { JobSettings, JsonObject } from "../../src/domain/model.js";
import { seededRandom } from "../../src/dev/local-workspace/faults.js";

export const CORPUS_DIR = fileURLToPath(new URL("../../../shared/corpus/real-jobs", import.meta.url));
export const corpusPresent = existsSync(CORPUS_DIR);
if (!corpusPresent) {
  console.warn(
    `[skip] real-jobs corpus not found at ${CORPUS_DIR}: corpus tests are skipped (CI keeps ../shared beside the clone)`,
  );
}

export interface CorpusJob {
  file: string;
  settings: JobSettings;
  suspect: string[];
}

export function loadCorpus(): CorpusJob[] {
  if (!corpusPresent) return [];
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((file) => {
      const data = JSON.parse(readFileSync(`${CORPUS_DIR}/${file}`, "utf8")) as {
        settings: JobSettings;
        suspect: string[];
      };
      return { file, settings: data.settings, suspect: data.suspect };
    });
}

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === "object" && !Array.isArray(v);

export interface ReadBackOptions {
  creator?: string;
  /** Add the AWS cluster fill-ins (aws_attributes, data_security_mode) to clusters without them. */
  awsFillIns?: boolean;
}

function readBackCluster(cluster: unknown, options: ReadBackOptions): unknown {
  if (!isObj(cluster)) return cluster;
  const out: JsonObject = { ...cluster };
  delete out.apply_policy_default_values;
  if (options.awsFillIns) {
    out.aws_attributes ??= { availability: "SPOT_WITH_FALLBACK", zone_id: "us-west-2a" };
    out.data_security_mode ??= "SINGLE_USER";
  }
  return Object.fromEntries(Object.entries(out).reverse());
}

function readBackTask(task: unknown, hasGit: boolean, options: ReadBackOptions): unknown {
  if (!isObj(task)) return task;
  const out: JsonObject = { ...task };
  out.run_if ??= "ALL_SUCCESS";
  out.timeout_seconds ??= 0;
  out.email_notifications ??= {};
  for (const kind of ["notebook_task", "spark_python_task", "dbt_task"]) {
    const t = out[kind];
    if (isObj(t) && t.source === undefined) out[kind] = { ...t, source: hasGit ? "GIT" : "WORKSPACE" };
  }
  if (Array.isArray(out.depends_on)) {
    out.depends_on = [...out.depends_on].sort((a, b) =>
      String((a as JsonObject).task_key).localeCompare(String((b as JsonObject).task_key)),
    );
  }
  if (out.new_cluster !== undefined) out.new_cluster = readBackCluster(out.new_cluster, options);
  if (Array.isArray(out.libraries)) out.libraries = [...out.libraries].reverse();
  return Object.fromEntries(Object.entries(out).reverse());
}

/**
 * `settings` as jobs/get would show them after a 2.2 create: format, "Untitled", empty notification objects,
 * timeout 0, max_concurrent_runs 1, queue on, run_as = creator, schedule pause_status, per-task run_if / timeout /
 * email_notifications / source, sorted depends_on, cluster fill-ins; and every array the service may reorder
 * (tasks, job_clusters, parameters, environments, tags' keys) in a different order than written.
 */
export function readBack(settings: JobSettings, options: ReadBackOptions = {}): JobSettings {
  const s: JsonObject = structuredClone(settings);
  s.format = "MULTI_TASK";
  s.name ??= "Untitled";
  s.email_notifications ??= {};
  s.webhook_notifications ??= {};
  s.timeout_seconds ??= 0;
  s.max_concurrent_runs ??= 1;
  s.queue ??= { enabled: true };
  if (options.creator) s.run_as ??= { user_name: options.creator };
  if (isObj(s.schedule)) s.schedule.pause_status ??= "UNPAUSED";
  const hasGit = isObj(s.git_source);
  if (Array.isArray(s.tasks)) s.tasks = s.tasks.map((t) => readBackTask(t, hasGit, options)).reverse();
  if (Array.isArray(s.job_clusters)) {
    s.job_clusters = s.job_clusters
      .map((c) => (isObj(c) ? { ...c, new_cluster: readBackCluster(c.new_cluster, options) } : c))
      .reverse();
  }
  if (Array.isArray(s.parameters)) s.parameters = [...s.parameters].reverse();
  if (Array.isArray(s.environments)) s.environments = [...s.environments].reverse();
  if (isObj(s.tags)) s.tags = Object.fromEntries(Object.entries(s.tags).reverse());
  return Object.fromEntries(Object.entries(s).reverse()) as JobSettings;
}

/** Small seeded PRNG (mulberry32, shared with the local workspace's fault injection) for property-style tests. */
export const rng = seededRandom;
