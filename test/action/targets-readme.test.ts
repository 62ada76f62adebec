// The README's targets section stays true: its workflow uses only inputs action.yml declares and names only targets
// its jobagent.yml declares, and its three-target plan comment is the action's real output — regenerated here from
// a run of dist/index.js against three local workspaces (dev, staging, prod). To refresh the README after a change
// of the comment: JOBAGENT_UPDATE_README=1 npx vitest run test/action/targets-readme.test.ts
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseMarker } from "../../src/adapters/github/sticky.js";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import { ActionHarness, BUNDLE, prPayload, pushPayload } from "../support/action-harness.js";

const README = "README.md";
const START = "<!-- targets-plan-comment:start -->";
const END = "<!-- targets-plan-comment:end -->";
const TOKEN = "dapi-readme-example-token-0123456789abcdef";

function section(): string {
  const text = readFileSync(README, "utf8");
  const from = text.indexOf("## Targets: dev → prod");
  return text.slice(from, text.indexOf("\n## ", from + 5));
}

function yamlBlocks(text: string): unknown[] {
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]) as unknown);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

describe("the README's targets section", () => {
  it("its workflow uses only inputs of action.yml and only targets of its jobagent.yml", () => {
    const blocks = yamlBlocks(section()).filter(isObj);
    const config = blocks.find((b) => isObj(b.targets))!;
    const targets = Object.keys(config.targets as Obj);
    const workflow = blocks.find((b) => isObj(b.jobs))!;
    const inputs = Object.keys((parse(readFileSync("action.yml", "utf8")) as { inputs: Obj }).inputs);
    const steps = Object.values(workflow.jobs as Obj).flatMap((job) =>
      ((job as { steps: Obj[] }).steps ?? []).filter((s) => String(s.uses).includes("jobagent")),
    );
    expect(steps.length).toBeGreaterThanOrEqual(3);
    for (const step of steps) {
      for (const name of Object.keys((step.with as Obj) ?? {})) expect(inputs).toContain(name);
      const target = (step.with as Obj | undefined)?.target;
      if (target !== undefined) expect(targets).toContain(target);
      for (const name of Object.keys((step.env as Obj) ?? {})) {
        const suffix = /^DATABRICKS_(?:HOST|TOKEN)_(\w+)$/.exec(name)?.[1];
        expect(suffix, name).toBeDefined();
        expect(targets.map((t) => t.toUpperCase().replace(/-/g, "_"))).toContain(suffix);
      }
    }
    // the environment-bound jobs name the environments jobagent.yml gives its targets
    const environments = Object.values(workflow.jobs as Obj).map((job) => (job as Obj).environment);
    for (const t of Object.values(config.targets as Obj))
      if (isObj(t) && t.environment) expect(environments).toContain(t.environment);
  });
});

const ready = existsSync(BUNDLE);
const h = new ActionHarness();
const ws: Record<string, LocalWorkspace> = {};

const requirement = (extra = "") => `---
title: orders-daily
job:
  name: orders-daily
  schedule: { quartz_cron_expression: "0 0 6 * * ?", timezone_id: UTC }
  job_clusters:
    - job_cluster_key: etl
      new_cluster: { spark_version: 15.4.x-scala2.12, node_type_id: i3.xlarge, num_workers: 2 }
  tasks:
    - task_key: ingest
      job_cluster_key: etl
      notebook_task: { notebook_path: /Workspace/Shared/etl/ingest }
${extra}---
Every day at 06:00 UTC, ingest the orders.
`;

const SCRATCH = `---
title: orders-explore
targets: [dev]
job:
  name: orders-explore
  job_clusters:
    - job_cluster_key: etl
      new_cluster: { spark_version: 15.4.x-scala2.12, node_type_id: i3.xlarge, num_workers: 1 }
  tasks:
    - task_key: explore
      job_cluster_key: etl
      notebook_task: { notebook_path: /Workspace/Shared/etl/transform }
---
A scratch job for exploring the orders, in dev only.
`;

describe.skipIf(!ready)("the README's three-target plan comment", () => {
  beforeAll(async () => {
    for (const name of ["dev", "staging", "prod"]) ws[name] = await startLocalWorkspace({ token: TOKEN });
    await h.start({
      "jobs/.gitkeep": "",
      "jobagent.yml": `project: acme/data-jobs
targets:
  dev:
    mode: development
    overrides:
      job_clusters:
        - job_cluster_key: etl
          new_cluster: { num_workers: 1 }
  staging:
    environment: staging
  prod:
    environment: production
`,
    });
  });

  afterAll(async () => {
    await Promise.all(Object.values(ws).map((w) => w.close()));
    await h.close();
  });

  const env = () =>
    Object.fromEntries(
      Object.entries(ws).flatMap(([name, w]) => [
        [`DATABRICKS_HOST_${name.toUpperCase()}`, w.url],
        [`DATABRICKS_TOKEN_${name.toUpperCase()}`, TOKEN],
      ]),
    );

  async function plan(number: number, branch: string, files: Record<string, string>) {
    const { head, base } = h.openBranch(branch, files);
    h.github.files.set(
      number,
      Object.keys(files).map((filename) => ({ filename, status: "modified" })),
    );
    const run = await h.run({
      event: "pull_request",
      payload: prPayload(number, branch, head, base),
      checkout: h.checkout(branch, `pr-${number}`),
      sha: head,
      ref: `refs/pull/${number}/merge`,
      env: env(),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    return h.github.commentsOn(number).find((c) => parseMarker(c.body)?.kind === "plan")!.body;
  }

  it("is the action's output for a change that creates in dev, leaves staging alone and updates prod", async () => {
    await plan(1, "add-orders", { "jobs/orders-daily.md": requirement() });
    const merged = h.merge("add-orders", 1);
    for (const target of ["dev", "staging", "prod"]) {
      const run = await h.run({
        event: "push",
        payload: pushPayload(merged.sha, merged.before),
        checkout: h.checkout("main", `apply-${target}`, merged.sha),
        sha: merged.sha,
        ref: "refs/heads/main",
        inputs: { mode: "apply", target },
        env: env(),
      });
      expect(run.code, run.stdout + run.stderr).toBe(0);
    }
    const prodOverride = `targets:
  dev: {}
  staging: {}
  prod:
    job_clusters: [{ job_cluster_key: etl, new_cluster: { num_workers: 8 } }]
`;
    const body = await plan(2, "prod-capacity", {
      "jobs/orders-daily.md": requirement(prodOverride),
      "jobs/orders-explore.md": SCRATCH,
    });
    const head = parseMarker(body)!.headSha!;
    // What changes from run to run: the head commit, and the local workspaces' ports (shown as example hosts).
    let shown = body.replaceAll(head, "<head>").replaceAll(head.slice(0, 7), "<head>");
    for (const [name, w] of Object.entries(ws))
      shown = shown.replaceAll(w.url, `https://${name}.example.cloud.databricks.com`);
    expect(shown).toContain("<b>dev</b> — 1 to create");
    expect(shown).toContain("<details><summary><b>staging</b> — no changes");
    expect(shown).toContain("<b>prod</b> — 1 to update");
    const block = `${START}\n\n${shown.trim()}\n\n${END}`;
    const text = readFileSync(README, "utf8");
    const current = text.slice(text.indexOf(START), text.indexOf(END) + END.length);
    if (process.env.JOBAGENT_UPDATE_README === "1") writeFileSync(README, text.replace(current, block));
    else expect(current).toBe(block);
  });
});
