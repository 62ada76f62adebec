/**
 * Requirement-vs-plan consistency: the offline interpreter reads the requirement's words and every field the words
 * cover is compared with the spec that will be applied. Disagreements become warnings quoting the words and naming
 * the field. Also compares two interpretations of one requirement (LLM vs. offline interpreter). Pure.
 */
import { stripEnvelope } from "./envelope.js";
import { ANY_TASK, THE_TASK } from "./extractors.js";
import cronstrue from "cronstrue";
import type {
  Diagnostic,
  Interpretation,
  JobSettings,
  JsonObject,
  TaskSettings,
  WorkItem,
} from "../../domain/model.js";
import { normalizeQuartz } from "../../domain/quartz.js";
import type { RequirementDoc } from "../types.js";
import { dropNonRequirements, splitJobs } from "./decompose.js";
import { analyzeProseText } from "./interpret.js";
import { matchesOf, sliceProse, toProse, type Prose, type ProsePoint } from "./text.js";
import type { Reading, Step } from "./reading.js";
import { cronDisagreements, cronMeaning, periodicDisagreements, sameZone } from "./schedule-meaning.js";
import { resolveStepRef } from "./steps.js";
import { unusedNamedValues } from "./consistency-named.js";
import { stableJson } from "./update.js";
import { isObject } from "../../domain/json.js";

type Sched = { quartz_cron_expression?: string; timezone_id?: string; pause_status?: string };

export function describeCron(expression: string | undefined): string {
  if (!expression) return "no schedule";
  try {
    return cronstrue
      .toString(expression, { use24HourTimeFormat: true, verbose: false })
      .replace(/^At /, "at ");
  } catch {
    return `"${expression}"`;
  }
}

function taskPath(t: TaskSettings): string | undefined {
  return (
    (t.notebook_task as { notebook_path?: string } | undefined)?.notebook_path ??
    (t.spark_python_task as { python_file?: string } | undefined)?.python_file ??
    ((t.sql_task as { file?: { path?: string } } | undefined)?.file ?? {}).path
  );
}

class Findings {
  readonly out: Diagnostic[] = [];
  constructor(private readonly file: string) {}

  warn(
    field: string,
    words: string,
    line: number | undefined,
    found: string,
    path: string,
    value: unknown,
    fix: string,
  ): void {
    this.out.push({
      severity: "warning",
      code: `consistency.${field}`,
      file: this.file,
      ...(line !== undefined ? { line } : {}),
      path,
      value,
      message: `says "${words}"; ${found}`,
      fix,
    });
  }
}

export function checkConsistencyImpl(
  doc: RequirementDoc,
  item: WorkItem,
  desired: JobSettings,
): Diagnostic[] {
  if (item.action === "delete" || item.action === "run" || !doc.body.trim()) return [];
  const words = wordsAbout(doc, item, desired);
  // The structured block says what the item is (a job to create, or an update): the words are read as that.
  const intent = item.action === "update" ? "update" : "create";
  const { reading } = analyzeProseText(words, [], siblingNames(doc, item, desired), intent);
  const f = new Findings(doc.file);
  checkSchedule(f, reading, desired);
  checkTriggers(f, reading, desired);
  checkTasks(f, reading, desired);
  checkCompute(f, reading, desired);
  checkTaskSettings(f, reading, desired);
  checkJobSettings(f, reading, desired);
  // The accounting: a zone, time or recipient the words name that the spec does not use (once per value).
  for (const x of unusedNamedValues(words, desired)) {
    if (f.out.some((d) => d.message.includes(x.words))) continue;
    f.warn(x.field, x.words, x.line, x.found, x.path, x.value, x.fix);
  }
  return f.out;
}

// ---------------------------------------------------------------------------------------------------------------
// Which words are about this job: a requirement describing several jobs is compared part by part.

interface DeclaredJob {
  key: string;
  settings: JobSettings;
}

/** The jobs the requirement's structured block declares (job:, jobs: {key: …}, resources: {jobs: {key: …}}). */
function declaredJobs(doc: RequirementDoc): DeclaredJob[] {
  const fm = doc.frontMatter ?? {};
  const out: DeclaredJob[] = [];
  if (isObject(fm.job)) out.push({ key: "job", settings: fm.job as JobSettings });
  for (const map of [fm.jobs, isObject(fm.resources) ? fm.resources.jobs : undefined]) {
    if (isObject(map))
      for (const [key, settings] of Object.entries(map))
        if (isObject(settings)) out.push({ key, settings: settings as JobSettings });
  }
  return out;
}

