/**
 * Requirement sets used by the reliability and safety suites: realistic structured requirements (Jobs API 2.2 fields)
 * that pass validation against the local workspace's default seed (notebooks under /Shared/etl, node type i3.xlarge,
 * runtime 16.4.x-scala2.12).
 */
import { stringify } from "yaml";

export interface JobSpecOptions {
  name: string;
  schedule?: boolean;
  email?: boolean;
  workers?: number;
  tags?: Record<string, string>;
}

/** A two-task notebook job on a job cluster. */
export function jobSettings(options: JobSpecOptions): Record<string, unknown> {
  return {
    name: options.name,
    max_concurrent_runs: 1,
    job_clusters: [
      {
        job_cluster_key: "main",
        new_cluster: {
          spark_version: "16.4.x-scala2.12",
          node_type_id: "i3.xlarge",
          num_workers: options.workers ?? 2,
        },
      },
    ],
    tasks: [
      { task_key: "ingest", job_cluster_key: "main", notebook_task: { notebook_path: "/Shared/etl/ingest" } },
      {
        task_key: "transform",
        depends_on: [{ task_key: "ingest" }],
        job_cluster_key: "main",
        notebook_task: { notebook_path: "/Shared/etl/transform", base_parameters: { mode: "full" } },
      },
    ],
    ...(options.schedule
      ? {
          schedule: {
            quartz_cron_expression: "0 0 6 ? * MON-FRI",
            timezone_id: "Europe/Berlin",
            pause_status: "UNPAUSED",
          },
        }
      : {}),
    ...(options.email ? { email_notifications: { on_failure: ["data-eng@example.com"] } } : {}),
    tags: { team: "data-eng", ...(options.tags ?? {}) },
  };
}

/** A requirement file defining several jobs (`jobs:` map), optionally depending on other requirements' tasks. */
export function requirementFile(
  title: string,
  jobs: Record<string, Record<string, unknown>>,
  dependsOn?: string[],
  prose = "",
): string {
  const fm: Record<string, unknown> = { title, jobs };
  if (dependsOn?.length) fm.depends_on = dependsOn;
  return `---\n${stringify(fm)}---\n${prose || `${title}: jobs managed by the reliability suite.`}\n`;
}

/**
 * Twenty jobs in five requirement files with dependencies between them:
 *   core (a1..a4) ← stage2 (b1..b4, after core.a1 and core.a2) ← stage3 (c1..c4, after stage2.b1);
 *   reports (d1..d4, after core.a3); misc (e1..e4, independent).
 * Task ids are `<file>.<key>`, e.g. `stage2.b3`.
 */
export function twentyJobs(prefix = "Rel"): {
  files: Record<string, string>;
  taskIds: string[];
  names: Map<string, string>;
} {
  const groups: Array<{ file: string; letter: string; deps?: string[] }> = [
    { file: "core", letter: "a" },
    { file: "stage2", letter: "b", deps: ["core.a1", "core.a2"] },
    { file: "stage3", letter: "c", deps: ["stage2.b1"] },
    { file: "reports", letter: "d", deps: ["core.a3"] },
    { file: "misc", letter: "e" },
  ];
  const files: Record<string, string> = {};
  const taskIds: string[] = [];
  const names = new Map<string, string>();
  let n = 0;
  for (const group of groups) {
    const jobs: Record<string, Record<string, unknown>> = {};
    for (let i = 1; i <= 4; i++) {
      const key = `${group.letter}${i}`;
      const name = `${prefix} ${group.file} ${key}`;
      jobs[key] = jobSettings({ name, schedule: n % 3 === 0, email: n % 4 === 1, workers: 1 + (n % 4) });
      taskIds.push(`${group.file}.${key}`);
      names.set(`${group.file}.${key}`, name);
      n++;
    }
    files[`jobs/${group.file}.md`] = requirementFile(`${group.file} jobs`, jobs, group.deps);
  }
  return { files, taskIds, names };
}
