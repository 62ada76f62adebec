import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildApplyComment,
  buildOutdatedComment,
  buildPlanComment,
  COMMENT_BUDGET,
  GITHUB_COMMENT_LIMIT,
} from "../../src/action/comment.js";
import type { ApplyResult, PlanResult } from "../../src/engine/api.js";
import type { JobChange, JobSettings } from "../../src/domain/model.js";
import { parseMarker } from "../../src/adapters/github/sticky.js";
import { renderPlanMarkdown } from "../../src/domain/render.js";

const CORPUS = resolve(process.cwd(), "../shared/corpus/real-jobs");
const corpusPresent = existsSync(CORPUS);
if (!corpusPresent) console.warn(`comment tests: corpus ${CORPUS} is absent; the 300-job tests are skipped`);

function corpusSettings(): JobSettings[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => (JSON.parse(readFileSync(join(CORPUS, f), "utf8")) as { settings: JobSettings }).settings);
}

/** A plan of `n` create changes built from real job definitions (cycled), with a markdown as long as a real one. */
function bigPlan(n: number): PlanResult {
  const settings = corpusSettings();
  const changes: JobChange[] = Array.from({ length: n }, (_, i) => {
    const desired: JobSettings = {
      ...settings[i % settings.length],
      name: `${settings[i % settings.length].name ?? "job"} #${i}`,
    };
    return {
      taskId: `jobs/req-${i}.md#main`,
      requirement: `jobs/req-${i}.md`,
      op: "create",
      jobName: String(desired.name),
      fields: Object.keys(desired).map((key) => ({
        path: key,
        kind: "add" as const,
        after: desired[key],
        category: "other" as const,
      })),
      drift: [],
      desired,
      hash: `h${i}`,
      warnings: [],
      destructive: false,
    };
  });
  const markdown = changes
    .map(
      (c) =>
        `### ${c.jobName}\n\n<details><summary>settings</summary>\n\n\`\`\`json\n${JSON.stringify(c.desired, null, 2)}\n\`\`\`\n\n</details>`,
    )
    .join("\n\n");
  return {
    valid: true,
    diagnostics: [],
    changes,
    blocked: [],
    counts: { create: n, update: 0, delete: 0, run: 0, noop: 0, blocked: 0 },
    planHash: "5eed5eed5eed5eed",
    markdown,
  };
}

function smallPlan(overrides: Partial<PlanResult> = {}): PlanResult {
  return {
    valid: true,
    diagnostics: [],
    changes: [
      {
        taskId: "jobs/orders.md#main",
        requirement: "jobs/orders.md",
        op: "update",
        jobName: "orders | daily <!-- x -->",
        jobId: 42,
        fields: [
          {
            path: "schedule.quartz_cron_expression",
            kind: "change",
            before: "0 0 1 * * ?",
            after: "0 0 2 * * ?",
            category: "schedule",
          },
        ],
        drift: [],
        hash: "abc",
        warnings: [],
        destructive: false,
      },
    ],
    blocked: [],
    counts: { create: 0, update: 1, delete: 0, run: 0, noop: 3, blocked: 0 },
    planHash: "0a1b2c3d4e5f6a7b",
    markdown: "### orders daily\n\n- `schedule.quartz_cron_expression`: `0 0 1 * * ?` → `0 0 2 * * ?`",
    ...overrides,
  };
}