function isThisJob(job: DeclaredJob, item: WorkItem, desired: JobSettings): boolean {
  return (desired.name !== undefined && job.settings.name === desired.name) || job.key === item.key;
}

function siblingNames(doc: RequirementDoc, item: WorkItem, desired: JobSettings): string[] {
  const jobs = declaredJobs(doc);
  if (jobs.length < 2) return [];
  return jobs.filter((j) => !isThisJob(j, item, desired)).map((j) => j.settings.name ?? j.key);
}

/** Generic words that name no job in particular. */
const GENERIC = new Set([
  "job",
  "jobs",
  "the",
  "and",
  "for",
  "task",
  "tasks",
  "run",
  "runs",
  "main",
  "notebook",
  "notebooks",
  "workspace",
  "shared",
  "users",
  "repos",
  "files",
  "scripts",
  "src",
  "etl",
  "ops",
  "new",
  "old",
  "prod",
  "dev",
  "data",
]);

/** Words that identify a job: its name, key, task keys and code file names, in lower case (at least 3 letters). */
function identifyingTokens(job: JobSettings, key: string): Set<string> {
  const sources = [
    job.name ?? "",
    key,
    ...(job.tasks ?? []).flatMap((t) => [t.task_key, taskPath(t) ?? ""].map((x) => x.split("/").pop() ?? "")),
  ];
  const tokens = new Set<string>();
  for (const source of sources) {
    for (const token of source
      .replace(/\.[A-Za-z0-9]+$/, "")
      .toLowerCase()
      .split(/[^a-z0-9]+/)) {
      if (token.length >= 3 && !GENERIC.has(token) && !/^\d+$/.test(token))
        tokens.add(token.replace(/(?:ly|s)$/, ""));
    }
  }
  return tokens;
}

/** Clauses of the prose (sentences and ";"-separated parts), as points for sliceProse. */
function clauseRanges(prose: Prose): Array<{ from: ProsePoint; to: ProsePoint; text: string }> {
  const out: Array<{ from: ProsePoint; to: ProsePoint; text: string }> = [];
  prose.lines.forEach((l, lineIndex) => {
    for (const m of matchesOf(/[^.!?;]+(?:[.!?;]+(?=\s|$)|$)/g, l.text)) {
      if (!m[0].trim()) continue;
      out.push({
        from: { lineIndex, offset: m.index },
        to: { lineIndex, offset: m.index + m[0].length },
        text: m[0],
      });
    }
  });
  return out;
}

