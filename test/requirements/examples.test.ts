/**
 * The example requirements in jobs/ (applied by the demo on a fresh local workspace) and docs/examples/ (acting on
 * existing jobs) are valid: they load, interpret into the expected work items, pass schema/rules/secrets, and
 * jobs/ passes preflight against the local workspace's seed over real HTTP with the official SDK.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorkspace, type LocalWorkspace } from "../../src/dev/local-workspace/index.js";
import {
  interpretStructured,
  loadRequirements,
  validationContextFor,
} from "../../src/techlead/requirements/index.js";
import { createPreflight, validateRequirement } from "../../src/worker/validate/index.js";
import { createSdkWorkspace } from "../../src/adapters/databricks/sdk-workspace.js";

const repo = process.cwd();

describe("jobs/ examples", () => {
  let local: LocalWorkspace;
  beforeAll(async () => {
    local = await startLocalWorkspace({ runStepMs: 5 });
  });
  afterAll(async () => {
    await local?.close();
  });

  it("holds at least 15 requirements that load without diagnostics", async () => {
    const { docs, diagnostics } = await loadRequirements(repo, "jobs");
    expect(diagnostics).toEqual([]);
    expect(docs.length).toBeGreaterThanOrEqual(15);
    expect(docs.map((d) => d.file)).toEqual([...docs.map((d) => d.file)].sort());
    expect(docs.every((d) => d.file.startsWith("jobs/"))).toBe(true);
  });

  it("cover the task types, triggers and features the issue asks for", async () => {
    const { docs } = await loadRequirements(repo, "jobs");
    const text = JSON.stringify(docs.map((d) => interpretStructured(d)?.items));
    for (const feature of [
      "notebook_task",
      "python_wheel_task",
      "spark_python_task",
      "sql_task",
      "dbt_task",
      "pipeline_task",
      "spark_jar_task",
      "condition_task",
      "for_each_task",
      "job_clusters",
      "environment_key",
      "schedule",
      "file_arrival",
      "table_update",
      "continuous",
      "periodic",
      "email_notifications",
      "webhook_notifications",
      "health",
      "parameters",
      "access_control_list",
      '"action":"run"',
    ]) {
      expect(text, feature).toContain(feature);
    }
  });

  it("validate with no errors (schema, rules, secrets) and pass preflight against the local workspace", async () => {
    const { docs } = await loadRequirements(repo, "jobs");
    const workspace = createSdkWorkspace({ host: local.url, token: local.token });
    const preflight = createPreflight(workspace);
    const problems: string[] = [];
    let creates = 0;
    for (const doc of docs) {
      const { interpretation, diagnostics } = validateRequirement(doc);
      expect(interpretation, doc.file).toBeDefined();
      problems.push(
        ...diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`),
      );
      for (const item of interpretation!.items) {
        if (!item.settings) continue;
        creates++;
        const found = await preflight.check(item.settings, validationContextFor(doc, item.key));
        problems.push(...found.map((d) => `${d.code} ${d.message}`));
      }
    }
    expect(problems).toEqual([]);
    expect(creates).toBeGreaterThanOrEqual(17);
  });
});

describe("docs/examples (existing jobs)", () => {
  it("interpret to update / run / delete / adopt items and validate", async () => {
    const { docs, diagnostics } = await loadRequirements(path.join(repo, "docs"), "examples");
    expect(diagnostics).toEqual([]);
    const items = docs.flatMap((d) => {
      const { interpretation, diagnostics: found } = validateRequirement(d);
      expect(
        found.filter((x) => x.severity === "error"),
        d.file,
      ).toEqual([]);
      return interpretation!.items;
    });
    const byAction = (a: string) => items.filter((i) => i.action === a);
    expect(byAction("delete")[0]?.target).toEqual({ name: "legacy-nightly-export" });
    expect(byAction("run")[0]).toMatchObject({
      target: { job_id: 123456789 },
      run: { only: ["kpi_report"], wait: true, job_parameters: { region: "emea" } },
    });
    const update = items.find((i) => i.key === "update-legacy-revenue-rollup");
    expect(update).toMatchObject({
      action: "update",
      target: { name: "legacy-revenue-rollup", adopt: true },
      patch: { fields_to_remove: ["tasks/old_export", "webhook_notifications"] },
    });
    const adopted = items.find((i) => i.key === "adopt-existing-job");
    expect(adopted).toMatchObject({
      action: "update",
      target: { name: "marketing-attribution", adopt: true },
    });
    expect(adopted?.settings?.name).toBe("marketing-attribution");
  });
});
