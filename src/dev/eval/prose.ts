/**
 * The prose eval: runs any ProseInterpreter (the LLM Tech Lead against a configured endpoint, or the offline
 * interpreter) over labelled prose requirements and scores it with the shared grader (src/dev/eval/grade.ts,
 * INTERPRETATION.md §2).
 *
 * Case format (test/eval/prose/README.md): one YAML file per requirement with `id`, `kind`, `ticket`,
 * `existing_jobs`, `expect`, `expect_absent` (as the offline interpreter's tickets) plus an optional `also` list
 * of further expected requests `{kind, expect, expect_absent}` for requirements that decompose into several work
 * items. A case passes when every expected request is matched by a distinct produced request and nothing else
 * is produced.
 *
 * Reported: exact-match rate (overall and per kind), field-level precision / recall over the grader's leaves,
 * LLM calls and prompt tokens per requirement (when the interpreter reports usage), and time.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import type { ApiRequest, JsonObject, WorkItem, WorkspaceJob } from "../../domain/model.js";
import type { LlmSettings, ProseInterpreter, RequirementDoc, TechLeadTools } from "../../techlead/types.js";
import {
  gradeAnswer,
  type EvalTicket,
  type GradeResult,
  type LeafOutcome,
  type TicketKind,
  type ToolAnswer,
} from "./grade.js";
import { isObject } from "../../domain/json.js";

const KINDS: TicketKind[] = ["create", "update", "delete", "run"];

export interface ExpectedRequest {
  kind: TicketKind;
  expect: JsonObject;
  expect_absent?: string[];
}

export interface ProseCase extends EvalTicket {
  also?: ExpectedRequest[];
}

export interface ProseCaseResult {
  id: string;
  file: string;
  /** Primary kind, or "clarify" when the case expects a question. */
  kind: TicketKind | "clarify";
  pass: boolean;
  reasons: string[];
  leaves: LeafOutcome[];
  answer: ToolAnswer;
  llmCalls?: number;
  promptTokens?: number;
  ms: number;
}

export interface Rate {
  passed: number;
  total: number;
  rate: number;
}

export interface ProseEvalReport {
  interpreter: ProseInterpreter["kind"];
  cases: ProseCaseResult[];
  exactMatch: Rate;
  byKind: Record<string, Rate>;
  fields: { ok: number; missing: number; wrong: number; extra: number; precision: number; recall: number };
  /** Means per requirement (undefined when the interpreter does not report usage). */
  llmCallsPerRequirement?: number;
  promptTokensPerRequirement?: number;
  msPerRequirement: number;
}

export interface ProseEvalOptions {
  /** Folder with the case files (searched recursively for *.yaml / *.yml). */
  dir: string;
  interpreter: ProseInterpreter;
  /** Base tools; `findJobsByName` is answered from each case's existing jobs. */
  tools: TechLeadTools;
  /** Only cases whose id contains one of these strings. */
  only?: string[];
  onCase?: (result: ProseCaseResult) => void;
}

/** Interpreters that report their LLM usage (the LLM Tech Lead does). */
interface UsageReporting {
  usage(): { calls: number; promptTokens: number };
}

function hasUsage(interpreter: ProseInterpreter): interpreter is ProseInterpreter & UsageReporting {
  return typeof (interpreter as Partial<UsageReporting>).usage === "function";
}

// ---------------------------------------------------------------------------------------------------------------
// Cases

class CaseError extends Error {}

function caseError(file: string, path: string, value: unknown, problem: string, fix: string): CaseError {
  return new CaseError(
    `${file}: ${path}: ${problem} (found: ${JSON.stringify(value)?.slice(0, 120)}). Fix: ${fix}`,
  );
}

function readExpected(file: string, path: string, raw: unknown): ExpectedRequest {
  if (!isObject(raw))
    throw caseError(file, path, raw, "must be a mapping", "Write {kind, expect, expect_absent}.");
  if (!KINDS.includes(raw.kind as TicketKind))
    throw caseError(file, `${path}.kind`, raw.kind, "unknown kind", `Use one of ${KINDS.join(", ")}.`);
  if (!isObject(raw.expect))
    throw caseError(
      file,
      `${path}.expect`,
      raw.expect,
      "must be a mapping",
      "Write the expected fields under expect.",
    );
  if (
    raw.expect_absent !== undefined &&
    (!Array.isArray(raw.expect_absent) || raw.expect_absent.some((p) => typeof p !== "string"))
  ) {
    throw caseError(
      file,
      `${path}.expect_absent`,
      raw.expect_absent,
      "must be a list of dotted paths",
      "Write e.g. [schedule, tasks[x].new_cluster].",
    );
  }
  return {
    kind: raw.kind as TicketKind,
    expect: raw.expect,
    expect_absent: raw.expect_absent as string[] | undefined,
  };
}