function balanced(body: string): void {
  expect((body.match(/^\s*```/gm) ?? []).length % 2).toBe(0);
  expect((body.match(/<details\b/g) ?? []).length).toBe((body.match(/<\/details>/g) ?? []).length);
}

describe("plan comment", () => {
  it("shows a small plan whole, with its hash in the hidden marker", () => {
    const plan = smallPlan();
    const { body, truncated } = buildPlanComment({ plan, jobsDir: "jobs", headSha: "f".repeat(40) });
    expect(truncated).toBe(false);
    expect(parseMarker(body)).toEqual({
      kind: "plan",
      jobsDir: "jobs",
      planHash: plan.planHash,
      headSha: "f".repeat(40),
    });
    expect(body).toContain(plan.markdown);
    expect(body).toContain("| 0 | 1 | 0 | 0 | 3 | 0 |");
    // a job name cannot break the table or open an HTML comment
    expect(body).not.toContain("<!-- x -->");
    expect(body).toContain("orders \\| daily &lt;!-- x -->");
  });

  it.skipIf(!corpusPresent)(
    "keeps a 300-job plan under GitHub's limit, says it was truncated and keeps markup balanced",
    () => {
      const plan = bigPlan(300);
      expect(plan.markdown.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT * 2);
      const { body, truncated } = buildPlanComment({ plan, jobsDir: "jobs", headSha: "f".repeat(40) });
      expect(truncated).toBe(true);
      expect(body.length).toBeLessThanOrEqual(COMMENT_BUDGET);
      expect(body).toContain("| 300 | 0 | 0 | 0 | 0 | 0 |");
      expect(body).toMatch(/full plan is in the job summary/);
      expect(parseMarker(body)?.planHash).toBe(plan.planHash);
      balanced(body);
    },
  );

  it.skipIf(!corpusPresent)("stays under the limit whatever a renderer returns", () => {
    const plan = bigPlan(300);
    const { body, truncated } = buildPlanComment({
      plan,
      jobsDir: "jobs",
      headSha: "f".repeat(40),
      render: () => ({ markdown: plan.markdown, truncated: false, omitted: [] }),
    });
    expect(truncated).toBe(true);
    expect(body.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    balanced(body);
  });

  it.skipIf(!corpusPresent)(
    "with the plan renderer, a 300-job plan fits, lists every job it can and says what was cut",
    () => {
      const plan = bigPlan(300);
      const { body, truncated } = buildPlanComment({
        plan,
        jobsDir: "jobs",
        headSha: "f".repeat(40),
        render: (p, { maxChars }) => renderPlanMarkdown(p, { maxChars }),
      });
      expect(truncated).toBe(true);
      expect(body.length).toBeLessThanOrEqual(COMMENT_BUDGET);
      expect(body).toContain("300 to create");
      expect(parseMarker(body)?.planHash).toBe(plan.planHash);
      balanced(body);
    },
  );

  it("marks the plan it replaces as superseded", () => {
    const { body } = buildPlanComment({
      plan: smallPlan(),
      jobsDir: "jobs",
      headSha: "2".repeat(40),
      previous: { kind: "plan", jobsDir: "jobs", planHash: "0dd0dd0dd0dd0dd0", headSha: "1".repeat(40) },
    });
    expect(body).toMatch(/supersedes ~~plan `0dd0dd0dd0dd0dd0` on `1111111`~~/);
    const same = buildPlanComment({
      plan: smallPlan(),
      jobsDir: "jobs",
      headSha: "2".repeat(40),
      previous: { kind: "plan", jobsDir: "jobs", planHash: "0a1b2c3d4e5f6a7b", headSha: "1".repeat(40) },
    });
    expect(same.body).toMatch(/the plan did not change/);
  });

  it("gives an invalid plan no approvable hash and lists its errors", () => {
    const plan = smallPlan({
      valid: false,
      diagnostics: [
        {
          severity: "error",
          code: "schema.unknown-field",
          file: "jobs/orders.md",
          line: 7,
          path: "tasks[ingest].notebok_task",
          value: "notebok_task",
          message: 'unknown field "notebok_task"',
          fix: 'did you mean "notebook_task"?',
        },
      ],
    });
    const { body } = buildPlanComment({ plan, jobsDir: "jobs", headSha: "f".repeat(40) });
    expect(parseMarker(body)?.planHash).toBeUndefined();
    expect(body).toMatch(/Validation failed/);
    expect(body).toContain("`jobs/orders.md:7`");
    expect(body).toContain('did you mean "notebook_task"?');
  });

  it("an outdated comment drops the plan hash and folds the old plan", () => {
    const { body: old } = buildPlanComment({ plan: smallPlan(), jobsDir: "jobs", headSha: "1".repeat(40) });
    const outdated = buildOutdatedComment(old, {
      jobsDir: "jobs",
      headSha: "2".repeat(40),
      reason: "plan-failed",
    });
    expect(parseMarker(outdated)).toEqual({ kind: "plan", jobsDir: "jobs", headSha: "2".repeat(40) });
    expect(outdated).toMatch(/\*\*Outdated\.\*\*/);
    expect(outdated).toContain("<details><summary>Previous plan (outdated)</summary>");
    expect(outdated.match(/<!-- jobagent:/g)).toHaveLength(1);
    balanced(outdated);
  });
});

describe("apply comment", () => {
  it("links every job and run and says why nothing was applied on plan-changed", () => {
    const result: ApplyResult = {
      ok: false,
      planHash: "aaaa",
      failureReason: "plan-changed",
      message: "plan aaaa differs from the approved plan bbbb",
      results: [],
    };
    const body = buildApplyComment({
      result,
      jobsDir: "jobs",
      sha: "c".repeat(40),
      approvedPlanHash: "bbbb",
    });
    expect(parseMarker(body)?.kind).toBe("apply");
    expect(body).toMatch(/Apply failed \(`plan-changed`\)/);
    expect(body).toMatch(/on-plan-change: apply/);
  });

  it("the result table is its own block (a blank line after the commit line: GitHub shows it as a table)", () => {
    const result: ApplyResult = {
      ok: true,
      planHash: "aaaa",
      results: [
        { taskId: "a.a", requirement: "jobs/a.md", op: "create", jobName: "a", status: "COMPLETE", jobId: 7 },
      ],
    };
    const body = buildApplyComment({
      result,
      jobsDir: "jobs",
      sha: "c".repeat(40),
      runUrl: "https://x/run/1",
    });
    expect(body).toContain(
      "[workflow run](https://x/run/1)\n\n| status | op | job | job id | run | detail |",
    );
  });

  it("an apply with blocked or unapproved tasks is 'applied in part' and lists each with its reason", () => {
    const result: ApplyResult = {
      ok: true,
      planHash: "aaaa",
      complete: false,
      appliedPlans: ["aaaa"],
      results: [
        {
          taskId: "mine.mine",
          requirement: "jobs/mine.md",
          op: "create",
          jobName: "Mine",
          status: "COMPLETE",
        },
      ],
      blocked: [
        {
          taskId: "shared.shared",
          requirement: "jobs/shared.md",
          op: "create",
          jobName: "Shared name",
          reason: 'a job named "Shared name" belongs to acme/owner',
        },
      ],
      notApplied: [
        {
          taskId: "orders.orders",
          requirement: "jobs/orders.md",
          op: "update",
          jobName: "Orders",
          jobId: 1021,
          reason: "no recorded plan approved this update",
        },
      ],
    };
    const body = buildApplyComment({ result, jobsDir: "jobs", sha: "c".repeat(40) });
    expect(body).toMatch(/## ⚠️ Applied in part/);
    expect(body).not.toMatch(/✅ Applied:/);
    expect(body).toContain("**Not applied (2):**");
    expect(body).toContain('- ⛔ blocked Shared name — a job named "Shared name" belongs to acme/owner');
    expect(body).toContain(
      "- ⏭️ not applied: `update` Orders (job 1021) — no recorded plan approved this update",
    );
  });

  it("fits 300 results under the limit", () => {
    const result: ApplyResult = {
      ok: true,
      planHash: "aaaa",
      results: Array.from({ length: 300 }, (_, i) => ({
        taskId: `jobs/r${i}.md#main`,
        requirement: `jobs/r${i}.md`,
        op: "create" as const,
        jobName: `a rather long job name for requirement number ${i} `.repeat(4),
        jobId: 1000 + i,
        jobUrl: `https://adb-1.azuredatabricks.net/jobs/${1000 + i}`,
        status: "COMPLETE" as const,
        run: {
          runId: 5000 + i,
          url: `https://adb-1.azuredatabricks.net/jobs/${1000 + i}/runs/${5000 + i}`,
          result: "SUCCESS",
        },
      })),
    };
    const body = buildApplyComment({ result, jobsDir: "jobs", sha: "c".repeat(40) });
    expect(body.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(body).toContain("[run 5000](https://adb-1.azuredatabricks.net/jobs/1000/runs/5000): SUCCESS");
    expect(body).toMatch(/and \d+ more job\(s\): see the job summary/);
  });
});
