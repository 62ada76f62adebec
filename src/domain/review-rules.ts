/**
 * The review-hint rule table (data): what a data engineer reviewing a job change looks for beyond the schema.
 * Each rule has a stable id (used in `jobagent.yml` `review: {blocking: [...], ignore: [...]}`), a short why, the
 * fix, and the Databricks documentation page that explains it. review-hints.ts evaluates them. Pure: no I/O.
 */

export interface ReviewRule {
  id: string;
  /** Short title (the link text). */
  title: string;
  /** Why a reviewer should care, in one sentence. */
  why: string;
  /** What to do about it. */
  fix: string;
  /** The Databricks documentation page for it. */
  docs: string;
}

const DOCS = "https://docs.databricks.com/aws/en";

export const REVIEW_RULES: readonly ReviewRule[] = [
  {
    id: "no-retries",
    title: "Configure and edit tasks: retries",
    why: "a task without retries fails the whole run on the first transient error (a network blip, a busy external system)",
    fix: "Set max_retries (and min_retry_interval_millis) on the task, e.g. `max_retries: 2`, `min_retry_interval_millis: 300000`.",
    docs: `${DOCS}/jobs/configure-task#retries`,
  },
  {
    id: "no-timeout",
    title: "Configure and edit tasks: timeout",
    why: "without a timeout a hung run keeps its compute (and the job's only concurrent-run slot) until someone cancels it",
    fix: "Set timeout_seconds on the job or on each task (e.g. twice the usual run time).",
    docs: `${DOCS}/jobs/configure-task`,
  },
  {
    id: "no-failure-notification",
    title: "Add email and system notifications for job events",
    why: "nobody hears about a failed run of a job without an on_failure notification",
    fix: "Add email_notifications.on_failure (or webhook_notifications.on_failure) on the job.",
    docs: `${DOCS}/jobs/job-notifications`,
  },
  {
    id: "runtime-unpinned",
    title: "Databricks Runtime release notes versions and compatibility",
    why: "an unpinned runtime (auto:latest…) moves to a new Databricks Runtime on its own, so a run can break without any change in the repository",
    fix: "Pin spark_version to a supported LTS runtime key such as `15.4.x-scala2.12`.",
    docs: `${DOCS}/release-notes/runtime/`,
  },
  {
    id: "runtime-end-of-support",
    title: "Databricks support lifecycles",
    why: "a runtime past its end-of-support date gets no fixes and may be removed from the API without notice",
    fix: "Move spark_version to a supported LTS runtime (see the support table).",
    docs: `${DOCS}/release-notes/runtime/databricks-runtime-ver`,
  },
  {
    id: "all-purpose-compute",
    title: "Configure compute for jobs",
    why: "a scheduled job on an all-purpose cluster (existing_cluster_id) is billed at the all-purpose rate, shares the cluster with interactive work and depends on it being up",
    fix: "Give the task a job cluster (job_clusters + job_cluster_key or new_cluster) or serverless compute instead of existing_cluster_id.",
    docs: `${DOCS}/jobs/compute`,
  },
  {
    id: "run-as-change",
    title: "Manage identities, permissions, and privileges for jobs",
    why: "the run_as identity decides what data every run can read and write",
    fix: "Check that the new identity is intended and has the grants the job needs (a service principal is recommended).",
    docs: `${DOCS}/jobs/privileges`,
  },
  {
    id: "permission-change",
    title: "Manage identities, permissions, and privileges for jobs",
    why: "job permissions decide who can run, change or delete the job",
    fix: "Check the new grants with the job's owners.",
    docs: `${DOCS}/jobs/privileges`,
  },
  {
    id: "schedule-timezone",
    title: "Run jobs on a schedule",
    why: "a schedule in another time zone than the team's runs at an unexpected local time and shifts with that zone's daylight saving",
    fix: "Use the team's time zone in schedule.timezone_id, or set `review.timezone` in jobagent.yml if the team default changed.",
    docs: `${DOCS}/jobs/scheduled`,
  },
  {
    id: "timezone-fixed-offset",
    title: "Run jobs on a schedule",
    why: "EST and MST are fixed offsets (UTC−5, UTC−7) all year: in summer the job runs an hour off the local clock of New York or Denver, which a region zone follows",
    fix: "Use the region zone (America/New_York for EST, America/Denver or America/Phoenix for MST), or an explicit Etc/GMT+5 if a fixed offset is meant.",
    docs: `${DOCS}/jobs/scheduled`,
  },
  {
    id: "cluster-cost",
    title: "Configure compute for jobs",
    why: "workers × node type is what a run costs; a reviewer should see the before → after",
    fix: "Check that the new size is intended (autoscale may be cheaper for uneven loads).",
    docs: `${DOCS}/jobs/compute`,
  },
  {
    id: "schedule-same-minute",
    title: "Run jobs on a schedule",
    why: "many jobs starting at the same minute compete for cluster start-up, cloud capacity and the same sources",
    fix: "Spread the start times (e.g. a few minutes apart).",
    docs: `${DOCS}/jobs/scheduled`,
  },
];

export const REVIEW_RULE_IDS: readonly string[] = REVIEW_RULES.map((r) => r.id);

export function reviewRule(id: string): ReviewRule | undefined {
  return REVIEW_RULES.find((r) => r.id === id);
}

/**
 * Databricks Runtime LTS releases with their end-of-support dates, from "Databricks Runtime release notes versions
 * and compatibility" (https://docs.databricks.com/aws/en/release-notes/runtime/, read 2026-12-06). Non-LTS GA
 * releases are supported for six months ("Databricks support lifecycles",
 * https://docs.databricks.com/aws/en/release-notes/runtime/databricks-runtime-ver). Update this table when a new
 * LTS release appears.
 */
export const RUNTIME_SUPPORT = {
  source: "https://docs.databricks.com/aws/en/release-notes/runtime/",
  read: "2026-12-06",
  nonLtsSupportMonths: 6,
  lts: [
    { version: "17.3", released: "2025-10-22", endOfSupport: "2028-10-22" },
    { version: "16.4", released: "2025-05-09", endOfSupport: "2028-05-09" },
    { version: "15.4", released: "2024-08-19", endOfSupport: "2027-08-19" },
    { version: "14.3", released: "2024-02-01", endOfSupport: "2027-02-01" },
    { version: "13.3", released: "2023-08-22", endOfSupport: "2026-08-22" },
    { version: "12.2", released: "2023-03-01", endOfSupport: "2026-03-01" },
    { version: "11.3", released: "2022-10-19", endOfSupport: "2025-10-19" },
    { version: "10.4", released: "2022-03-18", endOfSupport: "2025-03-18" },
    { version: "9.1", released: "2021-09-23", endOfSupport: "2024-09-23" },
  ],
} as const;
