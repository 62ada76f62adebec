/**
 * The deterministic offline interpreter: requirement prose → work items (INTERPRETATION.md conventions).
 * Reads the prose with the extractor table, decides what the ticket asks for, and builds the job settings,
 * update body, run request or questions — recording which words gave which field.
 */
import { escapeRegExp } from "../../domain/regexp.js";
import { stripEnvelope } from "./envelope.js";
import type {
  FieldSource,
  Interpretation,
  JobSettings,
  JsonObject,
  TaskSettings,
  WorkItem,
  WorkspaceJob,
} from "../../domain/model.js";
import type { InterpretContext, RequirementDoc, TechLeadTools } from "../types.js";
import { ANY_TASK, EXTRACTORS, THE_TASK, jobNameIntroductions } from "./extractors.js";
import { emptyReading, source, type Reading, type Step } from "./reading.js";
import { addTimeToQuartz, mergeIntoQuartz, needsTime, shiftQuartz, toQuartz } from "./schedule.js";
import { readSteps, resolveStepGroup, resolveStepRef } from "./steps.js";
import {
  readIntent,
  resolveTarget,
  type Intent,
  type IntentReading,
  type TargetResolution,
} from "./targets.js";
import { closestWithin, lineAt, pathStem, toProse, toTaskKey, type Prose } from "./text.js";
import { dropNonRequirements, splitJobs, splitRunRequests } from "./decompose.js";
import { buildUpdateBody, stableJson } from "./update.js";
import { accountingQuestion } from "./accounting.js";

export interface ProseAnalysis {
  reading: Reading;
  target: TargetResolution;
  intent: IntentReading;
}

/** As analyzeProse, for prose already read (or one part of it); `pendingJobs` are jobs the same requirement creates. */
export function analyzeProseText(
  prose: Prose,
  existingJobs: WorkspaceJob[],
  pendingJobs: string[] = [],
  forceIntent?: Intent,
): ProseAnalysis {
  const reading = emptyReading(prose);
  for (const extractor of EXTRACTORS) extractor.extract(reading, { existingJobs });
  const target = resolveTarget(prose, existingJobs);
  const intent: IntentReading = forceIntent
    ? { intent: forceIntent, words: runVerbWords(prose) }
    : readIntentOf(reading, prose, target, existingJobs, pendingJobs);
  readSteps(reading, existingJobs, intent.intent === "update" ? "update" : "create", pendingJobs);
  if (intent.intent === "update" && target.job) {
    // In an update, a path the job already runs names the job; it is not a new step.
    const own = new Set((target.job.job.settings.tasks ?? []).flatMap(taskCodePaths));
    const repointed = new Set(reading.repointTasks.map((r) => r.value));
    reading.steps = reading.steps.filter((st) => !(st.path && (own.has(st.path) || repointed.has(st.path))));
  }
  return { reading, target, intent };
}

/** What the words ask for (create, update, delete, run), when the caller does not already know it. */
function readIntentOf(
  reading: Reading,
  prose: Prose,
  target: ReturnType<typeof resolveTarget>,
  existingJobs: WorkspaceJob[],
  pendingJobs: string[],
): IntentReading {
  const probe = emptyReading(prose);
  readSteps(probe, existingJobs, "create", pendingJobs);
  const knownPaths = new Set(existingJobs.flatMap((j) => (j.settings.tasks ?? []).flatMap(taskCodePaths)));
  const newCode = probe.steps.some((s) => s.kind !== "run_job" && !(s.path && knownPaths.has(s.path)));
  const s = reading.schedule;
  const hasSchedule = !!(
    s.frequency ||
    (s.time && !target.referenced) ||
    reading.fileArrival ||
    reading.tableUpdate ||
    reading.continuous
  );
  // A name the words introduce as the job to create ("make a job X that…", "Job: **X**") that no existing job has
  // is the new job's name, not an unknown job to change.
  const unresolved = target.unresolved?.toLowerCase();
  const introduced =
    unresolved && !target.job && !target.candidates.length && (newCode || hasSchedule)
      ? jobNameIntroductions(prose, existingJobs).find(
          (n) => unresolved.includes(n.value.toLowerCase()) || n.value.toLowerCase().includes(unresolved),
        )
      : undefined;
  return introduced
    ? { intent: "create", words: introduced.words, line: introduced.line }
    : readIntent(prose, target, newCode, hasSchedule, !!s.time);
}

/** A field's provenance with its line: where its words first occur in the requirement, when an extractor gave none. */
function withLine(e: FieldSource, prose: Prose): FieldSource {
  if (e.line !== undefined || e.words.startsWith("(")) return e;
  const at = prose.text.indexOf(e.words);
  return at >= 0 ? { ...e, line: lineAt(prose, at) } : e;
}

function taskCodePaths(t: TaskSettings): string[] {
  const nb = (t.notebook_task as { notebook_path?: string } | undefined)?.notebook_path;
  const py = (t.spark_python_task as { python_file?: string } | undefined)?.python_file;
  return [nb, py].filter((p): p is string => !!p);
}

export async function interpretOffline(
  doc: RequirementDoc,
  context: InterpretContext,
): Promise<Interpretation> {
  // Words that try to steer the tool, or delete jobs wholesale, are not part of the requirement.
  const { prose, dropped } = dropNonRequirements(toProse(stripEnvelope(doc.body), doc.bodyLine));
  const parts = splitJobs(prose, context.existingJobs);
  const built: Array<{ item: WorkItem; triggers: string[] }> = [];
  const runs: WorkItem[] = [];
  for (const part of parts) {
    const pending = parts.length > 1 ? parts.map((p) => p.name).filter((n) => n !== part.name) : [];
    // "…, and once it exists, run job X right away": a run request beside the new job, not a step of it.
    const split = splitRunRequests(part.prose, context.existingJobs);
    const job = split.runs.length ? await interpretPart(split.rest, doc, context, pending) : undefined;
    // Only beside a job the rest creates (code of its own): "Hey — the files came late. Could you trigger job 5521
    // right now?" is one run request, not a run plus a new job with no code.
    if (job && job.item.action === "create" && (job.item.settings?.tasks?.length ?? 0) > 0) {
      built.push(job);
      for (const run of split.runs) {
        const { item } = await interpretPart(run.prose, doc, context, [], "run");
        if (run.afterCreate) item.depends_on = [job.item.key];
        runs.push(item);
      }
    } else built.push(await interpretPart(part.prose, doc, context, pending));
  }
  const items = built.map((b) => b.item);
  // A run-job step whose job this requirement creates waits for that item (its job_id exists only then).
  const keyOf = new Map(parts.map((p, i) => [p.name.toLowerCase(), items[i].key]));
  items.forEach((item, i) => {
    const waits = built[i].triggers
      .map((n) => keyOf.get(n.toLowerCase()))
      .filter((k): k is string => !!k && k !== item.key);
    if (waits.length) item.depends_on = [...new Set(waits)];
  });
  const all = [...items, ...runs];
  // Precision by construction: words no field accounts for block the answer with a question quoting them.
  if (all.every((i) => !i.questions?.length)) {
    const question = accountingQuestion(prose, all, context.existingJobs);
    if (question) items[0].questions = [question];
  }
  for (const d of dropped)
    items[0].explanation?.push({ field: "(ignored: not a requirement)", words: d.words, line: d.line });
  return { requirement: doc.file, items: [...items, ...runs], diagnostics: [], source: "interpreter" };
}

function runVerbWords(prose: Prose): string {
  return (
    /\b(?:re-?run|run|trigger|kick(?:\s|-)?off|start|launch|execute)\b[^,.;]*/i.exec(prose.text)?.[0] ?? "run"
  );
}