/** A clause carrying on the one before ("It also …", "Then …"): about the same job. */
const CARRIES_ON = /^\s*(?:it|its|it's|this|that|then|and|also|which|there|afterwards)\b/i;

/**
 * The words about this job. One job: the whole prose. Several (jobs: map, or prose introducing jobs by name):
 * each clause goes to the job whose name, key, task keys or code it names ("roll up logs" → ops-log-rollup); a
 * clause naming none of them is about every job, unless it carries on the one before.
 */
function wordsAbout(doc: RequirementDoc, item: WorkItem, desired: JobSettings): Prose {
  const { prose } = dropNonRequirements(toProse(stripEnvelope(doc.body), doc.bodyLine));
  const parts = splitJobs(prose, []);
  const named = parts.length > 1 ? parts.find((p) => p.name === desired.name) : undefined;
  if (named) return named.prose;
  const jobs = declaredJobs(doc);
  const self = jobs.find((j) => isThisJob(j, item, desired));
  if (jobs.length < 2 || !self) return parts.length > 1 ? parts[0].prose : prose;
  const tokens = jobs.map((j) => identifyingTokens(j.settings, j.key));
  // A word every job shares (a common prefix "ops-…") tells them apart no better than none.
  const distinct = tokens.map(
    (set) => new Set([...set].filter((t) => !tokens.every((other) => other.has(t)))),
  );
  const selfIndex = jobs.indexOf(self);
  const keep: Array<{ from: ProsePoint; to: ProsePoint }> = [];
  let previous: number | undefined;
  for (const clause of clauseRanges(prose)) {
    const compact = clause.text.toLowerCase().replace(/[^a-z0-9]+/g, "");
    const scores = distinct.map((set) => [...set].filter((t) => compact.includes(t)).length);
    const best = Math.max(...scores);
    let owner: number | undefined;
    if (best > 0 && scores.filter((x) => x === best).length === 1) owner = scores.indexOf(best);
    else if (best === 0 && CARRIES_ON.test(clause.text)) owner = previous;
    previous = owner;
    if (owner === undefined || owner === selfIndex) keep.push(clause);
  }
  const lines = keep.flatMap((c) => sliceProse(prose, c.from, c.to).lines);
  return { lines, text: lines.map((l) => l.text).join("\n") };
}

// ---------------------------------------------------------------------------------------------------------------
// Quoting

/**
 * The words to quote for several sourced parts: the stretch of the sentence they span when they sit close
 * together ("every night at 04:00 UTC", not "every night night at 04:00 UTC UTC"), else the distinct words in order.
 */
function quoteWords(prose: Prose, parts: Array<{ words: string; line?: number } | undefined>): string {
  const found: Array<{ lineIndex: number; from: number; to: number; words: string }> = [];
  for (const p of parts) {
    if (!p?.words) continue;
    const lineIndex = prose.lines.findIndex(
      (l) =>
        (p.line === undefined || l.starts.some((s) => s.line === p.line) || l.line === p.line) &&
        l.text.includes(p.words),
    );
    const at = lineIndex >= 0 ? prose.lines[lineIndex].text.indexOf(p.words) : -1;
    found.push(
      at >= 0
        ? { lineIndex, from: at, to: at + p.words.length, words: p.words }
        : { lineIndex: Infinity, from: 0, to: 0, words: p.words },
    );
  }
  found.sort((a, b) => a.lineIndex - b.lineIndex || a.from - b.from);
  const pieces: string[] = [];
  let last: (typeof found)[number] | undefined;
  for (const x of found) {
    const text = Number.isFinite(x.lineIndex) ? prose.lines[x.lineIndex].text : undefined;
    if (last && text !== undefined && x.lineIndex === last.lineIndex && x.from - last.to <= 12) {
      // Overlapping or a few words apart: one stretch of the sentence.
      last.to = Math.max(last.to, x.to);
      pieces[pieces.length - 1] = text.slice(last.from, last.to);
      continue;
    }
    if (pieces.some((p) => p.toLowerCase().includes(x.words.toLowerCase()))) continue;
    pieces.push(x.words);
    last = text !== undefined ? { ...x } : undefined;
  }
  return pieces
    .join(" … ")
    .replace(/\s+/g, " ")
    .replace(/[\s,;:]+$/, "")
    .trim();
}

// ---------------------------------------------------------------------------------------------------------------

function checkSchedule(f: Findings, r: Reading, desired: JobSettings): void {
  const s = r.schedule;
  const sched = desired.schedule as Sched | undefined;
  const periodic = (desired.trigger as { periodic?: { interval?: number; unit?: string } } | undefined)
    ?.periodic;
  const where = (x: Sched | undefined): string =>
    x?.quartz_cron_expression
      ? `the cron is ${describeCron(x.quartz_cron_expression)} ${x.timezone_id ?? "UTC"} (schedule.quartz_cron_expression "${x.quartz_cron_expression}", schedule.timezone_id "${x.timezone_id ?? ""}")`
      : "the job has no schedule";
  const words = quoteWords(r.prose, [s.frequency, s.time, s.zone]);
  const line = (s.frequency ?? s.time ?? s.zone)?.line;
  if (s.remove) {
    if (sched)
      f.warn(
        "schedule",
        s.remove.words,
        s.remove.line,
        where(sched),
        "schedule",
        sched,
        "Remove the schedule from the spec, or correct the requirement.",
      );
    return;
  }
  if (!s.frequency && !s.time && !s.zone) return;
  if (!sched?.quartz_cron_expression) {
    if (periodic && (s.frequency || s.time)) {
      const differ = periodicDisagreements(s.frequency?.value, s.time?.value, periodic);
      if (differ.length) {
        f.warn(
          "trigger",
          quoteWords(r.prose, [s.frequency, s.time]),
          line,
          `the job has a periodic trigger every ${periodic.interval ?? "?"} ${String(periodic.unit ?? "").toLowerCase()} (trigger.periodic; differs in: ${differ.join(", ")})`,
          "trigger.periodic",
          periodic,
          "Make the trigger say what the requirement says (a cron schedule for days or a clock time), or correct the requirement.",
        );
      }
      return;
    }
    if (s.frequency || (s.time && !s.pause)) {
      if (desired.trigger || desired.continuous) return; // reported by the trigger check
      f.warn(
        "schedule",
        words,
        line,
        "the job has no schedule",
        "schedule",
        undefined,
        "Add the schedule the requirement describes, or correct the requirement.",
      );
    }
    return;
  }
  const cron = cronMeaning(sched.quartz_cron_expression);
  const differ = cron ? cronDisagreements(s.frequency?.value, s.time?.value, cron) : [];
  if (!cron && (s.frequency || s.time)) differ.push("how often");
  if (s.zone && !sameZone(s.zone.value, s.zone.words, sched.timezone_id ?? "UTC")) differ.push("time zone");
  if (differ.length) {
    const onlyZone = differ.length === 1 && differ[0] === "time zone";
    f.warn(
      "schedule",
      words,
      line,
      `${where(sched)}; they differ in: ${differ.join(", ")}`,
      onlyZone ? "schedule.timezone_id" : "schedule.quartz_cron_expression",
      sched,
      onlyZone
        ? `Set schedule.timezone_id to "${s.zone!.value}", or correct the requirement.`
        : "Make the schedule (cron and time zone) say what the requirement says, or correct the requirement.",
    );
  }
  if (s.pause && (sched.pause_status ?? "UNPAUSED") !== s.pause.value) {
    f.warn(
      "schedule.pause_status",
      s.pause.words,
      s.pause.line,
      `schedule.pause_status is "${sched.pause_status ?? "UNPAUSED"}"`,
      "schedule.pause_status",
      sched.pause_status,
      `Set schedule.pause_status to "${s.pause.value}".`,
    );
  }
}

function checkTriggers(f: Findings, r: Reading, desired: JobSettings): void {
  const trigger = desired.trigger as
    { file_arrival?: { url?: string }; table_update?: { table_names?: string[] } } | undefined;
  const kind = desired.continuous
    ? "continuous"
    : trigger?.file_arrival
      ? "a file-arrival trigger"
      : trigger?.table_update
        ? "a table-update trigger"
        : desired.schedule
          ? "a schedule"
          : "no trigger (manual runs only)";
  if (r.fileArrival && trigger?.file_arrival?.url !== r.fileArrival.value) {
    f.warn(
      "trigger",
      r.fileArrival.words,
      r.fileArrival.line,
      trigger?.file_arrival
        ? `trigger.file_arrival.url is "${trigger.file_arrival.url}"`
        : `the job has ${kind}`,
      "trigger.file_arrival.url",
      trigger?.file_arrival?.url,
      `Set trigger.file_arrival.url to "${r.fileArrival.value}".`,
    );
  }
  if (r.tableUpdate) {
    const names = trigger?.table_update?.table_names ?? [];
    if (stableJson([...names].sort()) !== stableJson([...r.tableUpdate.value].sort())) {
      f.warn(
        "trigger",
        r.tableUpdate.words,
        r.tableUpdate.line,
        trigger?.table_update
          ? `trigger.table_update.table_names is ${JSON.stringify(names)}`
          : `the job has ${kind}`,
        "trigger.table_update.table_names",
        names,
        `Set trigger.table_update.table_names to ${JSON.stringify(r.tableUpdate.value)}.`,
      );
    }
  }
  if (r.continuous && !desired.continuous) {
    f.warn(
      "continuous",
      r.continuous.words,
      r.continuous.line,
      `the job has ${kind}`,
      "continuous",
      undefined,
      'Set continuous: {pause_status: "UNPAUSED"} (and no schedule or trigger).',
    );
  }
}

/** Edges the words state between code paths: [from path, to path, words, line]. */
function statedEdges(r: Reading): Array<{ from: Step; to: Step; words: string; line?: number }> {
  const edges: Array<{ from: Step; to: Step; words: string; line?: number }> = [];
  r.steps.forEach((step, i) => {
    const found: Step[] = [];
    for (const a of step.after) {
      const key = resolveStepRef(a.value, r.steps);
      const dep = r.steps.find((s) => s.key === key);
      if (dep && dep !== step) {
        found.push(dep);
        edges.push({ from: dep, to: step, words: a.words, line: a.line });
      }
    }
    if (!found.length && i > 0 && (step.afterPrevious || r.sequential)) {
      const src = step.afterPrevious ?? r.sequential!;
      edges.push({ from: r.steps[i - 1], to: step, words: src.words, line: src.line });
    }
  });
  return edges;
}

function checkTasks(f: Findings, r: Reading, desired: JobSettings): void {
  const tasks = desired.tasks ?? [];
  const byPath = new Map<string, TaskSettings>();
  for (const t of tasks) {
    const p = taskPath(t);
    if (p) byPath.set(p, t);
  }
  for (const step of r.steps) {
    if (!step.path) continue;
    if (!byPath.has(step.path)) {
      f.warn(
        "tasks",
        step.words,
        step.line,
        `no task runs ${step.path} (tasks: ${tasks.map((t) => `${t.task_key} → ${taskPath(t) ?? "?"}`).join(", ") || "none"})`,
        "tasks",
        tasks.map((t) => t.task_key),
        `Add a task running ${step.path}, or correct the requirement.`,
      );
    }
  }
  for (const e of statedEdges(r)) {
    if (!e.from.path || !e.to.path) continue;
    const to = byPath.get(e.to.path);
    const from = byPath.get(e.from.path);
    if (!to || !from) continue;
    if (!(to.depends_on ?? []).some((d) => d.task_key === from.task_key)) {
      f.warn(
        "depends_on",
        e.words,
        e.line,
        `task ${to.task_key} does not wait for ${from.task_key} (tasks[${to.task_key}].depends_on ${JSON.stringify((to.depends_on ?? []).map((d) => d.task_key))})`,
        `tasks[${to.task_key}].depends_on`,
        to.depends_on ?? [],
        `Add {task_key: "${from.task_key}"} to tasks[${to.task_key}].depends_on.`,
      );
    }
  }
}

function clusters(desired: JobSettings): JsonObject[] {
  const out: JsonObject[] = (desired.job_clusters ?? []).map((c) => c.new_cluster);
  for (const t of desired.tasks ?? []) if (t.new_cluster) out.push(t.new_cluster as JsonObject);
  return out;
}

function checkCompute(f: Findings, r: Reading, desired: JobSettings): void {
  const tasks = desired.tasks ?? [];
  const cl = clusters(desired);
  if (r.serverless) {
    const classic = tasks.filter((t) => t.new_cluster || t.existing_cluster_id || t.job_cluster_key);
    if (classic.length || (desired.job_clusters ?? []).length) {
      f.warn(
        "compute",
        r.serverless.words,
        r.serverless.line,
        `task(s) ${classic.map((t) => t.task_key).join(", ") || "(none)"} run on classic compute (job_clusters / new_cluster / existing_cluster_id)`,
        "job_clusters",
        desired.job_clusters,
        "Remove the cluster fields so the tasks run serverless, or correct the requirement.",
      );
    }
    return;
  }
  const c = r.cluster;
  const compare = (
    field: string,
    ask: { value: unknown; words: string; line?: number } | undefined,
    get: (x: JsonObject) => unknown,
  ): void => {
    if (!ask) return;
    const values = cl.map(get);
    if (!values.some((v) => stableJson(v) === stableJson(ask.value))) {
      f.warn(
        `new_cluster.${field}`,
        ask.words,
        ask.line,
        cl.length
          ? `the cluster has ${field} ${values.map((v) => JSON.stringify(v)).join(", ")} (new_cluster.${field})`
          : "the job has no job cluster",
        `job_clusters[].new_cluster.${field}`,
        values,
        `Set new_cluster.${field} to ${JSON.stringify(ask.value)}.`,
      );
    }
  };
  compare("num_workers", c.numWorkers, (x) => x.num_workers);
  compare("autoscale", c.autoscale, (x) => x.autoscale);
  compare("node_type_id", c.nodeType, (x) => x.node_type_id);
  compare("spark_version", c.sparkVersion, (x) => x.spark_version);
  if (r.existingClusterId && !tasks.some((t) => t.existing_cluster_id === r.existingClusterId!.value)) {
    f.warn(
      "existing_cluster_id",
      r.existingClusterId.words,
      r.existingClusterId.line,
      `no task runs on it (tasks[].existing_cluster_id ${JSON.stringify(tasks.map((t) => t.existing_cluster_id ?? null))})`,
      "tasks[].existing_cluster_id",
      undefined,
      `Set existing_cluster_id "${r.existingClusterId.value}" on the tasks.`,
    );
  }
}

function namedTasks(tasks: TaskSettings[], name: string | undefined): TaskSettings[] {
  if (!name || name === ANY_TASK || name === THE_TASK)
    return tasks.filter(
      (t) =>
        t.notebook_task ||
        t.spark_python_task ||
        t.python_wheel_task ||
        t.spark_jar_task ||
        t.dbt_task ||
        t.sql_task ||
        t.pipeline_task ||
        t.run_job_task,
    );
  const key = name.toLowerCase().replace(/[^a-z0-9]+/g, "_");
  return tasks.filter((t) => t.task_key === name || t.task_key === key);
}

function checkTaskSettings(f: Findings, r: Reading, desired: JobSettings): void {
  const tasks = desired.tasks ?? [];
  if (r.retries) {
    const wrong = namedTasks(tasks, r.retries.task).filter((t) => t.max_retries !== r.retries!.value);
    if (wrong.length) {
      f.warn(
        "max_retries",
        r.retries.words,
        r.retries.line,
        wrong
          .map((t) => `tasks[${t.task_key}].max_retries is ${JSON.stringify(t.max_retries ?? null)}`)
          .join(", "),
        `tasks[${wrong[0].task_key}].max_retries`,
        wrong[0].max_retries,
        `Set max_retries: ${r.retries.value} on ${r.retries.task ? `task ${r.retries.task}` : "every task"}.`,
      );
    }
  }
  if (r.retryIntervalMs) {
    const wrong = tasks.filter(
      (t) => t.max_retries !== undefined && t.min_retry_interval_millis !== r.retryIntervalMs!.value,
    );
    if (wrong.length)
      f.warn(
        "min_retry_interval_millis",
        r.retryIntervalMs.words,
        r.retryIntervalMs.line,
        wrong
          .map(
            (t) =>
              `tasks[${t.task_key}].min_retry_interval_millis is ${JSON.stringify(t.min_retry_interval_millis ?? null)}`,
          )
          .join(", "),
        `tasks[${wrong[0].task_key}].min_retry_interval_millis`,
        wrong[0].min_retry_interval_millis,
        `Set min_retry_interval_millis: ${r.retryIntervalMs.value}.`,
      );
  }
  if (r.timeout) {
    if (r.timeout.task) {
      const t = namedTasks(tasks, r.timeout.task)[0];
      if (t && t.timeout_seconds !== r.timeout.value)
        f.warn(
          "timeout_seconds",
          r.timeout.words,
          r.timeout.line,
          `tasks[${t.task_key}].timeout_seconds is ${JSON.stringify(t.timeout_seconds ?? null)}`,
          `tasks[${t.task_key}].timeout_seconds`,
          t.timeout_seconds,
          `Set tasks[${t.task_key}].timeout_seconds to ${r.timeout.value}.`,
        );
    } else if (desired.timeout_seconds !== r.timeout.value) {
      f.warn(
        "timeout_seconds",
        r.timeout.words,
        r.timeout.line,
        `timeout_seconds is ${JSON.stringify(desired.timeout_seconds ?? null)}`,
        "timeout_seconds",
        desired.timeout_seconds,
        `Set timeout_seconds to ${r.timeout.value}.`,
      );
    }
  }
}

function checkJobSettings(f: Findings, r: Reading, desired: JobSettings): void {
  const email = (desired.email_notifications ?? {}) as Record<string, string[]>;
  for (const e of r.emails) {
    if (!(email[e.event] ?? []).includes(e.value)) {
      f.warn(
        "email_notifications",
        e.words,
        e.line,
        `email_notifications.${e.event} is ${JSON.stringify(email[e.event] ?? [])}`,
        `email_notifications.${e.event}`,
        email[e.event] ?? [],
        `Add ${e.value} to email_notifications.${e.event}.`,
      );
    }
  }
  if (r.durationWarning) {
    const rule = ((desired.health as { rules?: JsonObject[] } | undefined)?.rules ?? []).find(
      (x) => x.metric === "RUN_DURATION_SECONDS",
    );
    if (rule?.value !== r.durationWarning.value)
      f.warn(
        "health",
        r.durationWarning.words,
        r.durationWarning.line,
        rule
          ? `health RUN_DURATION_SECONDS is ${JSON.stringify(rule.value)}`
          : "the job has no run-duration health rule",
        "health.rules",
        rule,
        `Add health.rules [{metric: RUN_DURATION_SECONDS, op: GREATER_THAN, value: ${r.durationWarning.value}}].`,
      );
  }
  const tags = (desired.tags ?? {}) as Record<string, string>;
  for (const t of r.tags) {
    if (tags[t.key] !== t.value)
      f.warn(
        "tags",
        t.words,
        t.line,
        `tags.${t.key} is ${JSON.stringify(tags[t.key] ?? null)}`,
        `tags.${t.key}`,
        tags[t.key],
        `Set tags.${t.key} to "${t.value}".`,
      );
  }
  const params = (desired.parameters ?? []) as Array<{ name: string; default: unknown }>;
  for (const p of r.jobParameters) {
    const got = params.find((x) => x.name === p.name);
    if (got?.default !== p.value)
      f.warn(
        "parameters",
        p.words,
        p.line,
        got
          ? `parameters[${p.name}].default is ${JSON.stringify(got.default)}`
          : `the job has no parameter ${p.name}`,
        `parameters[${p.name}]`,
        got?.default,
        `Set parameter ${p.name} with default "${p.value}".`,
      );
  }
  if (r.maxConcurrentRuns && (desired.max_concurrent_runs ?? 1) !== r.maxConcurrentRuns.value) {
    f.warn(
      "max_concurrent_runs",
      r.maxConcurrentRuns.words,
      r.maxConcurrentRuns.line,
      `max_concurrent_runs is ${JSON.stringify(desired.max_concurrent_runs ?? 1)}`,
      "max_concurrent_runs",
      desired.max_concurrent_runs,
      `Set max_concurrent_runs to ${r.maxConcurrentRuns.value}.`,
    );
  }
  const queue = desired.queue as { enabled?: boolean } | undefined;
  if (r.queue && queue?.enabled !== r.queue.value) {
    f.warn(
      "queue",
      r.queue.words,
      r.queue.line,
      `queue.enabled is ${JSON.stringify(queue?.enabled ?? null)}`,
      "queue.enabled",
      queue?.enabled,
      `Set queue: {enabled: ${r.queue.value}}.`,
    );
  }
  const runAs = desired.run_as as { service_principal_name?: string; user_name?: string } | undefined;
  if (r.runAs && stableJson(runAs ?? {}) !== stableJson(r.runAs.value)) {
    f.warn(
      "run_as",
      r.runAs.words,
      r.runAs.line,
      `run_as is ${JSON.stringify(runAs ?? null)}`,
      "run_as",
      runAs,
      `Set run_as to ${JSON.stringify(r.runAs.value)}.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Two interpretations of one requirement (LLM vs. offline interpreter)

function summarizeSettings(s: JobSettings): Record<string, unknown> {
  const sched = s.schedule as Sched | undefined;
  const tasks = s.tasks ?? [];
  return {
    "tasks (task_keys)": tasks.map((t) => t.task_key).sort(),
    "tasks (code)": tasks
      .map((t) => taskPath(t) ?? Object.keys(t).find((k) => k.endsWith("_task")) ?? "?")
      .sort(),
    depends_on: Object.fromEntries(
      tasks.map((t) => [t.task_key, (t.depends_on ?? []).map((d) => d.task_key).sort()]),
    ),
    "schedule.quartz_cron_expression": sched?.quartz_cron_expression
      ? normalizeQuartz(sched.quartz_cron_expression)
      : null,
    "schedule.timezone_id": sched?.quartz_cron_expression ? (sched.timezone_id ?? "UTC") : null,
    trigger: s.continuous
      ? "continuous"
      : (s.trigger as JsonObject | undefined)?.file_arrival
        ? "file_arrival"
        : (s.trigger as JsonObject | undefined)?.table_update
          ? "table_update"
          : null,
    compute: clusters(s).map((c) => ({
      num_workers: c.num_workers ?? null,
      node_type_id: c.node_type_id ?? null,
      autoscale: c.autoscale ?? null,
    })),
    existing_cluster_id: [...new Set(tasks.map((t) => t.existing_cluster_id).filter(Boolean))],
    max_retries: Object.fromEntries(tasks.map((t) => [t.task_key, t.max_retries ?? 0])),
    timeout_seconds: s.timeout_seconds ?? 0,
    email_notifications: Object.fromEntries(
      Object.entries((s.email_notifications ?? {}) as Record<string, unknown>)
        .filter(([, v]) => Array.isArray(v) && v.length)
        .map(([k, v]) => [k, [...(v as string[])].sort()]),
    ),
    tags: s.tags ?? {},
    max_concurrent_runs: s.max_concurrent_runs ?? 1,
    run_as: s.run_as ?? null,
  };
}

export function compareInterpretations(a: Interpretation, b: Interpretation): Diagnostic[] {
  const out: Diagnostic[] = [];
  const label = (i: Interpretation): string =>
    i.source === "llm"
      ? "the LLM"
      : i.source === "interpreter"
        ? "the offline interpreter"
        : "the structured block";
  const push = (field: string, path: string, message: string, value?: unknown): void => {
    out.push({
      severity: "warning",
      code: `consistency.${field}`,
      file: a.requirement,
      path,
      value,
      message,
      fix: "Check which reading matches the requirement; make the requirement more explicit if both are plausible.",
    });
  };
  const asks = (i: Interpretation): boolean => i.items.some((x) => (x.questions ?? []).length > 0);
  if (asks(a) !== asks(b)) {
    const asker = asks(a) ? a : b;
    push(
      "questions",
      "",
      `${label(asker)} has questions (${asker.items.flatMap((x) => x.questions ?? []).join(" | ")}); ${label(asker === a ? b : a)} has none`,
    );
  }
  const actions = (i: Interpretation): string =>
    i.items
      .map((x) => `${x.action}${x.target?.job_id !== undefined ? ` job ${x.target.job_id}` : ""}`)
      .sort()
      .join(", ");
  if (actions(a) !== actions(b)) {
    push(
      "action",
      "",
      `${label(a)} plans ${actions(a) || "nothing"}; ${label(b)} plans ${actions(b) || "nothing"}`,
    );
    return out;
  }
  for (const itemA of a.items) {
    const itemB = b.items.find((x) => x.action === itemA.action && x.target?.job_id === itemA.target?.job_id);
    if (!itemB) continue;
    const sa = itemA.settings ?? itemA.patch?.new_settings;
    const sb = itemB.settings ?? itemB.patch?.new_settings;
    if (sa && sb) {
      const x = summarizeSettings(sa);
      const y = summarizeSettings(sb);
      for (const field of Object.keys(x)) {
        if (itemA.action === "update" && !(field.split(/[ .]/)[0] in sa) && !(field.split(/[ .]/)[0] in sb))
          continue;
        if (stableJson(x[field]) !== stableJson(y[field])) {
          push(
            field.replace(/ \(.*\)$/, "").replace(/\..*$/, ""),
            field,
            `${label(a)}: ${field} ${JSON.stringify(x[field])}; ${label(b)}: ${JSON.stringify(y[field])}`,
            x[field],
          );
        }
      }
    }
    if (itemA.action === "run" && stableJson(itemA.run ?? {}) !== stableJson(itemB.run ?? {})) {
      push(
        "run",
        "run",
        `${label(a)} runs with ${JSON.stringify(itemA.run ?? {})}; ${label(b)} with ${JSON.stringify(itemB.run ?? {})}`,
        itemA.run,
      );
    }
  }
  return out;
}