function listYaml(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listYaml(full));
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

/** Reads and checks every case file under `dir`; a malformed case throws naming the file, field, value and fix. */
export function loadProseCases(dir: string): ProseCase[] {
  const cases: ProseCase[] = [];
  const ids = new Set<string>();
  for (const full of listYaml(dir)) {
    const file = relative(process.cwd(), full);
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(full, "utf8"), { maxAliasCount: 50 });
    } catch (error) {
      throw new CaseError(
        `${file}: not valid YAML: ${(error as Error).message}. Fix: correct the YAML syntax.`,
      );
    }
    if (!isObject(raw))
      throw caseError(file, "", raw, "a case must be a mapping", "Write id, kind, ticket, expect.");
    if (typeof raw.id !== "string" || !raw.id)
      throw caseError(file, "id", raw.id, "missing id", "Give the case a unique id.");
    if (ids.has(raw.id)) throw caseError(file, "id", raw.id, "duplicate id", "Give the case a unique id.");
    ids.add(raw.id);
    if (typeof raw.ticket !== "string" || !raw.ticket.trim())
      throw caseError(
        file,
        "ticket",
        raw.ticket,
        "missing ticket text",
        "Write the requirement prose under ticket.",
      );
    const primary = readExpected(file, "(case)", raw);
    if (raw.existing_jobs !== undefined) {
      if (!Array.isArray(raw.existing_jobs))
        throw caseError(
          file,
          "existing_jobs",
          raw.existing_jobs,
          "must be a list",
          "Write [{job_id, settings}].",
        );
      raw.existing_jobs.forEach((j, i) => {
        if (!isObject(j) || typeof j.job_id !== "number" || !isObject(j.settings)) {
          throw caseError(
            file,
            `existing_jobs[${i}]`,
            j,
            "must have a numeric job_id and a settings mapping",
            "Write {job_id: 123, settings: {name: ...}}.",
          );
        }
      });
    }
    const also =
      raw.also === undefined
        ? undefined
        : Array.isArray(raw.also)
          ? raw.also.map((a, i) => readExpected(file, `also[${i}]`, a))
          : undefined;
    if (raw.also !== undefined && !also)
      throw caseError(file, "also", raw.also, "must be a list", "Write [{kind, expect}].");
    cases.push({
      id: raw.id,
      kind: primary.kind,
      ticket: raw.ticket,
      existing_jobs: (raw.existing_jobs as WorkspaceJob[] | undefined) ?? [],
      expect: primary.expect,
      expect_absent: primary.expect_absent,
      also,
      file,
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------------------------
// Work items → the Jobs API requests the Worker would send (independent of the planner)

export function workItemsToAnswer(items: WorkItem[], existingJobs: WorkspaceJob[]): ToolAnswer {
  const requests: ApiRequest[] = [];
  const questions: string[] = [];
  for (const item of items) {
    if (item.questions?.length) {
      questions.push(...item.questions);
      continue;
    }
    if (item.action === "create") {
      requests.push({ endpoint: "jobs/create", body: (item.settings ?? {}) as JsonObject });
      continue;
    }
    let jobId = item.target?.job_id;
    if (jobId === undefined && item.target?.name !== undefined) {
      const matches = existingJobs.filter((j) => j.settings.name === item.target!.name);
      if (matches.length === 1) jobId = matches[0]!.job_id;
    }
    if (jobId === undefined && !(item.action === "run" && item.depends_on?.length)) {
      questions.push(
        `(eval) ${item.action} item "${item.key}" names no resolvable job: ${JSON.stringify(item.target ?? null)}`,
      );
      continue;
    }
    const idPart = jobId === undefined ? {} : { job_id: jobId };
    switch (item.action) {
      case "update":
        if (item.patch) {
          requests.push({
            endpoint: "jobs/update",
            body: {
              ...idPart,
              new_settings: item.patch.new_settings,
              ...(item.patch.fields_to_remove?.length
                ? { fields_to_remove: item.patch.fields_to_remove }
                : {}),
            },
          });
        } else {
          requests.push({
            endpoint: "jobs/reset",
            body: { ...idPart, new_settings: (item.settings ?? {}) as JsonObject },
          });
        }
        break;
      case "delete":
        requests.push({ endpoint: "jobs/delete", body: idPart });
        break;
      case "run":
        requests.push({
          endpoint: "jobs/run-now",
          body: {
            ...idPart,
            ...(item.run?.job_parameters ? { job_parameters: item.run.job_parameters } : {}),
            ...(item.run?.only?.length ? { only: item.run.only } : {}),
          },
        });
        break;
    }
  }
  return { requests, questions };
}

// ---------------------------------------------------------------------------------------------------------------
// Grading a case (one or several expected requests)

const ENDPOINT_KIND: Record<ApiRequest["endpoint"], TicketKind> = {
  "jobs/create": "create",
  "jobs/update": "update",
  "jobs/reset": "update",
  "jobs/delete": "delete",
  "jobs/run-now": "run",
};

function score(result: GradeResult): number {
  return (result.pass ? 1_000_000 : 0) + result.leaves.filter((l) => l.status === "ok").length;
}

export function gradeCase(testCase: ProseCase, answer: ToolAnswer): GradeResult {
  if (testCase.expect.needs_clarification === true) return gradeAnswer(testCase, answer);
  const expected: ExpectedRequest[] = [
    { kind: testCase.kind, expect: testCase.expect, expect_absent: testCase.expect_absent },
    ...(testCase.also ?? []),
  ];
  const unused = [...answer.requests];
  const reasons: string[] = [];
  const leaves: LeafOutcome[] = [];
  expected.forEach((exp, index) => {
    const sub: EvalTicket = {
      ...testCase,
      kind: exp.kind,
      expect: exp.expect,
      expect_absent: exp.expect_absent,
    };
    let best: { request: ApiRequest; result: GradeResult } | undefined;
    for (const request of unused.filter((r) => ENDPOINT_KIND[r.endpoint] === exp.kind)) {
      const result = gradeAnswer(sub, { requests: [request], questions: [] });
      if (!best || score(result) > score(best.result)) best = { request, result };
    }
    const result = best?.result ?? gradeAnswer(sub, { requests: [], questions: answer.questions });
    if (best) unused.splice(unused.indexOf(best.request), 1);
    const label = index === 0 ? "" : `also[${index - 1}] `;
    reasons.push(...result.reasons.map((r) => `${label}${r}`));
    leaves.push(...result.leaves.map((l) => ({ ...l, path: `${label}${l.path}` })));
  });
  for (const extra of unused) {
    const reason = `unexpected extra request ${extra.endpoint} ${JSON.stringify(extra.body).slice(0, 120)}`;
    reasons.push(reason);
    leaves.push({ path: extra.endpoint, status: "extra", message: reason });
  }
  return { pass: reasons.length === 0, reasons, leaves };
}

// ---------------------------------------------------------------------------------------------------------------
// Running

function rate(passed: number, total: number): Rate {
  return { passed, total, rate: total === 0 ? 0 : passed / total };
}

function requirementDoc(testCase: ProseCase): RequirementDoc {
  return {
    file: testCase.file ?? `${testCase.id}.md`,
    text: testCase.ticket,
    frontMatter: {},
    body: testCase.ticket,
    bodyLine: 1,
  };
}

export async function runProseEval(options: ProseEvalOptions): Promise<ProseEvalReport> {
  const cases = loadProseCases(options.dir).filter(
    (c) => !options.only?.length || options.only.some((o) => c.id.includes(o)),
  );
  const results: ProseCaseResult[] = [];
  for (const testCase of cases) {
    const existingJobs = testCase.existing_jobs ?? [];
    const tools: TechLeadTools = {
      ...options.tools,
      searchDocs: (q, k) => options.tools.searchDocs(q, k),
      listNodeTypes: () => options.tools.listNodeTypes(),
      listSparkVersions: () => options.tools.listSparkVersions(),
      listWarehouses: () => options.tools.listWarehouses(),
      pathExists: (p) => options.tools.pathExists(p),
      findJobsByName: async (name) => existingJobs.filter((j) => j.settings.name === name),
    };
    const before = hasUsage(options.interpreter) ? options.interpreter.usage() : undefined;
    const started = Date.now();
    let answer: ToolAnswer;
    let crash: string | undefined;
    try {
      const interpretation = await options.interpreter.interpret(requirementDoc(testCase), {
        existingJobs,
        tools,
      });
      answer = workItemsToAnswer(interpretation.items, existingJobs);
    } catch (error) {
      crash = `the interpreter threw: ${(error as Error).message}`;
      answer = { requests: [], questions: [] };
    }
    const ms = Date.now() - started;
    const after = hasUsage(options.interpreter) ? options.interpreter.usage() : undefined;
    const graded = gradeCase(testCase, answer);
    const result: ProseCaseResult = {
      id: testCase.id,
      file: testCase.file ?? testCase.id,
      kind: testCase.expect.needs_clarification === true ? "clarify" : testCase.kind,
      pass: graded.pass && !crash,
      reasons: crash ? [crash, ...graded.reasons] : graded.reasons,
      leaves: graded.leaves,
      answer,
      ms,
      ...(before && after
        ? { llmCalls: after.calls - before.calls, promptTokens: after.promptTokens - before.promptTokens }
        : {}),
    };
    results.push(result);
    options.onCase?.(result);
  }
  return summarise(options.interpreter.kind, results);
}

export function summarise(kind: ProseInterpreter["kind"], cases: ProseCaseResult[]): ProseEvalReport {
  const byKind: Record<string, Rate> = {};
  for (const k of [...KINDS, "clarify"]) {
    const of = cases.filter((c) => c.kind === k);
    if (of.length) byKind[k] = rate(of.filter((c) => c.pass).length, of.length);
  }
  const count = (status: LeafOutcome["status"]) =>
    cases.reduce((n, c) => n + c.leaves.filter((l) => l.status === status).length, 0);
  const ok = count("ok");
  const missing = count("missing");
  const wrong = count("wrong");
  const extra = count("extra");
  const withUsage = cases.filter((c) => c.llmCalls !== undefined);
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  return {
    interpreter: kind,
    cases,
    exactMatch: rate(cases.filter((c) => c.pass).length, cases.length),
    byKind,
    fields: {
      ok,
      missing,
      wrong,
      extra,
      precision: ok + wrong + extra === 0 ? 0 : ok / (ok + wrong + extra),
      recall: ok + wrong + missing === 0 ? 0 : ok / (ok + wrong + missing),
    },
    ...(withUsage.length
      ? {
          llmCallsPerRequirement: mean(withUsage.map((c) => c.llmCalls!)),
          promptTokensPerRequirement: mean(withUsage.map((c) => c.promptTokens ?? 0)),
        }
      : {}),
    msPerRequirement: mean(cases.map((c) => c.ms)),
  };
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;

/** A plain-text report: one line per case, then the totals. */
export function formatProseEvalReport(report: ProseEvalReport): string {
  const lines: string[] = [`Prose eval (${report.interpreter}): ${report.cases.length} requirements`];
  for (const c of report.cases) {
    const usage = c.llmCalls !== undefined ? `  calls=${c.llmCalls} prompt_tokens=${c.promptTokens}` : "";
    lines.push(
      `  ${c.pass ? "PASS" : "FAIL"}  ${c.id.padEnd(32)} ${c.kind.padEnd(7)} ${String(c.ms).padStart(6)} ms${usage}`,
    );
    if (!c.pass) for (const reason of c.reasons.slice(0, 4)) lines.push(`        - ${reason}`);
  }
  lines.push("");
  lines.push(
    `exact match: ${report.exactMatch.passed}/${report.exactMatch.total} (${pct(report.exactMatch.rate)})`,
  );
  for (const [kind, r] of Object.entries(report.byKind))
    lines.push(`  ${kind.padEnd(8)} ${r.passed}/${r.total} (${pct(r.rate)})`);
  const f = report.fields;
  lines.push(
    `field-level: precision ${pct(f.precision)}  recall ${pct(f.recall)}  (ok ${f.ok}, wrong ${f.wrong}, missing ${f.missing}, extra ${f.extra})`,
  );
  if (report.llmCallsPerRequirement !== undefined) {
    lines.push(
      `LLM calls per requirement: ${report.llmCallsPerRequirement.toFixed(2)}  prompt tokens per requirement: ${Math.round(report.promptTokensPerRequirement ?? 0)}`,
    );
  }
  lines.push(`time per requirement: ${Math.round(report.msPerRequirement)} ms`);
  return lines.join("\n");
}

/**
 * LLM settings for the eval from the environment: JOBAGENT_LLM_MODEL, JOBAGENT_LLM_BASE_URL (default
 * `<DATABRICKS_HOST>/serving-endpoints`), JOBAGENT_LLM_API_KEY (default DATABRICKS_TOKEN). Undefined when no model
 * is configured. The key is read on every request and never printed.
 */
export function llmSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): LlmSettings | undefined {
  const model = env.JOBAGENT_LLM_MODEL?.trim();
  if (!model) return undefined;
  const host = env.DATABRICKS_HOST?.trim();
  const baseUrl =
    env.JOBAGENT_LLM_BASE_URL?.trim() ||
    (host
      ? `${/^https?:\/\//.test(host) ? host : `https://${host}`}`.replace(/\/+$/, "") + "/serving-endpoints"
      : undefined);
  return {
    model,
    ...(baseUrl ? { baseUrl } : {}),
    apiKey: async () => {
      const key = env.JOBAGENT_LLM_API_KEY ?? env.DATABRICKS_TOKEN;
      if (!key) throw new Error("no LLM API key: set JOBAGENT_LLM_API_KEY (or DATABRICKS_TOKEN)");
      return key;
    },
  };
}