/** One job's work item, and the names of jobs of the same requirement its run-job steps trigger. */
async function interpretPart(
  prose: Prose,
  doc: RequirementDoc,
  context: InterpretContext,
  pendingJobs: string[],
  forceIntent?: Intent,
): Promise<{ item: WorkItem; triggers: string[] }> {
  const { reading, target, intent } = analyzeProseText(prose, context.existingJobs, pendingJobs, forceIntent);
  const triggers = reading.steps.map((st) => st.runJobName).filter((n): n is string => !!n);
  const explanation: FieldSource[] = [
    { field: "action", words: intent.words, ...(intent.line ? { line: intent.line } : {}) },
  ];
  // Questions about settings (notifications, triggers…) matter only when settings are built.
  const questions = intent.intent === "create" || intent.intent === "update" ? [...reading.questions] : [];
  const line = reading.prose.lines[0]?.line ?? doc.bodyLine;
  const fileStem = toTaskKey(pathStem(doc.file)) || "job";
  let item: WorkItem;

  if (intent.intent === "create") {
    const built = await buildCreate(
      reading,
      context.tools,
      fileStem,
      explanation,
      questions,
      context.existingJobs,
    );
    item = {
      key: toTaskKey(built.name ?? fileStem) || fileStem,
      action: "create",
      settings: built.settings,
      line,
    };
  } else {
    const job = target.job?.job;
    if (!job) {
      questions.push(
        target.question ??
          (target.unresolved
            ? `No existing job matches "${target.unresolved}". Which job (exact name or job_id) should be ${verb(intent.intent)}?`
            : `Which existing job should be ${verb(intent.intent)}? Give its exact name, job_id, a tag (key=value) or a code path it runs.`),
      );
      item = { key: `${intent.intent}_${fileStem}`, action: intent.intent, line };
    } else {
      explanation.push({
        field: "target",
        words: target.job!.words,
        ...(target.job!.line ? { line: target.job!.line } : {}),
      });
      const targetRef = { job_id: job.job_id, ...(job.settings.name ? { name: job.settings.name } : {}) };
      const key = `${intent.intent}_${toTaskKey(job.settings.name ?? String(job.job_id)) || job.job_id}`;
      if (intent.intent === "delete") {
        item = { key, action: "delete", target: targetRef, line };
      } else if (intent.intent === "run") {
        const run = buildRun(reading, job, explanation, questions);
        item = { key, action: "run", target: targetRef, run, line };
      } else {
        for (const condition of stateConditions(reading.prose))
          questions.push(
            `"${condition}": the change depends on what ${jobName(job)} has now, and jobagent does not check conditions. Say which changes to make.`,
          );
        const desired = await buildUpdate(
          reading,
          job,
          context.tools,
          explanation,
          questions,
          context.existingJobs,
        );
        const patch = buildUpdateBody(job.settings, desired);
        if (
          Object.keys(patch.new_settings).length === 0 &&
          patch.fields_to_remove.length === 0 &&
          questions.length === 0
        ) {
          questions.push(
            `I could not tell what to change in ${jobName(job)}. Say which field should get which value (schedule, notifications, tasks, cluster size, retries, timeout, tags…).`,
          );
        }
        item = {
          key,
          action: "update",
          target: targetRef,
          patch: patch.fields_to_remove.length ? patch : { new_settings: patch.new_settings },
          line,
        };
      }
    }
  }
  item.explanation = explanation.map((e) => withLine(e, reading.prose));
  if (questions.length) item.questions = [...new Set(questions)];
  return { item, triggers };
}

function verb(intent: string): string {
  return intent === "delete" ? "deleted" : intent === "run" ? "run" : "changed";
}

/**
 * "if queueing isn't enabled yet, enable it", "unless it already has a failure email": a change that depends on the
 * job's current settings. An event ("if it fails", "if the run takes longer than an hour") is not one.
 */
