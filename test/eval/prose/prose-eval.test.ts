/**
 * The prose eval harness end to end: the LLM Tech Lead (real `openai` client, real HTTP) against the scripted
 * server playing a model, over the labelled cases in test/eval/prose/cases, graded by src/dev/eval/grade.ts.
 * An oracle model must score 100 %; a model that gets some cases wrong must score exactly that much lower.
 */
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  formatProseEvalReport,
  gradeCase,
  loadProseCases,
  runProseEval,
  workItemsToAnswer,
  type ExpectedRequest,
  type ProseCase,
} from "../../../src/dev/eval/prose.js";
import { createLlmInterpreter } from "../../../src/techlead/llm/index.js";
import {
  allMessageText,
  reply,
  startOpenAiServer,
  type RecordedRequest,
  type Reply,
  type ScriptedOpenAiServer,
} from "../../support/openai-server.js";
import { envelopeItem, recordingTools } from "../../techlead/helpers.js";

const DIR = resolve(process.cwd(), "test/eval/prose/cases");
const cases = loadProseCases(DIR);

/** The answer a perfect model would give: each expectation written back as a work item. */
function oracleItems(testCase: ProseCase): Array<Record<string, unknown>> {
  if (testCase.expect.needs_clarification === true) {
    return [envelopeItem({ key: "ask", questions: ["Which code should this job run?"] })];
  }
  const expected: ExpectedRequest[] = [
    { kind: testCase.kind, expect: testCase.expect, expect_absent: testCase.expect_absent },
    ...(testCase.also ?? []),
  ];
  return expected.map((e, i) => {
    const { job_id, job_parameters, only, ...rest } = e.expect as Record<string, unknown>;
    const key = `item_${i}`;
    switch (e.kind) {
      case "create":
        return envelopeItem({ key, settings_json: JSON.stringify(rest) });
      case "update":
        return envelopeItem({
          key,
          action: "update",
          target_job_id: job_id,
          new_settings_json: JSON.stringify(rest),
        });
      case "delete":
        return envelopeItem({ key, action: "delete", target_job_id: job_id });
      case "run":
        return envelopeItem({
          key,
          action: "run",
          target_job_id: job_id,
          run_job_parameters_json: job_parameters ? JSON.stringify(job_parameters) : null,
          run_only: only ?? null,
        });
    }
  });
}

function caseOf(request: RecordedRequest): ProseCase {
  const text = allMessageText(request);
  const found = cases.find((c) => text.includes(`# Requirement file: ${c.file}\n`));
  if (!found) throw new Error("scripted model: unknown requirement");
  return found;
}

let server: ScriptedOpenAiServer;
beforeAll(async () => {
  server = await startOpenAiServer();
});
afterAll(async () => {
  await server.close();
});

function interpreter() {
  // The Worker's validator is exercised by the Tech Lead tests; here the oracle's answers are partial
  // expectations (not full specs), so only the harness is under test.
  return createLlmInterpreter(
    { model: "scripted", baseUrl: server.baseUrl, apiKey: async () => "eval-key-123456", maxRepairs: 0 },
    { validate: () => [], maxRetries: 0 },
  );
}

