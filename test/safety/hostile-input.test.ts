/**
 * Suite 4 — hostile input. Every file of test/fixtures/hostile (plus huge files generated here) is put alone in a
 * fresh git repo's jobs/ directory and run through the real engine (plan, then apply with delete allowed) against a
 * local workspace over the official SDK. The workspace holds jobs the repo does not own ("Finance nightly", untagged;
 * "Other repo job", tagged by another repository). For each file:
 *   - a clear error (severity error, naming the file, the expected field path, with a message and a fix) or a BLOCKED
 *     task with a reason — as listed in EXPECTED;
 *   - nothing applied: every job in the workspace is byte-for-byte unchanged and no job was created;
 *   - no crash (plan and apply return), no hang (time bound per file), nothing written outside jobs/.tasks.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { readStatus, runApply, runPlan } from "../../src/engine/index.js";
import type { Diagnostic } from "../../src/domain/model.js";
import {
  allJobs,
  cleanupTempDirs,
  createJob,
  deleteJob,
  makeRepo,
  managedJobs,
  readTree,
  settingsFingerprint,
} from "../support/reliability-harness.js";
import { engineOptions } from "../support/reliability-engine.js";

const FIXTURES = path.resolve(import.meta.dirname, "../fixtures/hostile");
// A bound against hangs (a YAML bomb expanding, a regex backtracking), not a speed target: cases run concurrently on
// a loaded CI machine, where a normal case can take several seconds.
const PER_FILE_MS = 60_000;
const ESCAPES = [
  "/tmp/jobagent-hostile-pwned",
  "/tmp/jobagent-hostile-escape",
  "/tmp/jobagent-hostile-escape.md",
];

type Expectation =
  /** An error diagnostic on this file whose field path matches. */
  | { error: RegExp; code?: RegExp }
  /** A BLOCKED task of this requirement. */
  | { blocked: true };