const STATE_CONDITION =
  /\b(?:if|unless|in\s+case|only\s+if)\s+[^,.;:!?\n]*?\b(?:already|yet|configured|enabled|disabled|set\s+up|turned\s+(?:on|off)|missing|(?:does|do|is|are|has|have)(?:n'?t|\s+not)\s+(?:have|got|contain|include)|(?:has|have)\s+no)\b[^,.;:!?\n]*/gi;

function stateConditions(prose: Prose): string[] {
  return prose.lines.flatMap((l) => [...l.text.matchAll(STATE_CONDITION)].map((m) => m[0].trim()));
}

function jobName(job: WorkspaceJob): string {
  return `"${job.settings.name ?? "(unnamed)"}" (job_id ${job.job_id})`;
}

/** Tasks that run on compute the job gives them (a cluster, or serverless): notebooks, Python, wheels, JARs, dbt. */
function runsOnCompute(t: TaskSettings): boolean {
  return !!(t.notebook_task || t.spark_python_task || t.python_wheel_task || t.spark_jar_task || t.dbt_task);
}

function stepTask(
  step: Step,
  r: Reading,
  explanation: FieldSource[],
  questions: string[],
  stepsCount: number,
): TaskSettings {
  const task: TaskSettings = { task_key: step.key };
  const git = !!r.git;
  const rel = (p: string | undefined): boolean => !!p && !p.startsWith("/");
  explanation.push({
    field: `tasks[${step.key}]`,
    words: step.name ? `${step.name}: ${step.words}` : step.words,
    ...(step.line ? { line: step.line } : {}),
  });
  switch (step.kind) {
    case "notebook": {
      const nb: JsonObject = { notebook_path: step.path };
      if (git && rel(step.path)) nb.source = "GIT";
      const params = r.notebookParameters.filter((p) => stepsCount === 1 || p.line === step.line);
      if (params.length) {
        nb.base_parameters = Object.fromEntries(params.map((p) => [p.name, p.value]));
        for (const p of params)
          explanation.push(source(`tasks[${step.key}].notebook_task.base_parameters.${p.name}`, p));
      }
      task.notebook_task = nb;
      break;
    }
    case "python": {
      const py: JsonObject = { python_file: step.path };
      if (git && rel(step.path)) py.source = "GIT";
      if (r.cliArgs && (stepsCount === 1 || r.cliArgs.line === step.line)) {
        py.parameters = r.cliArgs.value;
        explanation.push(source(`tasks[${step.key}].spark_python_task.parameters`, r.cliArgs));
      }
      task.spark_python_task = py;
      break;
    }
    case "wheel": {
      const wheel: JsonObject = { package_name: step.packageName, entry_point: step.entryPoint };
      if (!step.entryPoint)
        questions.push(`Which entry point of the wheel package "${step.packageName}" should run?`);
      if (r.wheelNamed.length) {
        wheel.named_parameters = Object.fromEntries(r.wheelNamed.map((p) => [p.name, p.value]));
        for (const p of r.wheelNamed)
          explanation.push(source(`tasks[${step.key}].python_wheel_task.named_parameters.${p.name}`, p));
      } else if (r.cliArgs && (stepsCount === 1 || r.cliArgs.line === step.line)) {
        wheel.parameters = r.cliArgs.value;
        explanation.push(source(`tasks[${step.key}].python_wheel_task.parameters`, r.cliArgs));
      }
      task.python_wheel_task = wheel;
      // The wheel file the ticket names is the task's library (the package must be installed to run).
      const whl = /(?:dbfs:)?\/[^\s,;'"`()]+\.whl\b/.exec(r.prose.text);
      if (whl) {
        task.libraries = [{ whl: whl[0] }];
        explanation.push({ field: `tasks[${step.key}].libraries`, words: whl[0] });
      }
      break;
    }
    case "jar": {
      const jar: JsonObject = { main_class_name: step.mainClass };
      if (r.cliArgs && (stepsCount === 1 || r.cliArgs.line === step.line)) {
        jar.parameters = r.cliArgs.value;
        explanation.push(source(`tasks[${step.key}].spark_jar_task.parameters`, r.cliArgs));
      }
      task.spark_jar_task = jar;
      // The JAR file the ticket names is the task's library (the class must be on the cluster to run).
      const file = /(?:dbfs:|s3a?:\/|abfss:\/|gs:\/)?\/[^\s,;'"`()]+\.jar\b/.exec(r.prose.text);
      if (file) {
        task.libraries = [{ jar: file[0] }];
        explanation.push({ field: `tasks[${step.key}].libraries`, words: file[0] });
      } else
        questions.push(
          `Which JAR file holds ${step.mainClass ?? "the main class"}? Give its path (a volume, workspace or dbfs: path) or Maven coordinates.`,
        );
      break;
    }
    case "sql_query":
    case "sql_file": {
      if (!step.warehouseId)
        questions.push(
          `Which SQL warehouse (id) should run ${step.kind === "sql_query" ? `query ${step.queryId}` : step.path}?`,
        );
      const sql: JsonObject = { warehouse_id: step.warehouseId };
      if (step.warehouseWords)
        explanation.push({ field: `tasks[${step.key}].sql_task.warehouse_id`, words: step.warehouseWords });
      if (step.kind === "sql_query") sql.query = { query_id: step.queryId };
      else sql.file = git && rel(step.path) ? { path: step.path, source: "GIT" } : { path: step.path };
      task.sql_task = sql;
      break;
    }
    case "dbt": {
      const dbt: JsonObject = { commands: step.commands };
      if (step.warehouseId) dbt.warehouse_id = step.warehouseId;
      if (step.warehouseWords)
        explanation.push({ field: `tasks[${step.key}].dbt_task.warehouse_id`, words: step.warehouseWords });
      if (step.projectDirectory) dbt.project_directory = step.projectDirectory;
      if (git) dbt.source = "GIT";
      task.dbt_task = dbt;
      break;
    }
    case "pipeline":
      task.pipeline_task = step.fullRefresh
        ? { pipeline_id: step.pipelineId, full_refresh: true }
        : { pipeline_id: step.pipelineId };
      break;
    case "run_job":
      if (step.runJobId !== undefined) task.run_job_task = { job_id: step.runJobId };
      else {
        // The job is created by this same requirement: its job_id is known only after that item is applied.
        task.run_job_task = {};
        explanation.push({
          field: `tasks[${step.key}].run_job_task.job_id`,
          words: `(the job "${step.runJobName}" this requirement creates; its job_id once created)`,
          ...(step.line ? { line: step.line } : {}),
        });
      }
      break;
  }
  return task;
}

function dependencies(
  steps: Step[],
  r: Reading,
  existingKeys: string[],
  explanation: FieldSource[],
  questions: string[],
): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  steps.forEach((step, i) => {
    const keys: string[] = [];
    for (const a of step.after) {
      // "once both are done" / "after all of them": every step before this one (both: the two before it).
      const group =
        /^(?:both(?:\s+of\s+them)?|all(?:\s+of\s+(?:them|the\s+above))?|all\s+(?:the\s+)?(?:previous|above|other)(?:\s+(?:steps|tasks))?|them|those|the\s+others)$/i.exec(
          a.value.trim(),
        );
      if (group && i > 0) {
        const before = /^both/i.test(a.value.trim()) ? steps.slice(Math.max(0, i - 2), i) : steps.slice(0, i);
        for (const b of before) keys.push(b.key);
        explanation.push(source(`tasks[${step.key}].depends_on`, a));
        continue;
      }
      // "once both clean steps are done", "after all the load tasks": the steps whose names hold those words.
      const named = resolveStepGroup(a.value, steps.slice(0, i));
      if (named) {
        keys.push(...named);
        explanation.push(source(`tasks[${step.key}].depends_on`, a));
        continue;
      }
      const key = resolveStepRef(a.value, steps, existingKeys);
      if (key && key !== step.key) {
        keys.push(key);
        explanation.push(source(`tasks[${step.key}].depends_on`, a));
      } else if (!key) {
        questions.push(
          `"${a.words}" (line ${a.line ?? "?"}): no step or existing task is called "${a.value}". Which task should ${step.key} wait for?`,
        );
      }
    }
    if (!keys.length && i > 0 && step.besidePrevious) {
      // Side by side with the step before: the same waits (none when it waits for nothing).
      keys.push(...(deps.get(step.besidePrevious.value) ?? []));
      explanation.push(source(`tasks[${step.key}].depends_on`, step.besidePrevious));
    } else if (!keys.length && i > 0 && (step.afterPrevious || r.sequential)) {
      // After the step before — and after every step running beside it ("b and c in parallel, then d").
      let j = i - 1;
      keys.push(steps[j].key);
      while (j > 0 && steps[j].besidePrevious) keys.push(steps[--j].key);
      explanation.push(source(`tasks[${step.key}].depends_on`, step.afterPrevious ?? r.sequential!));
    }
    if (keys.length) deps.set(step.key, [...new Set(keys)]);
  });
  return deps;
}

async function latestLtsSparkVersion(tools: TechLeadTools): Promise<string | undefined> {
  try {
    const versions = await tools.listSparkVersions();
    const lts = versions.filter((v) => /LTS/i.test(v.name) && !/(ml|gpu|photon|aarch64)/i.test(v.key));
    const pick = (lts.length ? lts : versions)
      .map((v) => v.key)
      .sort((a, b) => versionNumber(b) - versionNumber(a))[0];
    return pick;
  } catch {
    return undefined;
  }
}

function versionNumber(key: string): number {
  const m = /^(\d+)\.(\d+)/.exec(key);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : 0;
}

async function clusterSpec(
  r: Reading,
  tools: TechLeadTools,
  explanation: FieldSource[],
  questions: string[],
  base?: JsonObject,
): Promise<JsonObject | undefined> {
  const c = r.cluster;
  if (!c.numWorkers && !c.autoscale && !c.nodeType && !c.sparkVersion) return undefined;
  const cluster: JsonObject = { ...(base ?? {}) };
  if (c.kind) explanation.push(source("job_clusters", c.kind));
  if (c.sparkVersion) {
    cluster.spark_version = c.sparkVersion.value;
    explanation.push(source("new_cluster.spark_version", c.sparkVersion));
  } else if (!cluster.spark_version) {
    const v = await latestLtsSparkVersion(tools);
    if (v) {
      cluster.spark_version = v;
      explanation.push({
        field: "new_cluster.spark_version",
        words: `(no runtime named: latest LTS in the workspace, ${v})`,
      });
    } else
      questions.push(
        "Which Databricks Runtime (spark_version, e.g. 15.4.x-scala2.12) should the job cluster use?",
      );
  }
  if (c.nodeType) {
    cluster.node_type_id = c.nodeType.value;
    explanation.push(source("new_cluster.node_type_id", c.nodeType));
  } else if (!cluster.node_type_id && !cluster.instance_pool_id && !cluster.policy_id) {
    questions.push(
      "Which node type (node_type_id, e.g. i3.xlarge or Standard_DS3_v2) should the job cluster use?",
    );
  }
  if (c.autoscale) {
    delete cluster.num_workers;
    cluster.autoscale = c.autoscale.value;
    explanation.push(source("new_cluster.autoscale", c.autoscale));
  } else if (c.numWorkers) {
    delete cluster.autoscale;
    cluster.num_workers = c.numWorkers.value;
    explanation.push(source("new_cluster.num_workers", c.numWorkers));
  } else if (cluster.num_workers === undefined && cluster.autoscale === undefined) {
    questions.push("How many workers should the job cluster have?");
  }
  return cluster;
}

/**
 * The words of two sourced parts: one stretch of the line when they overlap or touch ("every weekday" + "weekday at
 * 7:30 PM" → "every weekday at 7:30 PM"), else both joined with " … " (no words between them are claimed).
 */
function joinedWords(
  prose: Prose,
  a: { words: string; line?: number } | undefined,
  b: { words: string; line?: number } | undefined,
): string {
  if (!a || !b) return (a ?? b)?.words ?? "";
  const text = prose.lines.find((l) => l.text.includes(a.words) && l.text.includes(b.words))?.text;
  if (text) {
    const [i, j] = [text.indexOf(a.words), text.indexOf(b.words)];
    const [first, second] =
      i <= j
        ? [
            { at: i, w: a.words },
            { at: j, w: b.words },
          ]
        : [
            { at: j, w: b.words },
            { at: i, w: a.words },
          ];
    if (second.at <= first.at + first.w.length + 1)
      return text.slice(first.at, Math.max(first.at + first.w.length, second.at + second.w.length));
  }
  return `${a.words} … ${b.words}`;
}

function scheduleFromReading(
  r: Reading,
  explanation: FieldSource[],
  questions: string[],
): JsonObject | undefined {
  const s = r.schedule;
  if (s.cron) {
    explanation.push(source("schedule.quartz_cron_expression", s.cron));
    if (s.zone) explanation.push(source("schedule.timezone_id", s.zone));
    else explanation.push({ field: "schedule.timezone_id", words: "(no time zone named: UTC)" });
    if (s.pause) explanation.push(source("schedule.pause_status", s.pause));
    return {
      quartz_cron_expression: s.cron.value,
      timezone_id: s.zone?.value ?? "UTC",
      pause_status: s.pause?.value ?? "UNPAUSED",
    };
  }
  if (!s.frequency && !s.time) return undefined;
  const frequency = s.frequency?.value ?? { kind: "daily" as const };
  if (needsTime(frequency) && !s.time) {
    questions.push(
      `At what time should it run ("${s.frequency?.words}")? Give a clock time and, if not UTC, a time zone.`,
    );
    return undefined;
  }
  // "every hour starting at 8am", "every 15 minutes at 6": runs every hour or every few minutes have no clock time
  // of their own (a window bounds them: "hourly between 8am and 6pm"), so the time would be dropped — ask.
  if (
    s.time &&
    (frequency.kind === "hourly" || frequency.kind === "minutes") &&
    frequency.minute === undefined &&
    !frequency.window
  ) {
    questions.push(
      `"${joinedWords(r.prose, s.frequency, s.time)}": runs ${frequency.kind === "hourly" ? "every hour" : `every ${frequency.every} minutes`} have no clock time. Should it run at a minute past each hour (e.g. "at :20"), between two hours (e.g. "hourly between 8am and 6pm"), or once a day at ${s.time.words.replace(/^at\s+/i, "")}?`,
    );
    return undefined;
  }
  const cron = toQuartz(frequency, s.time?.value, s.months?.value);
  const monthWords = s.months && !s.frequency?.words.includes(s.months.words) ? ` … ${s.months.words}` : "";
  explanation.push({
    field: "schedule.quartz_cron_expression",
    words: joinedWords(r.prose, s.frequency, s.time) + monthWords,
    ...((s.frequency ?? s.time)?.line ? { line: (s.frequency ?? s.time)!.line } : {}),
  });
  if (s.zone) explanation.push(source("schedule.timezone_id", s.zone));
  else explanation.push({ field: "schedule.timezone_id", words: "(no time zone named: UTC)" });
  if (s.pause) explanation.push(source("schedule.pause_status", s.pause));
  return {
    quartz_cron_expression: cron,
    timezone_id: s.zone?.value ?? "UTC",
    pause_status: s.pause?.value ?? "UNPAUSED",
  };
}

function applyCommon(
  settings: JobSettings,
  r: Reading,
  explanation: FieldSource[],
  questions: string[],
  existing?: JobSettings,
): void {
  // Triggers
  const kinds = [
    r.schedule.frequency || (r.schedule.time && !existing) ? "schedule" : undefined,
    r.fileArrival && "file arrival",
    r.tableUpdate && "table update",
    r.continuous && "continuous",
  ].filter(Boolean);
  if (kinds.length > 1)
    questions.push(
      `A job can have only one of a schedule, a trigger (file arrival / table update) or continuous; the ticket asks for ${kinds.join(" and ")}. Which one?`,
    );
  if (r.fileArrival || r.tableUpdate) {
    const kind = r.fileArrival ? "file_arrival" : "table_update";
    const spec: JsonObject = r.fileArrival
      ? { url: r.fileArrival.value }
      : { table_names: r.tableUpdate?.value ?? [] };
    // The trigger's timing: "no more than once every 5 minutes", "wait 2 minutes after the last file changes".
    if (r.triggerMinGap) {
      spec.min_time_between_triggers_seconds = r.triggerMinGap.value;
      explanation.push(source(`trigger.${kind}.min_time_between_triggers_seconds`, r.triggerMinGap));
    }
    if (r.triggerWait) {
      spec.wait_after_last_change_seconds = r.triggerWait.value;
      explanation.push(source(`trigger.${kind}.wait_after_last_change_seconds`, r.triggerWait));
    }
    settings.trigger = { [kind]: spec, pause_status: "UNPAUSED" };
    // "replace the every-30-minutes schedule with a file arrival trigger": the job's schedule goes.
    if (existing?.schedule) {
      const replaced =
        /\b(?:replace|swap|switch|change|move|turn|drop)\w*\b[^.;!?\n]*?\bschedule\b|\bschedule\b[^.;!?\n]*?\b(?:replaced|swapped)\b|\binstead\s+of\s+(?:the\s+)?(?:[\w-]+\s+)?schedule\b/i.exec(
          r.prose.text,
        );
      if (replaced)
        explanation.push({ field: "schedule (removed: the trigger replaces it)", words: replaced[0] });
    }
    delete settings.schedule;
    delete settings.continuous;
    if (r.fileArrival) explanation.push(source("trigger.file_arrival.url", r.fileArrival));
    else if (r.tableUpdate) explanation.push(source("trigger.table_update.table_names", r.tableUpdate));
  } else if (r.continuous) {
    settings.continuous = { pause_status: "UNPAUSED" };
    delete settings.schedule;
    delete settings.trigger;
    explanation.push(source("continuous", r.continuous));
  }
  // Notifications
  const email = (existing?.email_notifications as Record<string, string[]> | undefined)
    ? structuredClone(existing!.email_notifications as Record<string, string[]>)
    : {};
  for (const e of r.emails) {
    email[e.event] = [...new Set([...(email[e.event] ?? []), e.value])];
    explanation.push(source(`email_notifications.${e.event}`, e));
  }
  for (const e of r.removeEmails) {
    for (const ev of Object.keys(email)) {
      if (e.event && e.event !== ev) continue;
      if (Array.isArray(email[ev])) email[ev] = email[ev].filter((x) => x !== e.value);
      if (Array.isArray(email[ev]) && email[ev].length === 0) delete email[ev];
    }
    explanation.push(source(`email_notifications (remove ${e.value})`, e));
  }
  if (r.emails.length || r.removeEmails.length) settings.email_notifications = email;
  if (r.webhooks.length) {
    const hooks = structuredClone(
      (existing?.webhook_notifications as Record<string, Array<{ id: string }>>) ?? {},
    );
    for (const w of r.webhooks) {
      const list = hooks[w.event] ?? [];
      if (!list.some((x) => x.id === w.value)) list.push({ id: w.value });
      hooks[w.event] = list;
      explanation.push(source(`webhook_notifications.${w.event}`, w));
    }
    settings.webhook_notifications = hooks;
  }
  if (r.durationWarning) {
    const rules = ((existing?.health as { rules?: JsonObject[] } | undefined)?.rules ?? []).filter(
      (x) => x.metric !== "RUN_DURATION_SECONDS",
    );
    settings.health = {
      rules: [
        ...rules,
        { metric: "RUN_DURATION_SECONDS", op: "GREATER_THAN", value: r.durationWarning.value },
      ],
    };
    explanation.push(source("health.rules", r.durationWarning));
  }
  // Tags, concurrency, parameters, git, identity
  if (r.tags.length) {
    settings.tags = {
      ...((existing?.tags as Record<string, string>) ?? {}),
      ...Object.fromEntries(r.tags.map((t) => [t.key, t.value])),
    };
    for (const t of r.tags) explanation.push(source(`tags.${t.key}`, t));
  }
  if (r.maxConcurrentRuns) {
    settings.max_concurrent_runs = r.maxConcurrentRuns.value;
    explanation.push(source("max_concurrent_runs", r.maxConcurrentRuns));
  }
  if (r.queue) {
    settings.queue = { enabled: r.queue.value };
    explanation.push(source("queue.enabled", r.queue));
  }
  if (r.jobParameters.length) {
    const params = structuredClone((existing?.parameters as Array<{ name: string; default: string }>) ?? []);
    for (const p of r.jobParameters) {
      const at = params.findIndex((x) => x.name === p.name);
      if (at >= 0) params[at] = { name: p.name, default: p.value };
      else params.push({ name: p.name, default: p.value });
      explanation.push(source(`parameters[${p.name}].default`, p));
    }
    settings.parameters = params;
  }
  if (r.git) {
    settings.git_source = r.git.value;
    explanation.push(source("git_source", r.git));
  }
  if (r.runAs) {
    settings.run_as = r.runAs.value;
    explanation.push(source("run_as", r.runAs));
  }
}

function applyRetriesAndTimeouts(
  settings: JobSettings,
  r: Reading,
  explanation: FieldSource[],
  questions: string[],
): void {
  const tasks = settings.tasks ?? [];
  const keys = tasks.map((t) => t.task_key);
  const pick = (name: string | undefined, words: string): TaskSettings[] => {
    if (!name) return tasks.filter((t) => !t.condition_task);
    const found = keys.includes(name)
      ? name
      : (keys.find((k) => k === toTaskKey(name)) ??
        resolveStepRef(name, r.steps, keys) ??
        closestWithin(name, keys, 1));
    const key = found && keys.includes(found) ? found : undefined;
    if (!key) {
      questions.push(
        `"${words}": the job has no task "${name}" (tasks: ${keys.join(", ") || "none"}). Which task do you mean?`,
      );
      return [];
    }
    return tasks.filter((t) => t.task_key === key);
  };
  if (r.retries || r.retryIntervalMs || r.retryOnTimeout) {
    const targets = pick(r.retries?.task, r.retries?.words ?? "");
    for (const t of targets) {
      if (r.retries) t.max_retries = r.retries.value;
      if (r.retryIntervalMs) t.min_retry_interval_millis = r.retryIntervalMs.value;
      if (r.retryOnTimeout) t.retry_on_timeout = true;
    }
    if (r.retries)
      explanation.push(
        source(
          r.retries.task
            ? `tasks[${targets[0]?.task_key ?? r.retries.task}].max_retries`
            : "tasks[*].max_retries",
          r.retries,
        ),
      );
    if (r.retryIntervalMs) explanation.push(source("tasks[*].min_retry_interval_millis", r.retryIntervalMs));
    if (r.retryOnTimeout) explanation.push(source("tasks[*].retry_on_timeout", r.retryOnTimeout));
  }
  if (r.timeout) {
    if (r.timeout.task === ANY_TASK || r.timeout.task === THE_TASK) {
      const runnable = pick(undefined, "");
      if (runnable.length > 1 && r.timeout.task === THE_TASK)
        questions.push(`"${r.timeout.words}": which task should time out (tasks: ${keys.join(", ")})?`);
      else
        for (const t of runnable) {
          t.timeout_seconds = r.timeout.value;
          explanation.push(source(`tasks[${t.task_key}].timeout_seconds`, r.timeout));
        }
    } else if (r.timeout.task) {
      for (const t of pick(r.timeout.task, r.timeout.words)) {
        t.timeout_seconds = r.timeout.value;
        explanation.push(source(`tasks[${t.task_key}].timeout_seconds`, r.timeout));
      }
    } else {
      settings.timeout_seconds = r.timeout.value;
      explanation.push(source("timeout_seconds", r.timeout));
    }
  }
}

async function buildCreate(
  r: Reading,
  tools: TechLeadTools,
  fileStem: string,
  explanation: FieldSource[],
  questions: string[],
  existingJobs: WorkspaceJob[],
): Promise<{ settings: JobSettings; name?: string }> {
  void existingJobs;
  const settings: JobSettings = {};
  const name = r.jobName?.value ?? fileStem;
  settings.name = name;
  explanation.push(
    r.jobName
      ? source("name", r.jobName)
      : { field: "name", words: `(no name given: the requirement file, ${fileStem})` },
  );
  if (r.steps.length === 0) {
    questions.push(
      "The ticket does not say which code to run. Which notebook path, Python file, wheel (package + entry point), SQL query/file (with warehouse), dbt commands or pipeline id should this job run?",
    );
  }
  const tasks = r.steps.map((s) => stepTask(s, r, explanation, questions, r.steps.length));
  const deps = dependencies(r.steps, r, [], explanation, questions);
  for (const t of tasks) {
    const d = deps.get(t.task_key);
    if (d) t.depends_on = d.map((k) => ({ task_key: k }));
    // "run `rollback` only if load fails": the Jobs API's run_if (INTERPRETATION.md leaves its value to the API).
    const step = r.steps.find((s) => s.key === t.task_key);
    if (d && step?.onFailure) {
      t.run_if = "AT_LEAST_ONE_FAILED";
      explanation.push(source(`tasks[${t.task_key}].run_if`, step.onFailure));
    } else if (d && step?.whateverHappens) {
      // With no step it waits for, the words stay unused and the accounting asks which step they mean.
      t.run_if = "ALL_DONE";
      explanation.push(source(`tasks[${t.task_key}].run_if`, step.whateverHappens));
    }
  }
  settings.tasks = tasks;
  await applyCompute(settings, r, tools, explanation, questions);
  applyLibraries(settings, r, explanation, questions);
  const schedule = scheduleFromReading(r, explanation, questions);
  if (schedule) settings.schedule = schedule;
  applyCommon(settings, r, explanation, questions);
  applyRetriesAndTimeouts(settings, r, explanation, questions);
  return { settings, name };
}

/**
 * Libraries the ticket names: on a cluster, each compute task's `libraries` (PyPI, Maven, a requirements file); on
 * serverless, the dependencies of the environment its Python, wheel and dbt tasks use (Maven cannot be installed
 * there, and a serverless notebook installs its own: both are questions).
 */
function applyLibraries(
  settings: JobSettings,
  r: Reading,
  explanation: FieldSource[],
  questions: string[],
): void {
  if (!r.libraries.length) return;
  const tasks = settings.tasks ?? [];
  const onCluster = tasks.filter((t) => t.existing_cluster_id || t.job_cluster_key || t.new_cluster);
  if (onCluster.length) {
    const libs = r.libraries.map((l) =>
      "pypi" in l.value
        ? { pypi: { package: l.value.pypi } }
        : "maven" in l.value
          ? { maven: { coordinates: l.value.maven } }
          : { requirements: l.value.requirements },
    );
    for (const t of onCluster) t.libraries = [...((t.libraries as JsonObject[] | undefined) ?? []), ...libs];
    for (const l of r.libraries) explanation.push(source("tasks[*].libraries", l));
    return;
  }
  const env = (settings.environments as Array<{ spec?: { dependencies?: string[] } }> | undefined)?.[0];
  const maven = r.libraries.filter((l) => "maven" in l.value);
  if (maven.length)
    questions.push(
      `Serverless compute cannot install Maven libraries (${maven.map((l) => `"${l.words}"`).join(", ")}). Name a cluster (node type, workers, runtime) to run on, or leave the library out.`,
    );
  if (!env?.spec) {
    questions.push(
      `On serverless, a notebook installs its own libraries (%pip install, or the notebook's environment), so the job cannot install ${r.libraries.map((l) => `"${l.words}"`).join(", ")}. Name a cluster (node type, workers, runtime) to install them on, or install them in the notebook.`,
    );
    return;
  }
  const deps = r.libraries.flatMap((l) =>
    "pypi" in l.value ? [l.value.pypi] : "requirements" in l.value ? [`-r ${l.value.requirements}`] : [],
  );
  env.spec.dependencies = [...(env.spec.dependencies ?? []), ...deps];
  for (const l of r.libraries)
    if (!("maven" in l.value)) explanation.push(source("environments[].spec.dependencies", l));
}

async function applyCompute(
  settings: JobSettings,
  r: Reading,
  tools: TechLeadTools,
  explanation: FieldSource[],
  questions: string[],
): Promise<void> {
  const tasks = settings.tasks ?? [];
  const computeTasks = tasks.filter(runsOnCompute);
  // Two or more clusters named by key, each task on the one its line names ("`align_reads` on mem_large → /…").
  if (r.namedClusters.length >= 2 && !r.serverless) {
    const clusters = [];
    for (const named of r.namedClusters) {
      const spec = await clusterSpec({ ...r, cluster: named.ask }, tools, explanation, questions);
      if (!spec) continue;
      clusters.push({ job_cluster_key: named.key, new_cluster: spec });
      explanation.push({
        field: `job_clusters[${named.key}]`,
        words: named.words,
        ...(named.line ? { line: named.line } : {}),
      });
    }
    settings.job_clusters = clusters;
    const intro = r.prose.lines.find((l) => /\bclusters?\b[^.]*:\s*$/i.test(l.text));
    if (intro) explanation.push({ field: "job_clusters", words: intro.text.trim(), line: intro.line });
    const keys = clusters.map((c) => c.job_cluster_key);
    for (const t of computeTasks) {
      const step = r.steps.find((st) => st.key === t.task_key);
      const said = keys.filter((k) =>
        new RegExp(`(?<![\\w-])\`?${escapeRegExp(k)}\`?(?![\\w-])`).test(step?.lineText ?? ""),
      );
      if (said.length === 1) {
        t.job_cluster_key = said[0] as string;
        explanation.push({ field: `tasks[${t.task_key}].job_cluster_key`, words: said[0] as string });
      } else
        questions.push(
          `On which job cluster should task "${t.task_key}" run (${keys.join(", ")})? Name it on the task's line (e.g. "\`${t.task_key}\` on ${keys[0]}").`,
        );
    }
    return;
  }
  const cluster = r.serverless ? undefined : await clusterSpec(r, tools, explanation, questions);
  if (r.serverless) explanation.push(source("compute (serverless: no cluster fields)", r.serverless));
  if (r.existingClusterId && !r.serverless) {
    for (const t of computeTasks) t.existing_cluster_id = r.existingClusterId.value;
    explanation.push(source("tasks[*].existing_cluster_id", r.existingClusterId));
    return;
  }
  if (cluster) {
    const key = r.cluster.key?.value ?? "job_cluster";
    settings.job_clusters = [{ job_cluster_key: key, new_cluster: cluster }];
    for (const t of computeTasks) t.job_cluster_key = key;
    if (r.cluster.key) explanation.push(source("job_clusters[].job_cluster_key", r.cluster.key));
    return;
  }
  // Serverless (asked for, or nothing said): Python, wheel and dbt tasks need an environment.
  const needEnv = tasks.filter((t) => t.spark_python_task || t.python_wheel_task || t.dbt_task);
  if (needEnv.length) {
    for (const t of needEnv) t.environment_key = "default";
    const deps = tasks.some((t) => t.dbt_task) ? ["dbt-databricks>=1.8.0,<2.0.0"] : [];
    settings.environments = [
      {
        environment_key: "default",
        spec: deps.length ? { environment_version: "2", dependencies: deps } : { environment_version: "2" },
      },
    ];
    explanation.push({
      field: "environments",
      words: r.serverless?.words ?? "(no cluster named: serverless, with a default environment)",
      ...(r.serverless?.line ? { line: r.serverless.line } : {}),
    });
  }
}

async function buildUpdate(
  r: Reading,
  job: WorkspaceJob,
  tools: TechLeadTools,
  explanation: FieldSource[],
  questions: string[],
  existingJobs: WorkspaceJob[],
): Promise<JobSettings> {
  void existingJobs;
  const existing = job.settings;
  const desired: JobSettings = structuredClone(existing);
  // "rename X to Y" / "rename it to **Y**": the new name, verbatim.
  const rename =
    /\brename\b[^.\n]*?\bto\s+(?:\*\*([^*\n]+)\*\*|["“`']([^"”`'\n]+)["”`']|([A-Za-z0-9][\w.-]*[A-Za-z0-9_]))/i.exec(
      r.prose.text,
    );
  // An unmarked new name must look like a job name (a separator or digit: `billing-sync-v3`), not a plain word
  // ("rename it to something clearer"); otherwise ask for it.
  const plainWord = rename && !rename[1] && !rename[2] && /^[A-Za-z]+$/.test(rename[3]);
  if (rename && !plainWord) {
    desired.name = (rename[1] ?? rename[2] ?? rename[3]).trim();
    explanation.push({ field: "name", words: rename[0] });
  } else if (/\brename\b/i.test(r.prose.text)) {
    const words = /[^.\n]*\brename\b[^.\n]*/i.exec(r.prose.text)?.[0].trim() ?? "rename";
    questions.push(`"${words}": what should the new name of ${jobName(job)} be? Give it in quotes or bold.`);
  }
  // Schedule edits
  const s = r.schedule;
  if (s.months) {
    // Months in an update ("move it to every day in December"): the merge below keeps the job's month field.
    questions.push(
      `"${s.months.words}": a change to the months ${jobName(job)} runs in is not read by the offline interpreter. Give the new Quartz expression (e.g. "0 0 6 1 1,4,7,10 ?" for 06:00 on the first day of each quarter).`,
    );
  } else if (s.remove) {
    delete desired.schedule;
    explanation.push(source("schedule (removed)", s.remove));
  } else if (s.cron || s.frequency || s.time || s.zone || s.pause || s.shift) {
    const current = existing.schedule as
      { quartz_cron_expression?: string; timezone_id?: string; pause_status?: string } | undefined;
    if (current?.quartz_cron_expression) {
      const next: JsonObject = { ...current };
      if (s.cron) {
        next.quartz_cron_expression = s.cron.value;
        explanation.push(source("schedule.quartz_cron_expression", s.cron));
      } else if (s.shift && !s.frequency) {
        // "push it back an hour": from the time the words name ("fails at 6"), else the job's own.
        const moved = shiftQuartz(current.quartz_cron_expression, s.shift.value, s.time?.value);
        if (moved) next.quartz_cron_expression = moved;
        else
          questions.push(
            `"${s.shift.words}": ${jobName(job)} runs at "${current.quartz_cron_expression}"; moving it would change its days or it has no single clock time. Give the new time (e.g. "at 7:00").`,
          );
        explanation.push({
          field: "schedule.quartz_cron_expression",
          words: [s.time?.words, s.shift.words].filter(Boolean).join(" … "),
          ...(s.shift.line ? { line: s.shift.line } : {}),
        });
      } else if (s.also && s.time && !s.frequency) {
        // "should also run at 12:30": another run each day, not a move.
        const added = addTimeToQuartz(current.quartz_cron_expression, s.time.value);
        if (added) next.quartz_cron_expression = added;
        else
          questions.push(
            `"${s.also.words} … ${s.time.words}": ${jobName(job)} runs at "${current.quartz_cron_expression}"; one schedule cannot add a run at another minute of the hour. Should the new run be at the same minute, or should the time move instead?`,
          );
        explanation.push({
          field: "schedule.quartz_cron_expression",
          words: `${s.also.words} … ${s.time.words}`,
          ...(s.time.line ? { line: s.time.line } : {}),
        });
      } else if (s.frequency || s.time) {
        next.quartz_cron_expression = mergeIntoQuartz(current.quartz_cron_expression, s);
        explanation.push({
          field: "schedule.quartz_cron_expression",
          words: [s.frequency?.words, s.time?.words].filter(Boolean).join(" … "),
          ...((s.frequency ?? s.time)?.line ? { line: (s.frequency ?? s.time)!.line } : {}),
        });
      }
      if (s.zone) {
        next.timezone_id = s.zone.value;
        explanation.push(source("schedule.timezone_id", s.zone));
      }
      if (s.pause) {
        next.pause_status = s.pause.value;
        explanation.push(source("schedule.pause_status", s.pause));
      }
      desired.schedule = next;
    } else if (s.cron || s.frequency || s.time) {
      const fresh = scheduleFromReading(r, explanation, questions);
      if (fresh) desired.schedule = fresh;
    } else if (s.pause && (existing.trigger || existing.continuous)) {
      // Pausing a job without a schedule pauses its trigger or continuous run.
      const field = existing.trigger ? "trigger" : "continuous";
      desired[field] = { ...(existing[field] as JsonObject), pause_status: s.pause.value };
      explanation.push(source(`${field}.pause_status`, s.pause));
    } else if (s.pause) {
      questions.push(
        `${jobName(job)} has no schedule, trigger or continuous run to ${s.pause.value === "PAUSED" ? "pause" : "resume"}.`,
      );
    }
  }
  // A job parameter's default: "change the default of lookback_days to 7", "set region default to us",
  // "lookback_days should default to 7". `parameters` is replaced whole, so every other parameter is sent as it is.
  const declared = (existing.parameters as Array<{ name: string; default?: string }> | undefined) ?? [];
  if (declared.length) {
    let changed = false;
    const next = declared.map((p) => {
      const n = escapeRegExp(p.name);
      const re = new RegExp(
        String.raw`\bdefault\s+(?:value\s+)?(?:of|for)\s+(?:the\s+)?(?:parameter\s+)?\`?${n}\`?\s+(?:to|=|:|as)\s*("[^"]*"|\`[^\`]*\`|[^\s,;!?]+)|\`?${n}\`?(?:'s)?\s+(?:parameter\s+)?(?:default(?:\s+value)?\s*(?:to|=|:|as|is)?|should\s+default\s+to|defaults?\s+to)\s*("[^"]*"|\`[^\`]*\`|[^\s,;!?]+)`,
        "i",
      );
      const m = re.exec(r.prose.text);
      if (!m) return p;
      const value = (m[1] ?? m[2] ?? "").replace(/^["`]|["`]$/g, "").replace(/[.)]+$/, "");
      if (!value || value === p.default) return p;
      changed = true;
      explanation.push({ field: `parameters[${p.name}].default`, words: m[0].replace(/[.)]+$/, "") });
      return { ...p, default: value };
    });
    if (changed) desired.parameters = next;
  }
  // Cluster edits
  if (r.cluster.numWorkers || r.cluster.autoscale || r.cluster.nodeType || r.cluster.sparkVersion) {
    const clusters = desired.job_clusters ?? [];
    const chosen = r.cluster.key
      ? clusters.filter((c) => c.job_cluster_key === r.cluster.key!.value)
      : clusters;
    if (chosen.length === 1) {
      const spec = await clusterSpec(r, tools, explanation, questions, chosen[0].new_cluster);
      if (spec) chosen[0].new_cluster = spec;
    } else if (clusters.length === 0) {
      const withNew = (desired.tasks ?? []).filter((t) => t.new_cluster);
      if (withNew.length === 1) {
        const spec = await clusterSpec(
          r,
          tools,
          explanation,
          questions,
          withNew[0].new_cluster as JsonObject,
        );
        if (spec) withNew[0].new_cluster = spec;
      } else
        questions.push(
          `${jobName(job)} has no single job cluster to resize; which cluster or task do you mean?`,
        );
    } else {
      questions.push(
        `${jobName(job)} has several job clusters (${clusters.map((c) => c.job_cluster_key).join(", ")}); which one should change?`,
      );
    }
  }
  // Task edits
  const tasks = desired.tasks ?? [];
  const keys = tasks.map((t) => t.task_key);
  const resolveKey = (name: string): string | undefined =>
    keys.includes(name) ? name : (keys.find((k) => k === toTaskKey(name)) ?? closestWithin(name, keys, 1));
  for (const rm of r.removeTasks) {
    const key = resolveKey(rm.value);
    if (!key) {
      questions.push(`"${rm.words}": ${jobName(job)} has no task "${rm.value}" (tasks: ${keys.join(", ")}).`);
      continue;
    }
    desired.tasks = (desired.tasks ?? []).filter((t) => t.task_key !== key);
    for (const t of desired.tasks) {
      if (t.depends_on?.some((d) => d.task_key === key)) {
        t.depends_on = t.depends_on.filter((d) => d.task_key !== key);
        if (!t.depends_on.length) delete t.depends_on;
      }
    }
    explanation.push(source(`tasks[${key}] (removed)`, rm));
  }
  for (const rc of r.removeJobClusters) {
    const clusters = desired.job_clusters ?? [];
    const chosen = rc.value
      ? clusters.filter((c) => c.job_cluster_key === rc.value)
      : clusters.length === 1
        ? clusters
        : [];
    if (chosen.length !== 1) {
      questions.push(
        `"${rc.words}": ${jobName(job)} has ${clusters.length ? `job clusters ${clusters.map((c) => c.job_cluster_key).join(", ")}` : "no job cluster"}; which one should go?`,
      );
      continue;
    }
    const key = chosen[0].job_cluster_key;
    const users = (desired.tasks ?? []).filter((t) => t.job_cluster_key === key);
    // Tasks still on the cluster move to serverless only when the ticket says so; otherwise ask where they run.
    if (users.length && !r.serverless) {
      questions.push(
        `"${rc.words}": tasks ${users.map((t) => t.task_key).join(", ")} still run on job cluster ${key}. Where should they run instead (another cluster, or serverless)?`,
      );
      continue;
    }
    for (const t of users) delete t.job_cluster_key;
    desired.job_clusters = clusters.filter((c) => c.job_cluster_key !== key);
    if (!desired.job_clusters.length) delete desired.job_clusters;
    explanation.push(source(`job_clusters[${key}] (removed)`, rc));
    if (users.length && r.serverless)
      explanation.push(source(`tasks[${users.map((t) => t.task_key).join(",")}] (serverless)`, r.serverless));
  }
  // "can we move X to serverless?": every notebook task on a cluster runs on serverless compute, and the job clusters
  // no task uses any more go. Other tasks need an environment on serverless (their dependencies): asked.
  if (r.serverless && !r.removeJobClusters.length) {
    const onCluster = (desired.tasks ?? []).filter(
      (t) => t.job_cluster_key || t.new_cluster || t.existing_cluster_id,
    );
    const notNotebooks = onCluster.filter((t) => !t.notebook_task);
    if (notNotebooks.length)
      questions.push(
        `"${r.serverless.words}": tasks ${notNotebooks.map((t) => t.task_key).join(", ")} are not notebooks; on serverless they run in an environment. Which dependencies (packages) should it have?`,
      );
    else if (onCluster.length) {
      for (const t of onCluster) {
        delete t.job_cluster_key;
        delete t.new_cluster;
        delete t.existing_cluster_id;
      }
      const used = new Set((desired.tasks ?? []).map((t) => t.job_cluster_key).filter(Boolean));
      desired.job_clusters = (desired.job_clusters ?? []).filter((c) => used.has(c.job_cluster_key));
      if (!desired.job_clusters.length) delete desired.job_clusters;
      explanation.push(
        source(`tasks[${onCluster.map((t) => t.task_key).join(",")}] (serverless)`, r.serverless),
      );
    }
  }
  for (const rp of r.repointTasks) {
    const key = resolveKey(rp.task);
    const task = (desired.tasks ?? []).find((t) => t.task_key === key);
    if (!task) {
      questions.push(`"${rp.words}": ${jobName(job)} has no task "${rp.task}" (tasks: ${keys.join(", ")}).`);
      continue;
    }
    if (rp.value.endsWith(".py")) {
      delete task.notebook_task;
      task.spark_python_task = { ...((task.spark_python_task as JsonObject) ?? {}), python_file: rp.value };
      explanation.push(source(`tasks[${task.task_key}].spark_python_task.python_file`, rp));
    } else {
      delete task.spark_python_task;
      task.notebook_task = { ...((task.notebook_task as JsonObject) ?? {}), notebook_path: rp.value };
      explanation.push(source(`tasks[${task.task_key}].notebook_task.notebook_path`, rp));
    }
  }
  if (r.steps.length) {
    const added = r.steps.map((st) => stepTask(st, r, explanation, questions, r.steps.length));
    const deps = dependencies(r.steps, r, keys, explanation, questions);
    const sharedCluster = [...new Set(tasks.map((t) => t.job_cluster_key).filter(Boolean))];
    const sharedExisting = [...new Set(tasks.map((t) => t.existing_cluster_id).filter(Boolean))];
    for (const t of added) {
      const d = deps.get(t.task_key);
      if (d) t.depends_on = d.map((k) => ({ task_key: k }));
      const needsCompute = runsOnCompute(t);
      if (needsCompute && sharedCluster.length === 1) t.job_cluster_key = sharedCluster[0] as string;
      else if (needsCompute && sharedExisting.length === 1)
        t.existing_cluster_id = sharedExisting[0] as string;
      if (keys.includes(t.task_key))
        questions.push(`${jobName(job)} already has a task "${t.task_key}"; should it be replaced?`);
    }
    desired.tasks = [...(desired.tasks ?? []), ...added];
  }
  applyCommon(desired, r, explanation, questions, existing);
  applyRetriesAndTimeouts(desired, r, explanation, questions);
  if (r.existingClusterId) {
    for (const t of desired.tasks ?? []) {
      if (runsOnCompute(t) && !t.dbt_task) {
        delete t.job_cluster_key;
        delete t.new_cluster;
        t.existing_cluster_id = r.existingClusterId.value;
      }
    }
    explanation.push(source("tasks[*].existing_cluster_id", r.existingClusterId));
  }
  return stableJson(desired) === stableJson(existing) ? existing : desired;
}

/** "threshold set to 0.98", "window_days to 14", "run_date of 2024-06-30": a declared parameter given a value. */
function declaredParameterMentions(
  r: Reading,
  declared: Set<string>,
  defaults: Map<string, string> = new Map(),
): Array<{ name: string; value: string; words: string; line?: number }> {
  const out: Array<{ name: string; value: string; words: string; line?: number }> = [];
  const firsts = [...declared].map((d) => d.split(/[_-]/)[0]?.toLowerCase());
  for (const name of declared) {
    const spoken = name.replace(/[_-]+/g, " ");
    // A flag ("dry_run" defaulting to "true"): "not a dry run", "for real" → false; "as a dry run" → true.
    const flag = defaults.get(name);
    if (flag === "true" || flag === "false") {
      const said = new RegExp(
        String.raw`\b(?:(not|no|never|without|isn't|is\s+not)\s+(?:an?\s+|the\s+)?)?${spoken.replace(/ /g, "[\\s_-]")}\b`,
        "i",
      );
      for (const l of r.prose.lines) {
        const m = said.exec(l.text);
        if (!m) continue;
        // "dry run: false", "dry run set to no": a value said after the name is the value.
        const stated = /^\s*(?:[:=]|\bis\b|\b(?:set\s+)?to\b)?\s*(true|false|yes|no|on|off)\b/i.exec(
          l.text.slice(m.index + m[0].length),
        );
        const on = stated ? /^(?:true|yes|on)$/i.test(stated[1] as string) : !m[1];
        out.push({ name, value: on ? "true" : "false", words: m[0] + (stated?.[0] ?? ""), line: l.line });
        break;
      }
      if (out.some((o) => o.name === name)) continue;
    }
    // "start 2026-11-01, end 2026-11-30" for start_date / end_date: the first word of a name (when no other declared
    // name starts with it) or the name spoken with spaces, given a value that looks like one (a date, a number).
    const first = name.split(/[_-]/)[0] ?? "";
    const aliases = [
      spoken !== name ? spoken : undefined,
      first.length >= 3 && first !== name && firsts.filter((f) => f === first.toLowerCase()).length === 1
        ? first
        : undefined,
    ].filter((a): a is string => !!a);
    let aliased = false;
    for (const alias of aliases) {
      const re = new RegExp(
        String.raw`(?<![\w.-])${alias.replace(/ /g, "\\s+")}\s*(?:[:=]\s*|\s(?:(?:date\s+)?(?:is|of|to|as|at)\s+)?)(\d{4}-\d{2}(?:-\d{2})?|\d+(?:\.\d+)?)(?![\w-])`,
        "i",
      );
      for (const l of r.prose.lines) {
        const m = re.exec(l.text);
        if (!m) continue;
        out.push({ name, value: m[1] as string, words: m[0], line: l.line });
        aliased = true;
        break;
      }
      if (aliased) break;
    }
    if (aliased) continue;
    const n = escapeRegExp(name);
    // "run_date of 2024-06-30", "threshold set to 0.98"; without a connector only a value-like word: "for month
    // 2026-10", "region `eu`", "full_refresh true".
    const re = new RegExp(
      String.raw`(?<![\w.-])\`?${n}\`?\s+(?:(?:(?:set|changed)\s+to|to|of|as|at)\s+("[^"]*"|\`[^\`]*\`|[^\s,;!?]+)|("[^"]*"|\`[^\`]*\`|\d[^\s,;!?]*|true|false)(?![\w-]))`,
      "i",
    );
    for (const l of r.prose.lines) {
      const m = re.exec(l.text);
      if (!m) continue;
      const value = (m[1] ?? m[2]).replace(/^["`]|["`]$/g, "").replace(/[.)]+$/, "");
      out.push({ name, value, words: m[0].replace(/[.)]+$/, ""), line: l.line });
      break;
    }
  }
  return out;
}

function buildRun(
  r: Reading,
  job: WorkspaceJob,
  explanation: FieldSource[],
  questions: string[],
): WorkItem["run"] {
  const run: NonNullable<WorkItem["run"]> = {};
  const parameters = (job.settings.parameters as Array<{ name: string; default?: string }>) ?? [];
  const declared = new Set(parameters.map((p) => p.name));
  const defaults = new Map(parameters.map((p) => [p.name, String(p.default ?? "")]));
  // The job's own parameter names are the lexicon for "threshold set to 0.98" / "run_date of 2024-06-30".
  const lexicon = declaredParameterMentions(r, declared, defaults);
  if (r.runParameters.length || lexicon.length) {
    const params: Record<string, string> = {};
    for (const p of lexicon) {
      if (r.runParameters.some((q) => q.name === p.name)) continue;
      params[p.name] = p.value;
      explanation.push(source(`job_parameters.${p.name}`, p));
    }
    for (const p of r.runParameters) {
      // A parameter the job does not declare would be rejected (or silently unused): ask, never send it.
      if (!declared.has(p.name)) {
        const has = declared.size
          ? `its parameters: ${[...declared].join(", ")}`
          : "it declares no job parameters";
        questions.push(
          `${jobName(job)} has no job parameter "${p.name}" (${has}; "${p.words}", line ${p.line}). Which parameter do you mean?`,
        );
        continue;
      }
      params[p.name] = p.value;
      explanation.push(source(`job_parameters.${p.name}`, p));
    }
    if (Object.keys(params).length) run.job_parameters = params;
  }
  if (r.runOnly.length) {
    const keys = (job.settings.tasks ?? []).map((t) => t.task_key);
    const only: string[] = [];
    for (const o of r.runOnly) {
      const key = keys.includes(o.value) ? o.value : closestWithin(o.value, keys, 1);
      if (key) {
        only.push(key);
        explanation.push(source("only", o));
      } else
        questions.push(
          `${jobName(job)} has no task "${o.value}" (tasks: ${keys.join(", ")}). Which task should run?`,
        );
    }
    if (only.length) run.only = only;
  }
  return run;
}
