import { createRequire } from "node:module";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sdkChunks, specPaths } from "../../src/retriever/chunks.js";
import { fieldGraphOf, readSdkTypes } from "../../src/retriever/corpus.js";
import type { SdkType, TypeScriptModule } from "../../src/retriever/sdk-types.js";
import { JOB_SETTINGS_SCHEMA } from "../../src/domain/job-schema.js";
import { schemaDefinitionOf } from "../../src/retriever/schema-facts.js";

const require = createRequire(import.meta.url);
let types: SdkType[];

const field = (qualified: string, name: string) => {
  const [pkg, typeName] = qualified.split(".");
  const type = types.find((t) => t.pkg === pkg && t.name === typeName);
  return type?.fields.find((f) => f.name === name);
};

beforeAll(() => {
  const ts = require("typescript") as TypeScriptModule;
  const apis = path.join(path.dirname(require.resolve("@databricks/sdk-experimental")), "apis");
  types = readSdkTypes(ts, apis);
});

describe("field reference extracted from the installed SDK's type declarations", () => {
  it("covers the jobs, compute, workspace, sql and pipelines models", () => {
    expect(new Set(types.map((t) => t.pkg))).toEqual(
      new Set(["jobs", "compute", "workspace", "sql", "pipelines"]),
    );
    expect(types.length).toBeGreaterThan(500);
  });

  it.each([
    ["jobs.CronSchedule", "quartz_cron_expression", /Quartz syntax/, true],
    ["jobs.CronSchedule", "timezone_id", /Java timezone ID/, true],
    ["jobs.Task", "max_retries", /retry/i, false],
    ["jobs.Task", "min_retry_interval_millis", /milliseconds/i, false],
    ["compute.ClusterSpec", "num_workers", /worker nodes/i, false],
    ["compute.AutoScale", "max_workers", /maximum number of workers/i, false],
    ["jobs.SqlTask", "warehouse_id", /warehouse/i, true],
    ["jobs.JobSettings", "max_concurrent_runs", /concurrent/i, false],
    ["jobs.FileArrivalTriggerConfiguration", "url", /URL/, true],
  ])("%s.%s carries its SDK description", (type, name, description, required) => {
    const found = field(type, name);
    expect(found, `${type}.${name}`).toBeDefined();
    expect(found!.description).toMatch(description);
    expect(found!.required).toBe(required);
    expect(found!.description).not.toMatch(/^\s*\*|\/\*\*|\*\//);
  });

  it("records the SDK types a field refers to, across packages", () => {
    expect(field("jobs.Task", "new_cluster")?.refs).toEqual(["compute.ClusterSpec"]);
    expect(field("jobs.Task", "libraries")?.refs).toEqual(["compute.Library"]);
    expect(field("jobs.JobSettings", "schedule")?.refs).toEqual(["jobs.CronSchedule"]);
  });

  it("extracts string enums with a description per value", () => {
    const metric = types.find((t) => t.pkg === "jobs" && t.name === "JobsHealthMetric")!;
    expect(metric.kind).toBe("enum");
    expect(metric.values.map((v) => v.value)).toContain("RUN_DURATION_SECONDS");
    expect(metric.values.find((v) => v.value === "STREAMING_BACKLOG_FILES")?.description).toMatch(
      /outstanding files/,
    );
  });

  it("knows where each type sits in a job spec", () => {
    const paths = specPaths(types);
    expect(paths.get("jobs.CronSchedule")).toContain("schedule");
    expect(paths.get("compute.ClusterSpec")).toEqual(expect.arrayContaining(["tasks[].new_cluster"]));
    expect(paths.get("compute.AutoScale")?.[0]).toMatch(/new_cluster\.autoscale$/);
    const graph = fieldGraphOf(types);
    expect(graph["jobs.JobSettings"].tasks).toBe("jobs.Task");
    expect(graph["jobs.CronSchedule"].quartz_cron_expression).toBe("");
  });

  it("chunks one type per chunk with dotted field lines, or one field per chunk", () => {
    const byType = sdkChunks(types);
    const cron = byType.find((chunk) => chunk.id === "sdk:jobs.CronSchedule")!;
    expect(cron.heading).toBe("CronSchedule");
    expect(cron.text).toMatch(
      /- quartz_cron_expression \(string, required\): A Cron expression using Quartz syntax/,
    );
    expect(cron.text).toContain("Used in a job spec at: schedule");
    expect(cron.offSpec).toBeUndefined();
    expect(byType.find((chunk) => chunk.id === "sdk:sql.EndpointInfo")?.offSpec).toBe(true);

    const byField = sdkChunks(types, { sdk: "field", groupSize: 12, maxChars: 1800 });
    const tz = byField.find((chunk) => chunk.id === "sdk:jobs.CronSchedule.timezone_id")!;
    expect(tz.heading).toBe("CronSchedule.timezone_id");
    expect(tz.text).toContain("Spec path: schedule.timezone_id");
  });
});

describe("the field reference and the generated job schema agree", () => {
  it("every field of every job schema type is in the reference, with the same required flag", () => {
    const definitions = JOB_SETTINGS_SCHEMA.definitions ?? {};
    const mismatches: string[] = [];
    for (const [name, def] of Object.entries(definitions)) {
      if (!def.properties || name === "CreateJob") continue;
      const candidates = types.filter((t) => (t.pkg === "jobs" || t.pkg === "compute") && t.name === name);
      const type = candidates.find((t) => schemaDefinitionOf(t)) ?? candidates[0];
      for (const fieldName of Object.keys(def.properties)) {
        if (name === "Task" && fieldName === "compute") continue; // a schema addition, see job-schema.overrides.json
        const found = type?.fields.find((f) => f.name === fieldName);
        const required = (def.required ?? []).includes(fieldName);
        if (!found || found.required !== required) mismatches.push(`${name}.${fieldName}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("carries the schema's limits into the field reference and its chunks", () => {
    expect(field("jobs.JobSettings", "tags")?.limits).toBe("at most 25 entries");
    expect(field("compute.ClusterSpec", "num_workers")?.limits).toBe("integer, at least 0");
    expect(field("jobs.Task", "max_retries")?.limits).toBe("integer, at least -1");
    expect(field("jobs.ClusterSpec", "new_cluster")?.limits).toBeUndefined(); // same name, other package
    expect(field("jobs.JobSettings", "max_concurrent_runs")?.limits).toBe(
      "integer, at least 0, at most 1000",
    );
    const settings = sdkChunks(types).find((chunk) => chunk.id === "sdk:jobs.JobSettings")!;
    expect(settings.text).toMatch(/- tags \(Record<string, string>\): .* Limits: at most 25 entries\./);
  });
});