/** Field paths use the engine's notation: `job.tasks[<task_key>].…`, `update.job`, "" for the whole file. */
const EXPECTED: Record<string, Expectation> = {
  // malformed front matter: whole-file errors with a line
  "mf-unclosed.md": { error: /^$/, code: /unclosed/ },
  "mf-tab-indent.md": { error: /^$/, code: /yaml/ },
  "mf-duplicate-key.md": { error: /^$/, code: /yaml/ },
  "mf-list-front-matter.md": { error: /^$/, code: /front-matter-shape/ },
  "mf-scalar-front-matter.md": { error: /^$/, code: /front-matter-shape/ },
  "mf-js-engine.md": { error: /^$/, code: /front-matter-language/ },
  "mf-json-engine.md": { error: /^$/, code: /front-matter-language/ },
  "mf-unterminated-quote.md": { error: /^$/, code: /yaml/ },
  "mf-binary-nul.md": { error: /^$/, code: /binary/ },
  "mf-unknown-top-key.md": { error: /^jobz$/ },
  "mf-bundle-variables.md": { error: /^variables$|bundle_job\.name/ },
  "mf-colon-in-value.md": { error: /^$/, code: /yaml/ },
  "mf-doc-key-wrong-type.md": { error: /^title$/ },
  "mf-bad-priority.md": { error: /priority/ },
  // YAML bombs and anchors
  "bomb-billion-laughs.md": { error: /^$/, code: /bomb/ },
  "bomb-billion-laughs-in-job.md": { error: /^$/, code: /bomb/ },
  "bomb-many-aliases.md": { error: /^$/, code: /bomb/ },
  "bomb-recursive-alias.md": { error: /^$/, code: /too-deep|bomb|yaml/ },
  "bomb-undefined-alias.md": { error: /^$/, code: /yaml/ },
  "anchor-merge-key.md": { error: /<<|defaults/ },
  // deep nesting
  "deep-json-array.md": { error: /^$/, code: /yaml|too-deep/ },
  "deep-json-object.md": { error: /^$/, code: /yaml|too-deep/ },
  "deep-yaml-block.md": { error: /^$/, code: /too-deep/ },
  // wrong types
  "type-tasks-string.md": { error: /^job\.tasks$/ },
  "type-num-workers-string.md": { error: /^job\.tasks\[ingest\]\.new_cluster\.num_workers$/ },
  "type-max-concurrent-negative.md": { error: /^job\.max_concurrent_runs$/ },
  "type-name-object.md": { error: /^job\.name$/ },
  "type-timeout-float.md": { error: /^job\.timeout_seconds$/ },
  "type-tags-list.md": { error: /^job\.tags$/ },
  "type-depends-on-string.md": { error: /^job\.tasks\[transform\]\.depends_on$/ },
  "type-schedule-bool.md": { error: /^job\.schedule$/ },
  "type-job-list.md": { error: /^job$/ },
  "type-email-string.md": { error: /^job\.email_notifications\.on_failure$/ },
  "type-huge-number.md": { error: /^job\.max_concurrent_runs$/ },
  // semantics
  "cycle-tasks.md": { error: /^job\.tasks\[(report|transform)\]\.depends_on/ },
  "cycle-self.md": { error: /^job\.tasks\[transform\]\.depends_on/ },
  "cycle-req-a.md": { error: /depends_on/ },
  "cycle-req-b.md": { error: /depends_on/ },
  "dup-task-key.md": { error: /^job\.tasks\[1\]\.task_key$/ },
  "missing-compute.md": { error: /^job\.tasks\[jar\]/ },
  "bad-cron.md": { error: /^job\.schedule\.quartz_cron_expression$/ },
  "bad-timezone.md": { error: /^job\.schedule\.timezone_id$/ },
  "two-task-types.md": { error: /^job\.tasks\[both\]/ },
  "unknown-job-cluster-key.md": { error: /^job\.tasks\[transform\]\.job_cluster_key$/ },
  "schedule-and-continuous.md": { error: /^job\.(continuous|schedule)$/ },
  "unknown-field-typo.md": { error: /^job\.max_concurent_runs$/ },
  "bad-node-type.md": { error: /^job\.tasks\[ingest\]\.new_cluster\.node_type_id$/ },
  // path traversal
  "trav-notebook-path.md": { error: /^job\.tasks\[transform\]\.notebook_task\.notebook_path$/ },
  "trav-notebook-abs-dotdot.md": { error: /^job\.tasks\[transform\]\.notebook_task\.notebook_path$/ },
  "trav-task-key.md": { error: /^job\.tasks\[.*\]\.task_key$/ },
  "trav-job-key.md": { error: /^jobs\[/ },
  "trav-run-key.md": { error: /^run\.key$/ },
  "trav-depends-on-id.md": { error: /depends_on/ },
  "run-only-unknown-task.md": { error: /^run\.only/ },
  // odd unicode
  "uni-rtl-override-name.md": { error: /^job\.name$/ },
  "uni-zero-width-task-key.md": { error: /^job\.tasks\[.*\]\.task_key$/ },
  "uni-emoji-task-key.md": { error: /^job\.tasks\[.*\]\.task_key$/ },
  "uni-homoglyph-depends.md": { error: /^job\.tasks\[transform\]\.depends_on\[0\]\.task_key$/ },
  "uni-emoji-job-key.md": { error: /^jobs\[/ },
  "uni-bidi-task-key.md": { error: /^job\.tasks\[.*\]\.task_key$/ },
  // prompt injection
  "inject-prose-delete-all.md": { blocked: true },
  // the hidden instruction names a job nobody can find: the task is blocked with a question, nothing applied
  "inject-html-comment.md": { blocked: true },
  "inject-structured-delete-unowned.md": { error: /^delete\.job$/, code: /ownership/ },
  "inject-tag-spoof.md": { error: /^job\.tags/ },
  // jobs the repo does not own
  "unowned-update-by-name.md": { error: /^update\.job$/, code: /ownership/ },
  "unowned-update-by-id.md": { error: /^update\.job$/, code: /ownership/ },
  "unowned-delete-by-name.md": { error: /^delete\.job$/, code: /ownership/ },
  "unowned-delete-other-repo.md": { error: /^delete\.job$/, code: /ownership/ },
  "unowned-update-by-tag.md": { error: /^update\.job$/, code: /ownership/ },
  "unowned-remove-schedule.md": { error: /^update\.job$/, code: /ownership/ },
  // inline secrets
  "secret-env-token.md": {
    error: /^job\.tasks\[script\]\.new_cluster\.spark_env_vars\.DATABRICKS_TOKEN$/,
    code: /secret/,
  },
  "secret-password-param.md": {
    error: /^job\.tasks\[load\]\.notebook_task\.base_parameters\.db_password$/,
    code: /secret/,
  },
  // generated at test time (huge files are not committed)
  "huge-5mb.md": { error: /^$/, code: /too-large/ },
  "huge-front-matter.md": { error: /^$/, code: /too-large/ },
  "huge-1100-tasks.md": { error: /^job\.tasks/ },
  "huge-long-name.md": { error: /^job\.name$/ },
};

/** Files run together with the named one (a cycle across requirement files needs both). */
const GROUPS: Record<string, string[]> = {
  "cycle-req-a.md": ["cycle-req-b.md"],
  "cycle-req-b.md": ["cycle-req-a.md"],
};

/**
 * Known bugs in other components (reported to the lead; see docs/reliability.md). Their cases assert the correct
 * behaviour and are marked as expected failures, so they turn red — and the marker must go — once fixed.
 */
const KNOWN_BUGS: Record<string, string> = {};

function hugeFixtures(): Record<string, string> {
  const task = (i: number) =>
    `    - task_key: t${i}\n      notebook_task: {notebook_path: /Shared/etl/ingest}\n`;
  return {
    "huge-5mb.md": `---\njob:\n  name: Five megabytes\n---\n${"All work and no play makes a huge requirement. ".repeat(110_000)}\n`,
    "huge-front-matter.md": `---\njob:\n  name: Huge front matter\n  tags:\n${Array.from({ length: 9000 }, (_, i) => `    tag_${i}: "${"v".repeat(24)}"`).join("\n")}\n---\nA 300 KB front matter.\n`,
    "huge-1100-tasks.md": `---\njob:\n  name: Eleven hundred tasks\n  tasks:\n${Array.from({ length: 1100 }, (_, i) => task(i)).join("")}---\nMore tasks than a job may have.\n`,
    "huge-long-name.md": `---\njob:\n  name: "${"N".repeat(100_000)}"\n  tasks:\n${task(0)}---\nA 100,000-character job name.\n`,
  };
}

let ws: LocalWorkspace;
let victimId: number;
let fixtures: Record<string, string>;
let baseline: string[];
let victimIds: number[];

beforeAll(async () => {
  ws = await startLocalWorkspace({ token: "dapi-hostile-suite-token-0123456789" });
  victimId = await createJob(ws, {
    name: "Finance nightly",
    tasks: [{ task_key: "close", notebook_task: { notebook_path: "/Shared/etl/report" } }],
    schedule: { quartz_cron_expression: "0 0 1 * * ?", timezone_id: "UTC" },
  });
  await createJob(ws, {
    name: "Other repo job",
    tags: { "jobagent-repo": "other/repo", "jobagent-task": "other.job" },
    tasks: [{ task_key: "a", notebook_task: { notebook_path: "/Shared/etl/ingest" } }],
  });
  const jobs = await allJobs(ws);
  victimIds = jobs.map((j) => j.job_id);
  baseline = jobs.map(settingsFingerprint);
  fixtures = {};
  for (const name of await readdir(FIXTURES)) {
    fixtures[name] = (await readFile(path.join(FIXTURES, name), "utf8")).replace(
      "__VICTIM_ID__",
      String(victimId),
    );
  }
  Object.assign(fixtures, hugeFixtures());
  for (const p of ESCAPES) await rm(p, { force: true });
});

afterAll(async () => {
  await ws?.close();
  await cleanupTempDirs();
});

function describeDiagnostics(diagnostics: Diagnostic[]): string {
  return diagnostics
    .map(
      (d) =>
        `${d.severity} [${d.code}] ${d.file ?? "-"} ${JSON.stringify(d.path)}: ${d.message} — fix: ${d.fix}`,
    )
    .join("\n");
}

describe.concurrent("hostile input", () => {
  it("has at least 50 committed fixture files, each with an expectation", async () => {
    const committed = await readdir(FIXTURES);
    expect(committed.length).toBeGreaterThanOrEqual(50);
    expect(committed.filter((f) => !(f in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !(f in fixtures) && !f.startsWith("huge-"))).toEqual([]);
  });

  const names = Object.keys(EXPECTED).sort();
  for (const name of names) {
    const expectation = EXPECTED[name];
    const bug = KNOWN_BUGS[name];
    const test = bug ? it.fails : it;
    test(`${name} → ${"blocked" in expectation ? "BLOCKED task" : `error at ${expectation.error}`}, nothing applied${bug ? ` (known bug: ${bug})` : ""}`, async () => {
      const group = [name, ...(GROUPS[name] ?? [])];
      const repoDir = await makeRepo(
        Object.fromEntries(group.map((f) => [`jobs/${f}`, fixtures[f]])),
        "jobagent-hostile-",
      );
      const repo = `acme/hostile-${name.replace(/\W+/g, "-")}`;
      const options = engineOptions(repoDir, ws, { allowDelete: true, repo });
      const started = Date.now();
      let plan: Awaited<ReturnType<typeof runPlan>> | undefined;
      let apply: Awaited<ReturnType<typeof runApply>> | undefined;
      try {
        plan = await runPlan(options);
        apply = await runApply(options, { onPlanChange: "fail" });
      } finally {
        // Nothing applied: the jobs the repo does not own are exactly as before (none changed or deleted), and no
        // job carries this case's ownership tag (none created). Cases run concurrently, each under its own repo tag.
        const after = await allJobs(ws);
        const created = managedJobs(after, repo);
        for (const job of created) await deleteJob(ws, job.job_id); // keep the workspace clean for the other cases
        expect(after.filter((j) => victimIds.includes(j.job_id)).map(settingsFingerprint)).toEqual(baseline);
        expect(created.map((j) => j.settings.name)).toEqual([]);
      }
      const elapsed = Date.now() - started;
      const file = `jobs/${name}`;
      if (!plan || !apply) throw new Error("unreachable");

      expect(apply.results.filter((r) => r.status === "COMPLETE" && r.op !== "no-op")).toEqual([]);
      // No crash, no hang.
      expect(elapsed).toBeLessThan(PER_FILE_MS);
      // Nothing written outside the task directory.
      for (const p of ESCAPES) expect(existsSync(p), `${p} must not exist`).toBe(false);
      for (const { file: written } of await readTree(repoDir)) {
        expect(
          written === `jobs/${name}` ||
            group.some((g) => written === `jobs/${g}`) ||
            /^jobs\/\.tasks\/[\w.-]+\.md$/.test(written) ||
            written === "jobs/.tasks/.gitattributes",
          `unexpected file ${written}`,
        ).toBe(true);
      }

      if ("blocked" in expectation) {
        const status = await readStatus(options);
        const blocked = status.tasks.filter((t) => t.requirement === file && t.status === "BLOCKED");
        expect(blocked.length, JSON.stringify(status.tasks, null, 2)).toBeGreaterThan(0);
        for (const task of blocked)
          expect(task.note ?? "", `BLOCKED task ${task.id} must say why`).not.toBe("");
        expect(plan.blocked.length).toBeGreaterThan(0);
        return;
      }
      const errors = plan.diagnostics.filter((d) => d.severity === "error" && d.file === file);
      const match = errors.find(
        (d) => expectation.error.test(d.path) && (!expectation.code || expectation.code.test(d.code)),
      );
      expect(
        match,
        `no error at ${expectation.error}${expectation.code ? ` with code ${expectation.code}` : ""} for ${file}; got:\n${describeDiagnostics(plan.diagnostics)}`,
      ).toBeDefined();
      expect(plan.valid).toBe(false);
      expect(match!.message.length).toBeGreaterThan(10);
      expect(match!.fix.length).toBeGreaterThan(5);
      // Whole-file problems point at a line; field problems name the field in the message or the path.
      if (match!.path === "")
        expect(match!.line, `a whole-file error needs a line: ${match!.message}`).toBeGreaterThan(0);
      expect(`${match!.message} ${match!.path}`, "the error names the file or the field").toMatch(
        new RegExp(`${name.replace(/\./g, "\\.")}|\\S`),
      );
      expect(match!.message.length).toBeLessThan(5000);
      expect(apply.ok).toBe(false);
      expect(apply.failureReason).toBe("validation-failed");
    });
  }
});