describe("prose eval", () => {
  it("has at least 25 labelled prose requirements covering every kind, clarification and decomposition", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    const kinds = new Set(cases.map((c) => (c.expect.needs_clarification ? "clarify" : c.kind)));
    expect([...kinds].sort()).toEqual(["clarify", "create", "delete", "run", "update"]);
    expect(cases.some((c) => (c.also?.length ?? 0) > 0)).toBe(true);
  });

  it("an oracle model scores 100 %, and the injected deletes it also proposes are dropped", async () => {
    server.setFallback((request) => {
      const testCase = caseOf(request);
      const items = oracleItems(testCase);
      if (testCase.id === "p24-injection") {
        items.push(
          envelopeItem({ key: "evil_1", action: "delete", target_job_id: 3101 }),
          envelopeItem({ key: "evil_2", action: "delete", target_name: "customers-hourly" }),
        );
      }
      return reply.json({ items });
    });
    const report = await runProseEval({ dir: DIR, interpreter: interpreter(), tools: recordingTools() });
    const failures = report.cases.filter((c) => !c.pass).map((c) => `${c.id}: ${c.reasons.join("; ")}`);
    expect(failures).toEqual([]);
    expect(report.exactMatch).toEqual({ passed: cases.length, total: cases.length, rate: 1 });
    expect(report.fields.precision).toBe(1);
    expect(report.fields.recall).toBe(1);
    expect(report.fields.ok).toBeGreaterThan(100);
    expect(report.llmCallsPerRequirement).toBe(1);
    expect(report.promptTokensPerRequirement).toBeGreaterThan(500);
    const text = formatProseEvalReport(report);
    expect(text).toContain(`exact match: ${cases.length}/${cases.length} (100.0%)`);
    expect(text).toMatch(/LLM calls per requirement: 1\.00/);
  });

  it("a model that gets cases wrong is scored down by exactly those cases, with reasons", async () => {
    const wrong: Record<string, (testCase: ProseCase) => Reply> = {
      // wrong time zone
      "p01-morning-sales": (c) => {
        const items = oracleItems(c);
        const settings = JSON.parse(items[0]!.settings_json as string) as {
          schedule: Record<string, string>;
        };
        settings.schedule.timezone_id = "UTC";
        return reply.json({ items: [{ ...items[0], settings_json: JSON.stringify(settings) }] });
      },
      // garbage → BLOCKED → no request
      "p08-sql-warehouse": () => reply.content("I'm not sure what you mean."),
      // guesses instead of asking
      "p26-no-code": () =>
        reply.json({
          items: [
            envelopeItem({
              key: "x",
              settings_json: JSON.stringify({
                name: "dash",
                tasks: [{ task_key: "a", notebook_task: { notebook_path: "/x" } }],
              }),
            }),
          ],
        }),
      // forgets the run of the decomposition
      "p28-create-and-run": (c) => reply.json({ items: oracleItems(c).slice(0, 1) }),
      // deletes the wrong (but named) job
      "p21-delete-by-name": () =>
        reply.json({
          items: [
            envelopeItem({
              key: "d",
              action: "delete",
              target_job_id: 1202,
              target_name: "tmp-migration-2024",
            }),
          ],
        }),
    };
    server.setFallback((request) => {
      const testCase = caseOf(request);
      return wrong[testCase.id]?.(testCase) ?? reply.json({ items: oracleItems(testCase) });
    });
    const report = await runProseEval({ dir: DIR, interpreter: interpreter(), tools: recordingTools() });
    const failed = report.cases.filter((c) => !c.pass).map((c) => c.id);
    expect(failed.sort()).toEqual(Object.keys(wrong).sort());
    expect(report.exactMatch.passed).toBe(cases.length - 5);
    expect(report.fields.precision).toBeLessThan(1);
    expect(report.fields.recall).toBeLessThan(1);
    expect(report.byKind.clarify!.passed).toBe(report.byKind.clarify!.total - 1);
    const p01 = report.cases.find((c) => c.id === "p01-morning-sales")!;
    expect(p01.leaves.filter((l) => l.status === "wrong").map((l) => l.path)).toEqual([
      "schedule.timezone_id",
    ]);
    const text = formatProseEvalReport(report);
    expect(text).toMatch(/FAIL {2}p08-sql-warehouse/);
    expect(text).toContain(`exact match: ${cases.length - 5}/${cases.length}`);
  });

  it("grades decomposed answers request by request and counts extra requests against the case", () => {
    const testCase = cases.find((c) => c.id === "p28-create-and-run")!;
    const create = {
      endpoint: "jobs/create" as const,
      body: {
        name: "geo-enrichment",
        tasks: [
          { task_key: "enrich_addresses", notebook_task: { notebook_path: "/Repos/geo/enrich_addresses" } },
        ],
        schedule: { quartz_cron_expression: "0 0 1 * * ?", timezone_id: "UTC" },
      },
    };
    const run = { endpoint: "jobs/run-now" as const, body: { job_id: 4711 } };
    expect(gradeCase(testCase, { requests: [run, create], questions: [] }).pass).toBe(true);
    const extra = gradeCase(testCase, {
      requests: [create, run, { endpoint: "jobs/delete", body: { job_id: 4711 } }],
      questions: [],
    });
    expect(extra.pass).toBe(false);
    expect(extra.leaves.filter((l) => l.status === "extra")).toHaveLength(1);
    expect(gradeCase(testCase, { requests: [create], questions: [] }).pass).toBe(false);
  });

  it("turns work items into the Jobs API requests the Worker would send", () => {
    const jobs = [{ job_id: 9, settings: { name: "a" } }];
    const answer = workItemsToAnswer(
      [
        {
          key: "u",
          action: "update",
          target: { name: "a" },
          patch: { new_settings: { max_concurrent_runs: 2 }, fields_to_remove: ["schedule"] },
        },
        { key: "r", action: "run", target: { job_id: 9 }, run: { job_parameters: { p: "1" }, only: ["t"] } },
        { key: "d", action: "delete", target: { name: "missing" } },
        { key: "q", action: "create", questions: ["which notebook?"] },
      ],
      jobs,
    );
    expect(answer.requests).toEqual([
      {
        endpoint: "jobs/update",
        body: { job_id: 9, new_settings: { max_concurrent_runs: 2 }, fields_to_remove: ["schedule"] },
      },
      { endpoint: "jobs/run-now", body: { job_id: 9, job_parameters: { p: "1" }, only: ["t"] } },
    ]);
    expect(answer.questions).toEqual([expect.stringMatching(/no resolvable job/), "which notebook?"]);
  });
});
